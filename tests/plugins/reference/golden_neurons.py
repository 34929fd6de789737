#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Reference numbers for tests/plugins (standard library only), printed at full precision (repr).

`n2n_delays`, `lif_neuron_composite`, `hebbian`, `refractory_family` and `zenke` (with the helpers
`r64`, `r32`, `cexp`) compute scenarios S3a, S3c, S4a, S2 and S4c of docs/models.md section 13
(upstream's N2NDelays, LIFNeuron, HebbianRule, Refractory/AdaptiveLeakySoma and ZenkeRule,
af523a5). Section 13 gives some of their numbers rounded; this script prints repr() of them. `n2n_delays_ours` is our documented difference for
upstream's quirk "a delay equal to the buffer size B acts as delay 0" (docs/models.md sections 5.5
and 12.4): our ring keeps B + 1 rows, so every D in [0, B] is a delay of D steps,
out[k] = in[k - D]. `linear_async` is upstream's LinearSynapses with per-synapse ("async") spikes,
section 5.1:
I[o] = sum_i W[o][i] * sign_i * s[o][i]. `zenke_rounded` is `zenke` with every operation rounded by
R (`zenke` computes S4c in f64 only; this gives the float32 trajectory, with
upstream's Tracer form q <- alpha q + (1/tau) x and y**3 = (y*y)*y). `alif_population` re-implements
upstream's ALIFNeuron (section 7.2: N2NDelays -> LinearSynapses -> AdaptiveLeakySoma -> ZenkeRule,
per-synapse spikes, equations of sections 4.4, 5.6 and 6.3) for a few neurons, with our delay
semantics (D in [0, B] is a delay of D steps) and no hidden warm-up step (the soma starts at r = c).
It is written with plain lists, per synapse, straight from the equations (numpy is not installed
here). Every number here comes from these formulas, never from the C++ code.

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


# ----------------------------------------------------------------------------------------------
# Traced synapses (tests/plugins/test_traced_synapses.cpp) and n_delays (test_n_delays.cpp).
# Upstream's TracedSynapses / RDTracedSynapses / RFSTracedSynapses (docs/models.md sections
# 1.5, 5.2-5.4) written per synapse, exactly as upstream stores them: one Tracer q[o][i] per
# synapse over x[o][i] = W[o][i] * sign_i * s_i, q <- b + alpha (q - b) + c x (q = b initially),
# I[o] = sum_i of the synapse's output. With R = r32 every operation is rounded to binary32 in
# upstream's order (t = q - b; t = alpha t; t = b + t; q = t + c x; then the sum over i in order).
# RD: rise tracer with tau_r' = tau_r tau_d / (tau_r + tau_d), output q_d - q_r. RFS: two RD
# tracers (tau_r with tau_fd, tau_r with tau_sd), output alpha (fast) + (1 - alpha) (slow).
# n_delays_ours is upstream's NDelays (section 5.5) with our delay semantics: out[k][j] =
# in[k - D_j][j] for D_j in [0, B] (docs/upstream-differences.md, quirk 12.4).
# ----------------------------------------------------------------------------------------------
def syn_tracer_step(R, alpha, c, b, q, x):
    return R(R(b + R(alpha * R(q - b))) + R(c * x))


def traced_synapses(R, kind, W, sign, seq, p, dt=1.0):
    """Per-step currents [post] of `kind` in ('linear', 'traced', 'rd', 'rfs'); p: parameters."""
    no, ni = len(W), len(W[0])

    def coupled(tr, td):
        return tr * td / (tr + td)

    if kind == 'traced':
        specs = [(p['tau'], p['scale'], p['base'])]
    elif kind == 'rd':
        specs = [(coupled(p['tau_rise'], p['tau_decay']), p['scale_rise'], p['base_rise']),
                 (p['tau_decay'], p['scale_decay'], p['base_decay'])]
    elif kind == 'rfs':
        specs = [(coupled(p['tau_rise'], p['tau_fast_decay']), p['scale_rise'], p['base_rise']),
                 (p['tau_fast_decay'], p['scale_fast_decay'], p['base_fast_decay']),
                 (coupled(p['tau_rise'], p['tau_slow_decay']), p['scale_rise'], p['base_rise']),
                 (p['tau_slow_decay'], p['scale_slow_decay'], p['base_slow_decay'])]
    else:
        specs = []
    consts = [(cexp(R, -dt / tau), R(c), R(b)) for tau, c, b in specs]
    q = [[[cb[2]] * ni for _ in range(no)] for cb in consts]
    if kind == 'rfs':
        a_f = R(p['alpha'])
        a_s = R(1.0 - a_f)
    rows = []
    for s in seq:
        x = [[R(W[o][i] * sign[i] * s[i]) for i in range(ni)] for o in range(no)]
        for t, (alpha, c, b) in enumerate(consts):
            for o in range(no):
                for i in range(ni):
                    q[t][o][i] = syn_tracer_step(R, alpha, c, b, q[t][o][i], x[o][i])
        cur = []
        for o in range(no):
            acc = 0.0
            for i in range(ni):
                if kind == 'linear':
                    y = x[o][i]
                elif kind == 'traced':
                    y = q[0][o][i]
                elif kind == 'rd':
                    y = R(q[1][o][i] - q[0][o][i])
                else:
                    y = R(R(a_f * R(q[1][o][i] - q[0][o][i])) + R(a_s * R(q[3][o][i] - q[2][o][i])))
                acc = R(acc + y)
            cur.append(acc)
        rows.append(cur)
    return rows


