#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Reference numbers for tests/plugins (standard library only), at full double precision.

`n2n_delays`, `lif_neuron_composite` and `hebbian` are copied unchanged from
/work/shared/spec/golden_models.py (scenarios S3a, S3c, S4a: upstream's N2NDelays, LIFNeuron and
HebbianRule, af523a5). That script prints rounded numbers; this one prints repr() of the same
computations. `n2n_delays_ours` is our documented difference for upstream's quirk "a delay equal
to the buffer size B acts as delay 0" (upstream-models.md sections 5.5 and 12.4): our ring keeps
B + 1 rows, so every D in [0, B] is a delay of D steps, out[k] = in[k - D]. `linear_async` is
upstream's LinearSynapses with per-synapse ("async") spikes, section 5.1:
I[o] = sum_i W[o][i] * sign_i * s[o][i]. Every number here comes from these formulas, never from
the C++ code.

Run: python3 tests/plugins/reference/golden_neurons.py
"""
import math


def n2n_delays(spike_seq, D, B):
    """spike_seq: list of per-step presyn spike lists; D[o][i] delays (uint8) ; B buffer size."""
    n_in = len(spike_seq[0])
    buf = [[0] * n_in for _ in range(B)]
    idx = 0
    outs = []
    for s in spike_seq:
        buf[idx] = list(s)                      # push at current index
        idx = (idx + 1) % B                     # advance
        out = [[buf[(idx - D[o][i] - 1) % B][i] for i in range(n_in)] for o in range(len(D))]
        outs.append(out)
    return outs


def n2n_delays_ours(spike_seq, D):
    """Ours: out[k][o][i] = in[k - D[o][i]][i] (0 before the first step), D in [0, B]."""
    outs = []
    for k in range(len(spike_seq)):
        outs.append([[spike_seq[k - d][i] if k - d >= 0 else 0 for i, d in enumerate(row)]
                     for row in D])
    return outs


def lif_neuron_composite(steps, K0=300.0, D=1, B=4, eta=0.1, dt=1.0):
    """LIFNeuron (af523a5 wiring), 1 pre -> 1 post, f64.  Order inside one step:
    N2NDelays -> LinearSynapses (old kernel) -> LeakySoma -> HebbianRule (old kernel) -> kernel := rule output."""
    buf = [0] * B
    idx = 0
    decay = math.exp(-dt / 20.0)
    g = (1 - decay) * 0.1
    v = 0.0
    K = K0
    xpre = xpost = 0.0
    dtr = math.exp(-dt / 20.0)
    rows = []
    for k in range(steps):
        s_in = 1                                   # presynaptic neuron spikes every step
        buf[idx] = s_in
        idx = (idx + 1) % B
        pre_d = buf[(idx - D - 1) % B]             # delayed spike seen by the (post, pre) synapse
        I = K * pre_d                              # LinearSynapses (sign +1: excitatory)
        v = decay * v + g * I                      # LeakySoma update
        s = v > 20.0
        if s:
            v = 10.0
        xpre = dtr * xpre + pre_d / 20.0           # HebbianRule traces (pre trace on delayed spikes)
        xpost = dtr * xpost + (1 if s else 0) / 20.0
        K = max(0.0, K + dt * eta * (xpost * pre_d + (1 if s else 0) * xpre))
        rows.append((k, pre_d, I, v, int(s), K))
    return rows


def hebbian(pre, post, K0, eta, tau_pre=20.0, tau_post=20.0, dt=1.0):
    dpre, dpost = math.exp(-dt / tau_pre), math.exp(-dt / tau_post)
    xpre = xpost = 0.0
    K = K0
    ks = []
    for sp, so in zip(pre, post):
        xpre = dpre * xpre + sp / tau_pre
        xpost = dpost * xpost + so / tau_post
        dK = eta * (xpost * sp + so * xpre)
        K = max(0.0, K + dt * dK)
        ks.append(K)
    return ks


def linear_async(W, sign, s):
    return [sum(W[o][i] * sign[i] * s[o][i] for i in range(len(sign))) for o in range(len(W))]


def main():
    print('S3a N2NDelays, D = [[1,2],[3,4]], B = 4, in: pre0 @0, pre1 @1, 8 steps')
    seq = [[1, 0], [0, 1]] + [[0, 0]] * 6
    D = [[1, 2], [3, 4]]
    for k, (up, ours) in enumerate(zip(n2n_delays(seq, D, 4), n2n_delays_ours(seq, D))):
        print(f'  step {k}: upstream {up} ours {ours}')

    print('S3b LinearSynapses async: W = [[0.5,0.25,1.0],[0.0,2.0,0.75]], pre 2 inhibitory')
    W = [[0.5, 0.25, 1.0], [0.0, 2.0, 0.75]]
    sign = [1, 1, -1]
    for s in ([[1, 0, 1], [0, 1, 1]], [[0, 1, 0], [1, 0, 0]], [[1, 1, 1], [1, 1, 1]]):
        print(f'  s = {s}: currents {linear_async(W, sign, s)!r}')

    print('S3c LIFNeuron composite, every step: (k, delayed_pre, I, V, spike, K_after)')
    for r in lif_neuron_composite(45):
        print(f'  {r!r}')

    print('S3c with eta = 0 (static weights), 100 steps: post spikes and (k, V) at some steps')
    rows = lif_neuron_composite(100, eta=0.0)
    print(f'  spikes {[r[0] for r in rows if r[4]]}')
    print(f'  {[(k, rows[k][3]) for k in (0, 1, 21, 22, 23, 44)]!r}')

    print('S4a HebbianRule, K0 = 0.5, K after steps 0..9')
    n = 10
    def train(at):
        return [1 if k in at else 0 for k in range(n)]
    for eta in (0.1, 0.01):
        for title, pre, post in (('pre@0, post@5', train({0}), train({5})),
                                 ('post@0, pre@5', train({5}), train({0})),
                                 ('pre@0+post@0', train({0}), train({0}))):
            print(f'  eta={eta} {title}: {hebbian(pre, post, 0.5, eta)!r}')


if __name__ == '__main__':
    main()
