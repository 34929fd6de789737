#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Reference numbers for tests/plugins (standard library only), printed at full precision (repr).

`n2n_delays`, `lif_neuron_composite`, `hebbian`, `refractory_family` and `zenke` (with the helpers
`r64`, `r32`, `cexp`) are copied unchanged from /work/shared/spec/golden_models.py (scenarios S3a,
S3c, S4a, S2, S4c: upstream's N2NDelays, LIFNeuron, HebbianRule, Refractory/AdaptiveLeakySoma and
ZenkeRule, af523a5). That script prints rounded numbers; this one prints repr() of the same
computations. `n2n_delays_ours` is our documented difference for upstream's quirk "a delay equal
to the buffer size B acts as delay 0" (upstream-models.md sections 5.5 and 12.4): our ring keeps
B + 1 rows, so every D in [0, B] is a delay of D steps, out[k] = in[k - D]. `linear_async` is
upstream's LinearSynapses with per-synapse ("async") spikes, section 5.1:
I[o] = sum_i W[o][i] * sign_i * s[o][i]. `zenke_rounded` is `zenke` with every operation rounded by
R (spec/golden_models.py prints S4c in f64 only; this gives the float32 trajectory, with upstream's
Tracer form q <- alpha q + (1/tau) x and y**3 = (y*y)*y). `alif_population` re-implements upstream's
ALIFNeuron (section 7.2: N2NDelays -> LinearSynapses -> AdaptiveLeakySoma -> ZenkeRule, per-synapse
spikes, equations of sections 4.4, 5.6 and 6.3) for a few neurons, with our delay semantics (D in
[0, B] is a delay of D steps) and no hidden warm-up step (the soma starts at r = c). It is written
with plain lists, per synapse, straight from the equations (numpy is not installed here). Every
number here comes from these formulas, never from the C++ code.

Run: python3 tests/plugins/reference/golden_neurons.py
"""
import math
import struct


def r64(x):
    return float(x)


def r32(x):
    return struct.unpack('f', struct.pack('f', x))[0]


def cexp(R, x):
    """Constant exp(x) as upstream builds it: jnp.exp(python float) is float32, then cast."""
    if R is r64:
        return math.exp(x)
    return R(r32(math.exp(r32(x))))


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


def refractory_family(R, I, steps, refr0, kind, tau=20.0, r_m=0.1, rest=-60.0, reset=-50.0,
                      thr=-40.0, cooldown=2.0, th_tau=20.0, th_delta=100.0, dt=1.0):
    decay = cexp(R, -dt / tau)
    gain = R(1 - decay)
    res = R(r_m)
    v_reset = R(reset - rest)
    theta0 = R(thr - rest)
    c = int(round(cooldown / dt))
    I = R(I)
    g = R(gain * res)
    th_decay = cexp(R, -dt / th_tau)
    th_scale = R(th_delta)
    theta = theta0
    v = 0.0
    refr = refr0
    out = []
    for k in range(steps):
        theta_used = theta
        if kind == 'strict':
            ready = refr >= c
            v = R(R(decay * v) + R(g * I)) if ready else v_reset
        else:
            ready = refr > c
            v = R(R(decay * v) + (R(g * I) if ready else 0.0))
        s = (v > theta_used) and ready
        if s:
            v = v_reset
        refr = 0 if s else (refr + 1) % 65536          # uint16 counter
        if kind == 'adaptive':                          # threshold tracer, updated after the reset
            theta = R(R(theta0 + R(th_decay * R(theta - theta0))) + R(th_scale * (1.0 if s else 0.0)))
        out.append((s, v, ready, theta_used))
    return out


def zenke(pre, post, K0, eta=0.1, tau_pre=20.0, tau_post=20.0, tau_slow=20.0, tau_target=20000.0,
          a=1.0, b=-1.0, c=-1.0, d=1.0, p=20.0, dt=1.0):
    dpre, dpost, dslow, dtar = (math.exp(-dt / t) for t in (tau_pre, tau_post, tau_slow, tau_target))
    xpre = xpost = xslow = ztar = 0.0
    K = K0
    rows = []
    for sp, so in zip(pre, post):
        xpre = dpre * xpre + sp / tau_pre
        xpost = dpost * xpost + so / tau_post
        xslow = dslow * xslow + so / tau_slow
        z_old = ztar
        delta_target = K - p * z_old * (0.25 - z_old) * (0.5 - z_old)
        ztar = dtar * ztar + delta_target / tau_target
        ta = a * (xslow * so) * xpre
        tb = b * xpost * sp
        tc = c * (K - ztar) * (xpost ** 3) * so
        td = d * sp
        K = max(0.0, K + dt * eta * (ta + tb + tc + td))
        rows.append((K, ztar, ta, tb, tc, td))
    return rows


def tracer(R, decay, scale, q, x):
    """Upstream's Tracer with base 0: q <- alpha q + scale x, each operation rounded by R."""
    return R(R(decay * q) + R(scale * x))