SYN_DEFAULTS = {
    'traced': dict(tau=5.0, scale=1.0, base=0.0),
    'rd': dict(tau_rise=1.0, scale_rise=1.0, base_rise=0.0, tau_decay=5.0, scale_decay=1.0,
               base_decay=0.0),
    'rfs': dict(alpha=0.8, tau_rise=1.0, scale_rise=1.0, base_rise=0.0, tau_fast_decay=5.0,
                scale_fast_decay=1.0, base_fast_decay=0.0, tau_slow_decay=50.0,
                scale_slow_decay=1.0, base_slow_decay=0.0),
}

# S3b of docs/models.md section 13: kernel[post][pre], pre 2 inhibitory, 6 steps.
S3B_W = [[0.5, 0.25, 1.0], [0.0, 2.0, 0.75]]
S3B_SIGN = [1, 1, -1]
S3B_SEQ = [[1, 0, 1], [0, 1, 0], [0, 0, 0], [1, 1, 1], [0, 0, 0], [0, 0, 0]]

# Many presynaptic neurons, non-default parameters with non-zero bases, dt = 0.5 ms: 5 pre (1 and
# 4 inhibitory) -> 3 post, 12 steps.
MANY_W = [[0.5, -0.25, 1.5, 0.0, 2.0],
          [1.25, 0.75, 0.0, 3.0, 0.5],
          [0.0, 2.5, 0.125, 1.0, 0.375]]
MANY_SIGN = [1, -1, 1, 1, -1]
MANY_SEQ = [[1, 0, 0, 1, 0], [0, 1, 1, 0, 0], [0, 0, 0, 0, 1], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0],
            [0, 0, 1, 0, 0], [1, 0, 0, 0, 1], [0, 0, 0, 0, 0], [0, 1, 0, 1, 0], [0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0], [1, 1, 0, 0, 0]]
MANY_DT = 0.5
MANY_PARAMS = {
    'traced': dict(tau=3.0, scale=0.7, base=0.2),
    'rd': dict(tau_rise=2.0, scale_rise=1.5, base_rise=0.1, tau_decay=8.0, scale_decay=0.9,
               base_decay=-0.3),
    'rfs': dict(alpha=0.3, tau_rise=0.5, scale_rise=1.2, base_rise=0.05, tau_fast_decay=4.0,
                scale_fast_decay=0.8, base_fast_decay=0.25, tau_slow_decay=30.0,
                scale_slow_decay=1.1, base_slow_decay=-0.15),
}

# n_delays: 4 presynaptic neurons (3 inhibitory), max_delay 3 (B = 3), D = [0, 1, 3, 2], 8 steps;
# the delayed spikes feed linear_synapses with kernel NDEL_W[post][pre].
NDEL_D = [0, 1, 3, 2]
NDEL_SIGN = [1, 1, 1, -1]
NDEL_SEQ = [[1, 1, 1, 1], [0, 0, 0, 0], [0, 1, 0, 0], [1, 0, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0],
            [0, 0, 0, 0], [0, 0, 0, 0]]
NDEL_W = [[1.0, 2.0, 4.0, 8.0], [0.5, 0.25, 0.125, 16.0]]


def n_delays_ours(seq, D):
    return [[seq[k - d][j] if k - d >= 0 else 0 for j, d in enumerate(D)] for k in range(len(seq))]


