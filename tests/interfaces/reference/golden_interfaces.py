#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Reference numbers for tests/interfaces (standard library only).

`exp_integrator` computes scenario S5c of docs/models.md section 13 (upstream's
ExponentialIntegrator). `exp_integrator_fixed_smooth` is our
fixed smooth trace (docs/upstream-differences.md): both tracers of the rise-decay pair take the same
scale s_j = gain_j * (1/(1-a)) / (1/(1-a_decay) - 1/(1-a_rise)), so that a constant input settles at
the level of the non-smooth trace, and the output is decay - rise >= 0. Every number here comes from
these formulas in double precision, never from the C++ code.

The topological spikers and the linear encoder (docs/models.md section 8.1) are computed in
50-digit decimal arithmetic (`decimal`), so rounding plays no part: `bump` is the formula
h = exp(-(0.5/sigma) z^2) with z = sin(theta_r + pi x) (glued) or tanh(theta_r - pi x),
theta_r = pi r / (resolution - 1) (bounded) or pi r / resolution (glued: the neurons tile one
period of sin^2, so no two encode the same phase), x = (signal - mins) / (maxs - mins), output
element (i, r);
`linear_encoder` is LinearSpiker's update in exact arithmetic: ready = [r >= cd],
V <- alpha V + ready * tau (1 - alpha) scale * drive, scale = E / (E - 1),
E = exp((1000 / f - cd) / tau), spike = [V > tau]. A potential within 1e-30 of tau counts as
equal to it: that is the designed equality V = tau of exact arithmetic, which 50 digits only
approximate (docs/upstream-differences.md, the knife-edge).