def zenke_rounded(R, pre, post, K0, eta=0.1, tau_pre=20.0, tau_post=20.0, tau_slow=20.0,
                  tau_target=20000.0, a=1.0, b=-1.0, c=-1.0, d=1.0, p=20.0, dt=1.0):
    """ZenkeRule (section 6.3) on one synapse, every operation rounded by R, in zenke's order."""
    dpre, dpost, dslow, dtar = (cexp(R, -dt / t) for t in (tau_pre, tau_post, tau_slow, tau_target))
    spre, spost, sslow, star = (R(1.0 / t) for t in (tau_pre, tau_post, tau_slow, tau_target))
    a, b, c, d, p = R(a), R(b), R(c), R(d), R(p)
    dt_eta = R(R(dt) * R(eta))
    xpre = xpost = xslow = ztar = 0.0
    K = R(K0)
    rows = []
    for sp, so in zip(pre, post):
        xpre = tracer(R, dpre, spre, xpre, sp)
        xpost = tracer(R, dpost, spost, xpost, so)
        xslow = tracer(R, dslow, sslow, xslow, so)
        z_old = ztar
        delta_target = R(K - R(R(R(p * z_old) * R(0.25 - z_old)) * R(0.5 - z_old)))
        ztar = tracer(R, dtar, star, ztar, delta_target)
        ta = R(R(a * R(xslow * so)) * xpre)
        tb = R(R(b * xpost) * sp)
        tc = R(R(R(c * R(K - ztar)) * R(R(xpost * xpost) * xpost)) * so)
        td = R(d * sp)
        K = max(0.0, R(K + R(dt_eta * R(R(R(ta + tb) + tc) + td))))
        rows.append((K, ztar))
    return rows


# The ALIF population scenario of tests/plugins/test_alif_neuron.cpp: 4 presynaptic neurons (the
# last one inhibitory) -> 3 ALIF neurons, all excitatory (inhibitory_rate 0), 60 steps.
ALIF_W = [[120.0, 260.0, 0.0, 90.0], [300.0, 60.0, 180.0, 40.0], [0.0, 220.0, 140.0, 250.0]]
ALIF_D = [[1, 2, 0, 3], [2, 1, 3, 1], [0, 3, 1, 2]]        # max_delay 3 ms: B = 3
ALIF_SIGN = [1, 1, 1, -1]
ALIF_STEPS = 60
ALIF_PRE_AT = [set(range(0, ALIF_STEPS, 2)),                  # pre 0 every 2nd step from 0
               set(range(1, ALIF_STEPS, 3)),                  # pre 1 every 3rd step from 1
               {k for k in range(ALIF_STEPS) if k % 4 == 1},  # pre 2 at k = 1 mod 4
               {k for k in range(ALIF_STEPS) if k % 5 == 2}]  # pre 3 (inhibitory) at k = 2 mod 5
ALIF_PARAMS = dict(r_m=0.3, th_tau=30.0, th_delta=8.0, eta=0.5, target_tau=200.0)