def main_synapses():
    print('S3b per step (linear, traced, rd, rfs), upstream defaults')
    for name, R in (('f64', r64), ('f32', r32)):
        for kind in ('linear', 'traced', 'rd', 'rfs'):
            rows = traced_synapses(R, kind, S3B_W, S3B_SIGN, S3B_SEQ, SYN_DEFAULTS.get(kind, {}))
            print(f'  [{name}] {kind}: {rows!r}')
    print(f'Many presynaptic neurons, dt {MANY_DT}: {MANY_PARAMS}')
    for kind in ('linear', 'traced', 'rd', 'rfs'):
        rows = traced_synapses(r64, kind, MANY_W, MANY_SIGN, MANY_SEQ, MANY_PARAMS.get(kind, {}),
                               dt=MANY_DT)
        print(f'  [f64] {kind}: {rows!r}')
    print(f'n_delays D {NDEL_D}, signs {NDEL_SIGN}, then linear_synapses W {NDEL_W}')
    out = n_delays_ours(NDEL_SEQ, NDEL_D)
    print(f'  delayed spikes per step: {out!r}')
    # upstream's NDelays is N2NDelays' gather with one row of delays (ring of B = 3 rows)
    upstream = [o[0] for o in n2n_delays(NDEL_SEQ, [NDEL_D], 3)]
    print(f'  upstream (D = B acts as 0): {upstream!r}')
    print(f'  currents per step: {traced_synapses(r64, "linear", NDEL_W, NDEL_SIGN, out, {})!r}')


if __name__ == '__main__':
    main_synapses()


# ----------------------------------------------------------------------------------------------
# Learning rules with a third factor, and OjaRule (tests/plugins/test_oja_rule.cpp,
# test_third_factor_rules.cpp). `oja` computes S4b of docs/models.md section 13 in f64;
# `oja_rounded` is the same computation with every operation rounded by R (float32 golden). The
# third-factor rules follow docs/models.md sections 6.4-6.6 with our documented fix: the
# third factor m multiplies the update as given (upstream adds a constant 0.1 to it in 6.4 and 6.6,
# so it learns with zero reward). QuadrupletRule (6.4) does not build upstream; `quadruplet` is its
# intended rule: a pre trace x (per presynaptic neuron, or per synapse for async spikes) and a post
# trace y, dW = eta m (q_a s_pre + q_b y s_pre + q_g s_post + q_d x s_post), W >= 0.
# QuadrupletRuleTensor (6.5) selects tau_pre, tau_post, q_a..q_d and max_clip per synapse by its
# type T[o][i] = 2 inh_post[o] + inh_pre[i] (EE, EI, IE, II), with kernel-shaped traces, and clips
# to [0, max_clip]. Every trace is upstream's Tracer with base 0 and scale 1/tau. Spikes are
# unsigned (bit0) for the updates; bit1 only selects the synapse type.
# ----------------------------------------------------------------------------------------------
def oja(pre, post, K0, eta, tau_post=20.0, dt=1.0):
    d = math.exp(-dt / tau_post)
    y = 0.0
    K = K0
    ks = []
    for sp, so in zip(pre, post):
        y = d * y + so / tau_post
        dK = eta * (y * sp - K * y * y)
        K = max(0.0, K + dt * dK)
        ks.append(K)
    return ks


def oja_rounded(R, pre, post, K0, eta=0.1, tau_post=20.0, dt=1.0):
    """OjaRule (section 6.2) on one synapse: dW = eta (y s_pre - (W y) y), each operation rounded."""
    d = cexp(R, -dt / tau_post)
    s = R(1.0 / tau_post)
    eta, dt = R(eta), R(dt)
    y = 0.0
    K = R(K0)
    ks = []
    for sp, so in zip(pre, post):
        y = tracer(R, d, s, y, so)
        y_pre = y if sp else 0.0
        dK = R(eta * R(y_pre - R(R(K * y) * y)))
        K = max(0.0, R(K + R(dt * dK)))
        ks.append(K)
    return ks


# The third-factor scenario: 2 postsynaptic x 3 presynaptic neurons, 10 steps. Post neuron 1 and
# pre neuron 2 are inhibitory (bit1): only the tensor rule reads that (synapse types
# [[EE, EE, EI], [IE, IE, II]]). Sync pre spikes PRE[k][i]; async ones PRE_ASYNC(k)[o][i] =
# PRE[k - o][i] (post neuron o sees the presynaptic spikes o steps late).
TF_W0 = [[0.5, 0.25, 0.75], [0.4, 0.6, 0.3]]
TF_PRE = [[1, 0, 1], [0, 1, 0], [0, 0, 0], [1, 1, 0], [0, 0, 1],
          [0, 0, 0], [1, 0, 0], [0, 1, 1], [0, 0, 0], [1, 0, 1]]
