#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Reference numbers for tests/interfaces (standard library only).

`exp_integrator` is copied unchanged from /work/shared/spec/golden_models.py (scenario S5c,
upstream's ExponentialIntegrator). `exp_integrator_fixed_smooth` is our fixed smooth trace
(docs/upstream-differences.md): both tracers of the rise-decay pair take the same scale
s_j = gain_j * (1/(1-a)) / (1/(1-a_decay) - 1/(1-a_rise)), so that a constant input settles at the
level of the non-smooth trace, and the output is decay - rise >= 0. Every number here comes from
these formulas in double precision, never from the C++ code.

Run: python3 tests/interfaces/reference/golden_interfaces.py
"""
import math


def exp_integrator(spike_counts, counts, smooth, tau=5.0, fsat=50.0, dt=1.0):
    # copied from spec/golden_models.py (S5c)
    n = len(counts)
    scale = [(1000.0 / fsat) / (dt * tau * c) for c in counts]
    out = []
    if not smooth:
        d = math.exp(-dt / tau)
        y = [0.0] * n
        for x in spike_counts:
            y = [d * y[j] + scale[j] * x[j] for j in range(n)]
            out.append(list(y))
    else:
        tr = tau * 10.0 / (tau + 10.0)
        dr, dd = math.exp(-dt / tr), math.exp(-dt / 10.0)
        yr = [0.0] * n
        yd = [0.0] * n
        for x in spike_counts:
            yr = [dr * yr[j] + scale[j] * x[j] for j in range(n)]
            yd = [dd * yd[j] + 0.1 * x[j] for j in range(n)]
            out.append([yd[j] - yr[j] for j in range(n)])
    return out


def exp_integrator_fixed_smooth(spike_counts, counts, tau=5.0, fsat=50.0, dt=1.0):
    n = len(counts)
    gain = [(1000.0 / fsat) / (dt * tau * c) for c in counts]
    tr = tau * 10.0 / (tau + 10.0)
    d, dr, dd = math.exp(-dt / tau), math.exp(-dt / tr), math.exp(-dt / 10.0)
    s = (1.0 / (1.0 - d)) / (1.0 / (1.0 - dd) - 1.0 / (1.0 - dr))
    yr = [0.0] * n
    yd = [0.0] * n
    out = []
    for x in spike_counts:
        yr = [dr * yr[j] + s * gain[j] * x[j] for j in range(n)]
        yd = [dd * yd[j] + s * gain[j] * x[j] for j in range(n)]
        out.append([yd[j] - yr[j] for j in range(n)])
    return out, s


def show(title, out):
    print(title)
    for k, o in enumerate(out):
        print(f'  k={k}: [' + ', '.join(repr(v) for v in o) + ']')


def main():
    # S5c input: 10 inputs, 2 outputs, map [0]*5 + [1]*5; group 0 fires 5 spikes at step 0 only,
    # group 1 one spike every step.
    xs = [[5 if k == 0 else 0, 1] for k in range(8)]
    show('S5c non-smooth (upstream, = spec S5c)', exp_integrator(xs, [5, 5], False))
    show('S5c smooth as upstream (negative, the quirk)', exp_integrator(xs, [5, 5], True))
    fixed, s = exp_integrator_fixed_smooth(xs, [5, 5])
    print(f'fixed smooth scale factor s = {s!r}')
    show('S5c smooth fixed', fixed)

    # Steady state: group 1 firing one of 5 inputs every step (= 200 Hz per input... per group
    # count 1 per step); after 400 steps both variants settle at the same level.
    steady = [[0, 1]] * 400
    print('steady level after 400 steps, non-smooth:', repr(exp_integrator(steady, [5, 5], False)[-1][1]))
    print('steady level after 400 steps, fixed smooth:', repr(exp_integrator_fixed_smooth(steady, [5, 5])[0][-1][1]))

    # Uneven groups: 10 inputs, 3 outputs -> counts [4, 3, 3]; every input fires at step 0 only,
    # tau 20 ms, saturation 25 Hz.
    xs3 = [[4, 3, 3] if k == 0 else [0, 0, 0] for k in range(4)]
    show('uneven counts [4,3,3], all fire at step 0, tau 20, fsat 25, non-smooth',
         exp_integrator(xs3, [4, 3, 3], False, tau=20.0, fsat=25.0))
    show('uneven counts [4,3,3], all fire at step 0, tau 20, fsat 25, fixed smooth',
         exp_integrator_fixed_smooth(xs3, [4, 3, 3], tau=20.0, fsat=25.0)[0])


if __name__ == '__main__':
    main()