def alif_population(R, steps=ALIF_STEPS, W0=ALIF_W, D=ALIF_D, sign=ALIF_SIGN, pre_at=ALIF_PRE_AT,
                    rest=-60.0, reset=-50.0, thr=-40.0, tau=20.0, r_m=0.1, cooldown=2.0,
                    th_tau=20.0, th_delta=100.0, pre_tau=20.0, post_tau=20.0, slow_tau=20.0,
                    target_tau=20000.0, a=1.0, b=-1.0, c=-1.0, d=1.0, p=20.0, eta=0.1, dt=1.0):
    """ALIFNeuron, every operation rounded by R. Returns one dict per step."""
    O, I = len(W0), len(W0[0])
    decay = cexp(R, -dt / tau)
    g = R(R(1 - decay) * R(r_m))
    v_reset = R(reset - rest)
    theta0 = R(thr - rest)
    cd = int(round(cooldown / dt))
    th_decay = cexp(R, -dt / th_tau)
    th_scale = R(th_delta)
    dpre, dpost, dslow, dtar = (cexp(R, -dt / t) for t in (pre_tau, post_tau, slow_tau, target_tau))
    spre, spost, sslow, star = (R(1.0 / t) for t in (pre_tau, post_tau, slow_tau, target_tau))
    a, b, c, d, p = R(a), R(b), R(c), R(d), R(p)
    dt_eta = R(R(dt) * R(eta))
    W = [[R(w) for w in row] for row in W0]
    v = [0.0] * O
    refr = [cd] * O                                  # fresh soma: r = c, no hidden warm-up step
    theta = [theta0] * O
    x = [[0.0] * I for _ in range(O)]                # per-synapse presynaptic traces
    y = [0.0] * O
    ys = [0.0] * O
    z = [[0.0] * I for _ in range(O)]                # target trace, kernel-shaped
    history = []
    rows = []
    for k in range(steps):
        s_in = [1 if k in pre_at[i] else 0 for i in range(I)]
        history.append(s_in)
        # N2NDelays (ours: D steps exactly), async spikes [o][i], unsigned
        sd = [[history[k - D[o][i]][i] if k - D[o][i] >= 0 else 0 for i in range(I)]
              for o in range(O)]
        # LinearSynapses, kernel before learning, presynaptic signs
        cur = []
        for o in range(O):
            acc = 0.0
            for i in range(I):
                if sd[o][i]:
                    acc = R(acc + R(sign[i] * W[o][i]))
            cur.append(acc)
        # AdaptiveLeakySoma
        spikes, margin = [], []
        for o in range(O):
            ready = refr[o] > cd
            vv = R(R(decay * v[o]) + (R(g * cur[o]) if ready else 0.0))
            margin.append(vv - theta[o] if ready else None)
            s = ready and vv > theta[o]
            if s:
                vv = v_reset
            v[o] = vv
            refr[o] = 0 if s else refr[o] + 1
            theta[o] = R(R(theta0 + R(th_decay * R(theta[o] - theta0))) + R(th_scale * (1.0 if s else 0.0)))
            spikes.append(1 if s else 0)
        # ZenkeRule, async pre spikes, post = soma spikes; W <- max(0, W + dt eta (A + B + C + D))
        for o in range(O):
            for i in range(I):
                x[o][i] = tracer(R, dpre, spre, x[o][i], sd[o][i])
            y[o] = tracer(R, dpost, spost, y[o], spikes[o])
            ys[o] = tracer(R, dslow, sslow, ys[o], spikes[o])
        for o in range(O):
            y3 = R(R(y[o] * y[o]) * y[o])
            so = spikes[o]
            for i in range(I):
                K = W[o][i]
                z_old = z[o][i]
                delta = R(K - R(R(R(p * z_old) * R(0.25 - z_old)) * R(0.5 - z_old)))
                z[o][i] = tracer(R, dtar, star, z_old, delta)
                sp = sd[o][i]
                ta = R(R(a * R(ys[o] * so)) * x[o][i])
                tb = R(R(b * y[o]) * sp)
                tc = R(R(R(c * R(K - z[o][i])) * y3) * so)
                td = R(d * sp)
                W[o][i] = max(0.0, R(K + R(dt_eta * R(R(R(ta + tb) + tc) + td))))
        rows.append(dict(k=k, spikes=spikes, current=cur, v=list(v), theta=list(theta),
                         margin=margin, W=[list(r) for r in W], z=[list(r) for r in z]))
    return rows


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

    print('S2 refractory / adaptive leaky somas, I = 1000 pA, defaults (c = 2), 40 steps')
    for title, kind, refr0 in (('RefractoryLeakySoma fresh (r = c = 2)', 'refractory', 2),
                               ('RefractoryLeakySoma after the mock step (r = 3)', 'refractory', 3),
                               ('AdaptiveLeakySoma fresh (r = 2)', 'adaptive', 2),
                               ('AdaptiveLeakySoma after the mock step (r = 3)', 'adaptive', 3)):
        for name, R in (('f64', r64), ('f32', r32)):
            tr = refractory_family(R, 1000.0, 40, refr0, kind)
            print(f'  {title} [{name}]: spikes {[k for k, t in enumerate(tr) if t[0]]}')
            print(f'    V after steps 0..11: {[t[1] for t in tr[:12]]!r}')
            if kind == 'adaptive':
                print(f'    threshold used at steps 0..11: {[t[3] for t in tr[:12]]!r}')
                print(f'    threshold used at steps 20..25: {[t[3] for t in tr[20:26]]!r}')

    print('S4c ZenkeRule defaults, K0 = 0.5: (K, z) after steps 0..9')
    for title, pre, post in (('pre@0, post@5', train({0}), train({5})),
                             ('post@0, pre@5', train({5}), train({0})),
                             ('pre@0+post@0', train({0}), train({0}))):
        print(f'  [f64] {title}: K {[r[0] for r in zenke(pre, post, 0.5)]!r}')
        print(f'  [f64] {title}: z {[r[1] for r in zenke(pre, post, 0.5)]!r}')
        print(f'  [f32] {title}: K {[r[0] for r in zenke_rounded(r32, pre, post, 0.5)]!r}')
        print(f'  [f32] {title}: z {[r[1] for r in zenke_rounded(r32, pre, post, 0.5)]!r}')

    print(f'ALIF population: W {ALIF_W}, D {ALIF_D}, signs {ALIF_SIGN}, {ALIF_PARAMS}')
    for name, R in (('f64', r64), ('f32', r32)):
        rows = alif_population(R, **ALIF_PARAMS)
        print(f'  [{name}] spikes (k, [post]): {[(r["k"], r["spikes"]) for r in rows if any(r["spikes"])]}')
        closest = min(abs(m) for r in rows for m in r['margin'] if m is not None)
        print(f'  [{name}] closest approach of V to the threshold: {closest!r} mV')
        for k in (0, 1, 5, 8, 15, 30, 59):
            r = rows[k]
            print(f'  [{name}] step {k}: I {r["current"]!r} V {r["v"]!r} theta {r["theta"]!r}')
        for k in (20, 40, 59):
            print(f'  [{name}] W after step {k}: {rows[k]["W"]!r}')
            print(f'  [{name}] z after step {k}: {rows[k]["z"]!r}')


if __name__ == '__main__':
    main()