TF_POST = [[0, 0], [1, 0], [0, 1], [0, 0], [1, 1], [0, 0], [0, 1], [1, 0], [0, 0], [0, 1]]
TF_MOD = [[1.0], [0.5], [-0.25], [2.0], [0.0], [1.5], [-1.0], [0.75], [1.0], [0.3]]
TF_MOD_POST = [[1.0, -0.5], [0.5, 2.0], [-0.25, 1.0], [2.0, 0.0], [0.0, 1.5],
               [1.5, -1.0], [-1.0, 0.25], [0.75, 1.0], [1.0, 1.0], [0.3, -2.0]]
TF_POST_INH = [0, 1]
TF_PRE_INH = [0, 0, 1]
# QuadrupletRuleTensor parameters, ordered EE, EI, IE, II (distinct, so a wrong type shows)
QT = dict(pre_tau=(10.0, 5.0, 20.0, 8.0), post_tau=(10.0, 4.0, 16.0, 25.0),
          q_alpha=(1.0, 0.5, -0.5, 2.0), q_beta=(1.0, 2.0, 0.25, -1.0),
          q_gamma=(0.5, -1.0, 1.0, 0.75), q_delta=(1.0, 3.0, -2.0, 0.5),
          max_clip=(20.0, 0.6, 20.0, 0.9), eta=0.1)


def tf_pre_async(k):
    O, I = len(TF_W0), len(TF_W0[0])
    return [[TF_PRE[k - o][i] if k - o >= 0 else 0 for i in range(I)] for o in range(O)]


def tf_spikes(k, async_):
    """Per-synapse unsigned presynaptic spikes sp[o][i] of step k."""
    if async_:
        return tf_pre_async(k)
    return [list(TF_PRE[k]) for _ in TF_W0]


def three_factor(R, mod, async_, W0=TF_W0, tau_pre=10.0, tau_post=10.0, gamma=0.1, dt=1.0):
    """ThreeFactorHebbianRule (6.6), fixed: dW = (gamma r) (y s_pre + s_post x), W >= 0."""
    O, I = len(W0), len(W0[0])
    dpre, dpost = cexp(R, -dt / tau_pre), cexp(R, -dt / tau_post)
    spre, spost = R(1.0 / tau_pre), R(1.0 / tau_post)
    gamma, dt = R(gamma), R(dt)
    W = [[R(w) for w in row] for row in W0]
    x = [[0.0] * I for _ in range(O)]   # per synapse (identical rows for sync spikes)
    y = [0.0] * O
    out = []
    for k in range(len(TF_PRE)):
        sp = tf_spikes(k, async_)
        so = TF_POST[k]
        m = mod[k]
        for o in range(O):
            for i in range(I):
                x[o][i] = tracer(R, dpre, spre, x[o][i], sp[o][i])
            y[o] = tracer(R, dpost, spost, y[o], so[o])
        for o in range(O):
            r = m[o] if len(m) > 1 else m[0]
            for i in range(I):
                a = y[o] if sp[o][i] else 0.0
                b = x[o][i] if so[o] else 0.0
                dW = R(R(gamma * r) * R(a + b))
                W[o][i] = max(0.0, R(W[o][i] + R(dt * dW)))
        out.append([list(row) for row in W])
    return out


def quadruplet_terms(R, qa, qb, qg, qd, x, y, sp, so):
    ta = qa if sp else 0.0
    tb = R(qb * y) if sp else 0.0
    tc = qg if so else 0.0
    td = R(qd * x) if so else 0.0
    return R(R(R(ta + tb) + tc) + td)