Run: python3 tests/interfaces/reference/golden_interfaces.py
"""
import decimal
import math
from decimal import Decimal as D

decimal.getcontext().prec = 50
PI = D('3.14159265358979323846264338327950288419716939937510')


def d_exp(x):
    return D(x).exp()


def d_tanh(x):
    e = d_exp(2 * D(x))
    return (e - 1) / (e + 1)


def d_sin(x):
    x = D(x)
    # reduce to [-pi, pi]
    two_pi = 2 * PI
    x = x - two_pi * (x / two_pi).to_integral_value(rounding=decimal.ROUND_HALF_EVEN)
    term, total, k = x, x, 1
    while abs(term) > D('1e-60'):
        term = -term * x * x / ((2 * k) * (2 * k + 1))
        total += term
        k += 1
    return total


def bump(signal, glue, mins, maxs, resolution, sigma):
    """h for every (element, neuron), flattened row-major; glue/mins/maxs broadcast."""
    def at(v, i):
        return v[0] if len(v) == 1 else v[i]
    out = []
    for i, s in enumerate(signal):
        x = (D(s) - D(at(mins, i))) / (D(at(maxs, i)) - D(at(mins, i)))
        for r in range(resolution):
            if at(glue, i):
                z = d_sin(PI * r / resolution + PI * x)
            else:
                theta = PI * r / (resolution - 1) if resolution > 1 else D(0)
                z = d_tanh(theta - PI * x)
            out.append(d_exp(-(D('0.5') / D(sigma)) * z * z))
    return out


def linear_encoder(drives, tau, cd, fmax, dt=1.0):
    """Spike trains (list of 0/1 lists per step) for per-step drive lists."""
    tau, cd, fmax, dt = D(tau), D(cd), D(fmax), D(dt)
    e = d_exp((1000 / fmax - cd) / tau)
    scale = e / (e - 1)
    alpha = d_exp(-dt / tau)
    c = tau * (1 - alpha) * scale
    n = len(drives[0])
    v = [D(0)] * n
    r = [cd] * n
    trains, potentials = [], []
    for drive in drives:
        spikes = []
        for i in range(n):
            ready = r[i] >= cd
            v[i] = alpha * v[i] + (c * D(drive[i]) if ready else D(0))
            fired = v[i] - tau > D('1e-30')
            if fired:
                v[i] = D(0)
            r[i] = D(0) if fired else r[i] + dt
            spikes.append(1 if fired else 0)
        trains.append(spikes)
        potentials.append(list(v))
    return trains, potentials


def exp_integrator(spike_counts, counts, smooth, tau=5.0, fsat=50.0, dt=1.0):
    # S5c of docs/models.md section 13, as upstream's ExponentialIntegrator computes it
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

    topological()


def topological():
    print()
    print('=== bump h, resolution 8, sigma 1/32, mins -1, maxs 1')
    for glue in (0, 1):
        for sig in (-1.0, -0.5, 0.0, 0.3, 1.0):
            h = bump([sig], [glue], [-1.0], [1.0], 8, 1.0 / 32.0)
            print(f'glue={glue} signal={sig}: [' + ', '.join(repr(float(v)) for v in h) + ']')
    print('=== bump h, resolution 128, sigma 1/32, mins -1, maxs 1, signal 0.3 (neurons 80..84)')
    for glue in (0, 1):
        h = bump([0.3], [glue], [-1.0], [1.0], 128, 1.0 / 32.0)
        print(f'glue={glue}: ' + ', '.join(f'r={r}: {float(h[r])!r}' for r in range(80, 85)))
    print('=== bump h, 2-D signal [[0.25, 0.5], [0.75, 1.0]], glue [0, 1, 0, 1], mins 0, maxs 1, '
          'resolution 4, sigma 0.1 (row-major (2, 2, 4))')
    h = bump([0.25, 0.5, 0.75, 1.0], [0, 1, 0, 1], [0.0], [1.0], 4, 0.1)
    print('[' + ', '.join(repr(float(v)) for v in h) + ']')
    print('=== bump h, per-element mins [0, -2], maxs [2, 2], glue 0, resolution 5, sigma 0.5, '
          'signal [1.0, 1.0]')
    h = bump([1.0, 1.0], [0], [0.0, -2.0], [2.0, 2.0], 5, 0.5)
    print('[' + ', '.join(repr(float(v)) for v in h) + ']')

    print('=== topological_linear_spiker, tutorial constants (tau 30, cd 2, max_freq 200, '
          'sigma 1/32, mins -1, maxs 1, glue 0), resolution 8, signal [-1, 0, 0.3, 1], 14 steps')
    signal = [-1.0, 0.0, 0.3, 1.0]
    h = bump(signal, [0], [-1.0], [1.0], 8, 1.0 / 32.0)
    trains, _ = linear_encoder([h] * 14, 30.0, 2.0, 200.0)
    for k, t in enumerate(trains):
        fired = [o for o, x in enumerate(t) if x]
        print(f'step {k}: spiking outputs {fired}')
    print('=== the same, glue 1')
    hg = bump(signal, [1], [-1.0], [1.0], 8, 1.0 / 32.0)
    trains, _ = linear_encoder([hg] * 14, 30.0, 2.0, 200.0)
    for k, t in enumerate(trains):
        fired = [o for o, x in enumerate(t) if x]
        print(f'step {k}: spiking outputs {fired}')

    print('=== linear encoder, defaults (tau 100, cd 2, max_freq 100), drive 1, dt 0.5 ms, '
          '80 steps')
    trains, _ = linear_encoder([[1.0]] * 80, 100.0, 2.0, 100.0, dt=0.5)
    print('spike steps', [k for k, t in enumerate(trains) if t[0]])
    print('=== linear encoder, tau 30, cd 2, max_freq 200, drive 1, dt 1, 20 steps')
    trains, pots = linear_encoder([[1.0]] * 20, 30.0, 2.0, 200.0)
    print('spike steps', [k for k, t in enumerate(trains) if t[0]],
          'V after steps 0..2', [repr(float(p[0])) for p in pots[:3]])


if __name__ == '__main__':
    main()