def quadruplet(R, mod, async_, W0=TF_W0, tau_pre=10.0, tau_post=10.0, qa=1.0, qb=1.0, qg=1.0,
               qd=1.0, gamma=0.1, dt=1.0):
    """QuadrupletRule (6.4) as intended, fixed: dW = (gamma m)(q_a s_pre + q_b y s_pre + q_g s_post
    + q_d x s_post), W >= 0."""
    O, I = len(W0), len(W0[0])
    dpre, dpost = cexp(R, -dt / tau_pre), cexp(R, -dt / tau_post)
    spre, spost = R(1.0 / tau_pre), R(1.0 / tau_post)
    qa, qb, qg, qd, gamma, dt = R(qa), R(qb), R(qg), R(qd), R(gamma), R(dt)
    W = [[R(w) for w in row] for row in W0]
    x = [[0.0] * I for _ in range(O)]
    y = [0.0] * O
    out = []
    for k in range(len(TF_PRE)):
        sp = tf_spikes(k, async_)
        so = TF_POST[k]
        m = mod[k]
        for o in range(O):
            for i in range(I):
                x[o][i] = tracer(R, dpre, spre, x[o][i], sp[o][i])
            y[o] = tracer(R, dpost, spost, y[o], so[o])
        for o in range(O):
            r = m[o] if len(m) > 1 else m[0]
            for i in range(I):
                total = quadruplet_terms(R, qa, qb, qg, qd, x[o][i], y[o], sp[o][i], so[o])
                dW = R(R(gamma * r) * total)
                W[o][i] = max(0.0, R(W[o][i] + R(dt * dW)))
        out.append([list(row) for row in W])
    return out


def quadruplet_tensor(R, mod, async_, W0=TF_W0, post_inh=TF_POST_INH, pre_inh=TF_PRE_INH, p=QT,
                      dt=1.0):
    """QuadrupletRuleTensor (6.5): per-type parameters, kernel-shaped traces, W in [0, max_clip]."""
    O, I = len(W0), len(W0[0])
    dpre = [cexp(R, -dt / t) for t in p['pre_tau']]
    spre = [R(1.0 / t) for t in p['pre_tau']]
    dpost = [cexp(R, -dt / t) for t in p['post_tau']]
    spost = [R(1.0 / t) for t in p['post_tau']]
    qa, qb, qg, qd, clip = ([R(v) for v in p[n]] for n in
                            ('q_alpha', 'q_beta', 'q_gamma', 'q_delta', 'max_clip'))
    eta, dt = R(p['eta']), R(dt)
    W = [[R(w) for w in row] for row in W0]
    T = [[2 * post_inh[o] + pre_inh[i] for i in range(I)] for o in range(O)]
    x = [[0.0] * I for _ in range(O)]
    y = [[0.0] * I for _ in range(O)]
    out = []
    for k in range(len(TF_PRE)):
        sp = tf_spikes(k, async_)
        so = TF_POST[k]
        m = mod[k]
        for o in range(O):
            for i in range(I):
                t = T[o][i]
                x[o][i] = tracer(R, dpre[t], spre[t], x[o][i], sp[o][i])
                y[o][i] = tracer(R, dpost[t], spost[t], y[o][i], so[o])
        for o in range(O):
            r = m[o] if len(m) > 1 else m[0]
            for i in range(I):
                t = T[o][i]
                total = quadruplet_terms(R, qa[t], qb[t], qg[t], qd[t], x[o][i], y[o][i],
                                         sp[o][i], so[o])
                dW = R(R(eta * r) * total)
                W[o][i] = min(clip[t], max(0.0, R(W[o][i] + R(dt * dW))))
        out.append([list(row) for row in W])
    return out


def cxx_table(name, rows):
    """A C++ initializer: one row per step, the kernel row-major (post, pre)."""
    lines = [f'const double {name}[][6] = {{']
    for Wk in rows:
        lines.append('    {' + ', '.join(repr(v) for r in Wk for v in r) + '},')
    lines.append('};')
    return '\n'.join(lines)


def main_rules():
    n = 10
    def train(at):
        return [1 if k in at else 0 for k in range(n)]
    protocols = (('pre@0, post@5', train({0}), train({5})),
                 ('post@0, pre@5', train({5}), train({0})),
                 ('pre@0+post@0', train({0}), train({0})))
    print('S4b OjaRule, K0 = 0.5, eta 0.1, tau_post 20 ms: K after steps 0..9')
    for title, pre, post in protocols:
        print(f'  [f64] {title}: {oja(pre, post, 0.5, 0.1)!r}')
        print(f'  [f64 rounded form] {title}: {oja_rounded(r64, pre, post, 0.5)!r}')
        print(f'  [f32] {title}: {oja_rounded(r32, pre, post, 0.5)!r}')

    print('Third-factor scenario (TF_*): kernel after each step, as C++ tables')
    for rule, fn in (('three_factor', three_factor), ('quadruplet', quadruplet),
                     ('quadruplet_tensor', quadruplet_tensor)):
        for name, R in (('f64', r64), ('f32', r32)):
            print(cxx_table(f'{rule}_sync_scalar_{name}', fn(R, TF_MOD, False)))
        print(cxx_table(f'{rule}_async_per_post_f64', fn(r64, TF_MOD_POST, True)))


if __name__ == '__main__':
    main_rules()


# ------------------------------------------------------------------------------------------------
# Appended: the strict refractory leaky soma, the exponential family and our Izhikevich soma
# (tests/plugins/test_strict_refractory_soma.cpp, test_exponential_somas.cpp,
# test_izhikevich_soma.cpp). `exponential` computes S6b and S6c of docs/models.md section 13
# (upstream's ExponentialSoma and AdaptiveExponentialSoma). `exponential_family` writes
# out docs/models.md sections 4.5-4.8 for all four exponential somas in the same operation order
# (and reproduces `exponential` exactly, checked below); the refractory ones use our counter (int,
# saturating at c + 1, the fresh state r = c; upstream's uint16 wraps after 65,536 silent steps).
# `izhikevich_ours` is section 4.9 with quirk 12.1 fixed: both equations use the absolute
# potential x = v + potential_rest (textbook 0.04 V^2 + 5 V + 140, V in mV), so that a soma at rest
# with zero input does not fire; the operation order is upstream's (docs/models.md section 13.1).
# ------------------------------------------------------------------------------------------------


def r16(x):
    return struct.unpack('e', struct.pack('e', x))[0]


def exponential(R, I, steps, adaptive=False, rest=-70.0, reset=-51.0, tau=5.0, r_m=0.5, thr=-30.0,
                rh=-50.0, slope=2.0, tau_w=100.0, b_w=7.0, a_w=0.5, dt=1.0):
    v_reset, v_thr, v_rh = R(reset - rest), R(thr - rest), R(rh - rest)
    scale = R(dt / tau)
    res, sl = R(r_m), R(slope)
    wscale, wdelta, wsub = R(dt / tau_w), R(b_w), R(a_w)
    I = R(I)
    v = w = 0.0
    out = []
    for k in range(steps):
        e = R(math.exp(R(R(v - v_rh) / sl)))
        inner = R(R(-v) + R(sl * e))
        if adaptive:
            inner = R(inner - R(res * w))
        inner = R(inner + R(res * I))
        v = R(v + R(scale * inner))
        v_pre = v
        s = v > v_thr
        if s:
            v = v_reset
        if adaptive:
            w = R(w + R(R(wscale * R(R(-w) + R(wsub * v))) + R(wdelta * (1.0 if s else 0.0))))
        out.append((s, v_pre, v, w))
    return out


def exponential_family(R, current, steps, kind, refr0=None, rest=-70.0, reset=-51.0, tau=5.0,
                       r_m=0.5, thr=-30.0, rh=-50.0, slope=2.0, cooldown=2.0, th_tau=20.0,
                       th_delta=100.0, tau_w=100.0, b_w=7.0, a_w=0.5, dt=1.0):
    """kind: 'exponential' (4.5), 'refractory' (4.6), 'adaptive' (AdEx, 4.7) or 'simplified'
    (4.8). current: a number (every step) or one number per step. Returns per step
    (spike, v before the reset, v after it, w, refractory counter after the step, threshold used)."""
    v_reset, theta0, v_rh = R(reset - rest), R(thr - rest), R(rh - rest)
    scale = R(dt / tau)
    res, sl = R(r_m), R(slope)
    wscale, wdelta, wsub = R(dt / tau_w), R(b_w), R(a_w)
    c = int(round(cooldown / dt))
    th_decay = cexp(R, -dt / th_tau)
    th_scale = R(th_delta)
    refractory = kind in ('refractory', 'simplified')
    refr = c if refr0 is None else refr0
    v = w = 0.0
    theta = theta0
    out = []
    for k in range(steps):
        I = R(current[k] if isinstance(current, (list, tuple)) else current)
        ready = (refr > c) if refractory else True
        theta_used = theta
        e = R(math.exp(R(R(v - v_rh) / sl)))
        inner = R(R(-v) + R(sl * e))
        if kind == 'adaptive':
            inner = R(inner - R(res * w))
        if ready:
            inner = R(inner + R(res * I))
        v = R(v + R(scale * inner))
        v_pre = v
        s = v > theta_used and ready
        if s:
            v = v_reset
        if kind == 'adaptive':
            w = R(w + R(R(wscale * R(R(-w) + R(wsub * v))) + R(wdelta * (1.0 if s else 0.0))))
        if refractory:
            refr = 0 if s else min(refr + 1, c + 1)
        if kind == 'simplified':
            theta = R(R(theta0 + R(th_decay * R(theta - theta0))) + R(th_scale * (1.0 if s else 0.0)))
        out.append((s, v_pre, v, w, refr, theta_used))
    return out


def izhikevich_ours(R, current, steps, rest=-65.0, reset=-65.0, r_m=0.1, thr=30.0, a=0.02, b=0.2,
                    d=2.0, dt=1.0):
    """IzhikevichSoma with x = v + potential_rest. Returns per step (spike, v before the reset,
    v after it, u)."""
    e_rest = R(rest)
    v_reset = R(reset - rest)
    v_thr = R(thr - rest)
    res, A, Bc, Dd = R(r_m), R(a), R(b), R(d)
    step = R(dt)
    v = u = 0.0
    out = []
    for k in range(steps):
        I = R(current[k] if isinstance(current, (list, tuple)) else current)
        x = R(v + e_rest)
        pd = R(R(R(R(R(R(0.04) * R(x * x)) + R(5 * x)) + 140) - R(res * u)) + R(res * I))
        v = R(v + R(step * pd))
        rd = R(A * R(R(Bc * R(v + e_rest)) - u))
        u = R(u + R(step * rd))
        v_pre = v
        s = v > v_thr
        if s:
            v = v_reset
            u = R(u + Dd)
        out.append((s, v_pre, v, u))
    return out


def izhikevich_rest(rest=-65.0, r_m=0.1, b=0.2):
    """The stable equilibrium of izhikevich_ours with zero input, rebased (v = V - rest): u = b V
    and 0.04 V^2 + (5 - R b) V + 140 = 0, the smaller root."""
    p = 5.0 - r_m * b
    return (-p - math.sqrt(p * p - 4 * 0.04 * 140.0)) / (2 * 0.04) - rest


def main_somas():
    print('S2 StrictRefractoryLeakySoma fresh (r = c = 2), I = 1000 pA, defaults, 40 steps')
    for name, R in (('f64', r64), ('f32', r32)):
        tr = refractory_family(R, 1000.0, 40, 2, 'strict')
        print(f'  [{name}] spikes {[k for k, t in enumerate(tr) if t[0]]}')
        print(f'  [{name}] V after steps 0..11: {[t[1] for t in tr[:12]]!r}')

    # exponential_family reproduces `exponential` (S6b, S6c) bit for bit
    for R in (r64, r32, r16):
        for adaptive in (False, True):
            ref = exponential(R, 50.0, 80, adaptive=adaptive)
            fam = exponential_family(R, 50.0, 80, 'adaptive' if adaptive else 'exponential')
            assert [t[:4] for t in ref] == [t[:4] for t in fam], (R, adaptive)

    print('S6b ExponentialSoma defaults, I = 50 pA, 60 steps')
    for name, R in (('f64', r64), ('f32', r32)):
        tr = exponential_family(R, 50.0, 60, 'exponential')
        sp = [k for k, t in enumerate(tr) if t[0]]
        print(f'  [{name}] spikes {sp}')
        print(f'  [{name}] V after steps 0..12: {[t[2] for t in tr[:13]]!r}')
        print(f'  [{name}] V before the reset at step {sp[0]}: {tr[sp[0]][1]!r}')
        print(f'  [{name}] V after steps 55..59: {[t[2] for t in tr[55:60]]!r}')

    print('S6c AdaptiveExponentialSoma defaults, I = 50 pA, 80 steps')
    for name, R in (('f64', r64), ('f32', r32)):
        tr = exponential_family(R, 50.0, 80, 'adaptive')
        sp = [k for k, t in enumerate(tr) if t[0]]
        print(f'  [{name}] spikes {sp}')
        print(f'  [{name}] V after steps 0..4: {[t[2] for t in tr[:5]]!r}')
        print(f'  [{name}] w after steps 9..13: {[t[3] for t in tr[9:14]]!r}')
        print(f'  [{name}] w after steps 19..21: {[t[3] for t in tr[19:22]]!r}')
        print(f'  [{name}] V, w after step 79: {tr[79][2]!r}, {tr[79][3]!r}')

    for I in (50.0, 120.0):
        print(f'RefractoryExponentialSoma defaults (c = 2), fresh (r = 2), I = {I} pA, 60 steps')
        for name, R in (('f64', r64), ('f32', r32)):
            tr = exponential_family(R, I, 60, 'refractory')
            sp = [k for k, t in enumerate(tr) if t[0]]
            print(f'  [{name}] spikes {sp}')
            print(f'  [{name}] V after steps 0..12: {[t[2] for t in tr[:13]]!r}')
            print(f'  [{name}] counter after steps 0..12: {[t[4] for t in tr[:13]]}')

    print('SimplifiedAdaptiveExponentialSoma defaults (c = 2, dtheta 100 mV, tau_theta 20 ms), '
          'fresh, I = 120 pA, 80 steps')
    for name, R in (('f64', r64), ('f32', r32)):
        tr = exponential_family(R, 120.0, 80, 'simplified')
        sp = [k for k, t in enumerate(tr) if t[0]]
        print(f'  [{name}] spikes {sp}')
        print(f'  [{name}] V after steps 0..12: {[t[2] for t in tr[:13]]!r}')
        print(f'  [{name}] V before the reset at the spikes: {[tr[k][1] for k in sp]!r}')
        print(f'  [{name}] threshold used at steps 0..12: {[t[5] for t in tr[:13]]!r}')
        print(f'  [{name}] threshold used at step 79: {tr[79][5]!r}; V after it {tr[79][2]!r}')

    print('IzhikevichSoma (ours, x = v + potential_rest) defaults, I = 0 pA, 1000 steps')
    print(f'  stable rest (analytic, rebased): {izhikevich_rest()!r}')
    for name, R in (('f64', r64), ('f32', r32)):
        tr = izhikevich_ours(R, 0.0, 1000)
        print(f'  [{name}] spikes {[k for k, t in enumerate(tr) if t[0]]}')
        print(f'  [{name}] V after steps 0..4: {[t[2] for t in tr[:5]]!r}')
        print(f'  [{name}] u after steps 0..4: {[t[3] for t in tr[:5]]!r}')
        print(f'  [{name}] V, u after step 999: {tr[999][2]!r}, {tr[999][3]!r}')
        print(f'  [{name}] V max over all steps: {max(t[2] for t in tr)!r}; '
              f'monotone: {all(tr[k + 1][2] <= tr[k][2] for k in range(999))}')

    print('IzhikevichSoma (ours) defaults, I = 200 pA, 100 steps')
    for name, R in (('f64', r64), ('f32', r32)):
        tr = izhikevich_ours(R, 200.0, 100)
        sp = [k for k, t in enumerate(tr) if t[0]]
        print(f'  [{name}] spikes {sp}')
        print(f'  [{name}] V after steps 0..7: {[t[2] for t in tr[:8]]!r}')
        print(f'  [{name}] u after steps 0..7: {[t[3] for t in tr[:8]]!r}')
        print(f'  [{name}] V before the reset at the spikes: {[tr[k][1] for k in sp[:3]]!r}')
        print(f'  [{name}] V, u after step 99: {tr[99][2]!r}, {tr[99][3]!r}')


if __name__ == '__main__':
    main_somas()


def lif_oja_composite(steps, K0=300.0, D=1, eta=0.1, tau_post=20.0, dt=1.0):
    """S3c's LIF neuron (1 pre firing every step -> 1 post, delay D, f64) learning with OjaRule
    (section 6.2) instead of HebbianRule, with our delay semantics (D steps exactly) and no
    hidden warm-up step. Returns (k, delayed_pre, I, V, spike, K_after) per step."""
    decay = math.exp(-dt / 20.0)
    g = (1 - decay) * 0.1
    dpost = math.exp(-dt / tau_post)
    v = 0.0
    K = K0
    y = 0.0
    rows = []
    for k in range(steps):
        pre_d = 1 if k - D >= 0 else 0
        I = K * pre_d
        v = decay * v + g * I
        s = v > 20.0
        if s:
            v = 10.0
        y = dpost * y + (1 if s else 0) / tau_post
        K = max(0.0, K + dt * (eta * ((y if pre_d else 0.0) - K * y * y)))
        rows.append((k, pre_d, I, v, int(s), K))
    return rows


def main_oja_neuron():
    print('LIF population with OjaRule (oja_lif_neuron), S3c otherwise, 60 steps')
    rows = lif_oja_composite(60)
    print(f'  spikes {[r[0] for r in rows if r[4]]}')
    for r in rows:
        if r[0] in (0, 1, 21, 22, 23, 30, 59) or r[4]:
            print(f'  {r!r}')


if __name__ == '__main__':
    main_oja_neuron()
