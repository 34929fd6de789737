# SPDX-License-Identifier: Apache-2.0
"""The Brian2 peer of brain_bench's 4,000-neuron LIF brain (bench/brain_bench.cpp, lif_network).

Same network, same numbers: 200 Poisson inputs at 500 Hz (drive 0.5 x max_freq 1000 Hz) -> 3,200
excitatory + 800 inhibitory LIF neurons, each neuron reading [input, exc, inh] through synapses
kept with probability 0.02, weights U[0, 120) pA (negative from inhibitory neurons). Leaky soma as
spark.lif_neuron's defaults: rest -60 mV, reset -50 mV, threshold -40 mV (spike when v > it),
tau 20 ms, R 0.1 GOhm, exact integration of a current that is constant over the 1 ms step; a
synaptic event injects its weight (pA) for exactly one step. Per-synapse delays drawn like
spark.n2n_delays' default: trunc(max(1, 9 U)) in {1..8} steps (Brian2's synapse slot runs after
the state update, so a delay of d steps gives the same d + 1 steps of latency as our cached
module->module edge plus a delay of d).

--variant static: fixed weights (ours: eta = 0). --variant learning: the Hebbian rule of
spark.hebbian_rule with eta 0.1, traces pre_tau = post_tau = 20 ms,
dW = dt eta (y_post s_pre + s_post x_pre), W >= 0, as event-driven synaptic traces.

Runs in C++ standalone mode (set_device('cpp_standalone')) unless --target says otherwise;
falls back to the runtime target (cython, else numpy) if standalone cannot build here, and says
so. Times only the simulation: a warm-up run and a rate-measuring run come first, then the timed
run, whose time is Brian2's own measurement of its main loop (device._last_run_time in
standalone; wall time of run() in runtime mode, after the code was compiled by the earlier runs).
Prints one JSON line prefixed with "RESULT " for bench/run.sh.
"""
import argparse
import json
import os
import sys
import tempfile
import time

T0 = time.perf_counter()  # start-up includes importing Brian2


def build_network(b2, variant, seed):
    from brian2 import ms, mV, pA, Gohm, Hz, NeuronGroup, PoissonGroup, Synapses, SpikeMonitor

    b2.seed(seed)
    n_input, n_ex, n_in = 200, 3200, 800
    density = 0.02
    weight_scale = 120.0  # pA
    rate = 0.5 * 1000.0 * Hz

    eqs = """
    dv/dt = (v_rest - v + R * I) / tau : volt
    I : amp
    """
    neurons = NeuronGroup(
        n_ex + n_in,
        eqs,
        threshold="v > v_th",
        reset="v = v_reset",
        method="exact",
        namespace=dict(v_rest=-60 * mV, v_reset=-50 * mV, v_th=-40 * mV, tau=20 * ms, R=0.1 * Gohm),
    )
    neurons.v = -60 * mV
    # The current of one step: zeroed right after the state update used it, then filled by the
    # synapses of this step (their slot follows the thresholds), so it acts for one step only.
    neurons.run_regularly("I = 0*amp", when="after_groups")
    exc = neurons[:n_ex]
    inh = neurons[n_ex:]
    inputs = PoissonGroup(n_input, rates=rate)

    if variant == "learning":
        model = """
        w : 1
        dx/dt = -x / tau_pre : 1 (event-driven)
        dy/dt = -y / tau_post : 1 (event-driven)
        """
        # x and y count 1/tau per spike (in 1/ms), as the Tracers of spark.hebbian_rule.
        on_pre = "I_post += polarity * w * pA\nx += 1.0 / 20\nw = clip(w + eta * y, 0, inf)"
        on_post = "y += 1.0 / 20\nw = clip(w + eta * x, 0, inf)"
        ns = dict(tau_pre=20 * ms, tau_post=20 * ms, eta=0.1)  # dt = 1 ms: dt * eta = eta
    else:
        model = "w : 1"
        on_pre = "I_post += polarity * w * pA"
        on_post = None
        ns = {}
    synapses = []
    for name, source, sign in (("input", inputs, 1.0), ("exc", exc, 1.0), ("inh", inh, -1.0)):
        kwargs = dict(model=model, on_pre=on_pre, namespace=dict(ns, polarity=sign, weight_scale=weight_scale), name="s_" + name)
        if on_post is not None:
            kwargs["on_post"] = on_post
        s = Synapses(source, neurons, **kwargs)
        s.connect(p=density)
        s.w = "weight_scale * rand()"
        s.delay = "floor(clip(9 * rand(), 1, 9)) * ms"
        synapses.append(s)
    monitor = SpikeMonitor(neurons, record=False)
    return [neurons, inputs, monitor] + synapses, monitor, synapses


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=["static", "learning"], default="static")
    parser.add_argument("--target", choices=["cpp_standalone", "cython", "numpy"],
                        default="cpp_standalone")
    parser.add_argument("--threads", type=int, default=1,
                        help="standalone OpenMP threads (1 = no OpenMP)")
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="biological time of the timed run (steps = seconds / 1 ms)")
    parser.add_argument("--warmup", type=float, default=0.5, help="warm-up [s] before timing")
    parser.add_argument("--rate-seconds", type=float, default=0.5,
                        help="biological time of the (untimed) rate measurement")
    parser.add_argument("--build-dir", default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick-compile", action="store_true",
                        help="compile at -O1 (faster compile; times are then not comparable)")
    args = parser.parse_args()

    import brian2 as b2
    from brian2 import ms, second, prefs, set_device, defaultclock, Network

    b2.BrianLogger.log_level_warn()
    if args.quick_compile:
        prefs.codegen.cpp.extra_compile_args_gcc = ["-w", "-O1", "-std=c++11"]
    defaultclock.dt = 1 * ms
    target = args.target
    note = ""
    build_dir = os.path.abspath(args.build_dir or tempfile.mkdtemp(prefix="brian2_lif_"))

    def simulate(target):
        if target == "cpp_standalone":
            set_device("cpp_standalone", directory=build_dir, build_on_run=False)
            if args.threads > 1:
                prefs.devices.cpp_standalone.openmp_threads = args.threads
            # Peak RSS of the simulation binary alone (not of Python or the compiler).
            prefs.devices.cpp_standalone.run_cmd_unix = [
                "/usr/bin/time", "-f", "%M", "-o", os.path.join(build_dir, "maxrss_kb.txt"),
                "./main"]
        else:
            prefs.codegen.target = target
        objects, monitor, _ = build_network(b2, args.variant, args.seed)
        net = Network(*objects)
        monitor.active = False
        net.run(args.warmup * second)
        monitor.active = True
        net.run(args.rate_seconds * second)  # the rate measurement (untimed)
        monitor.active = False
        start = time.perf_counter()
        net.run(args.seconds * second)
        wall = time.perf_counter() - start
        if target == "cpp_standalone":
            compile_start = time.perf_counter()
            b2.device.build(directory=build_dir, compile=True, run=True, debug=False)
            total = time.perf_counter() - compile_start
            sim_seconds = b2.device._last_run_time
            # All but the simulated runs (import, code generation, compile, the binary's set-up);
            # the untimed runs are taken at the timed run's speed.
            simulated = sim_seconds * (args.warmup + args.rate_seconds + args.seconds) / args.seconds
            extra = {"build_and_run_s": total,
                     "startup_s": time.perf_counter() - T0 - simulated,
                     "compile_s": b2.device.timers["compile"]["make"],
                     "maxrss_kb": int(open(os.path.join(build_dir, "maxrss_kb.txt")).read().split()[-1])}
        else:
            sim_seconds = wall
            extra = {}
        rate = int(monitor.num_spikes) / (len(objects[0]) * args.rate_seconds)
        # Per population, named as ours (brain_bench's A_ex and A_in).
        counts = monitor.count[:]
        extra["rates_hz"] = {"A_ex": float(counts[:3200].sum()) / (3200 * args.rate_seconds),
                             "A_in": float(counts[3200:].sum()) / (800 * args.rate_seconds)}
        return sim_seconds, rate, extra

    try:
        sim_seconds, rate, extra = simulate(target)
    except Exception as e:  # standalone needs a working compiler toolchain
        if target != "cpp_standalone":
            raise
        note = "cpp_standalone failed (%s: %s); fell back to the runtime target" % (
            type(e).__name__, str(e).splitlines()[0] if str(e) else "")
        print("brian2_lif: " + note, file=sys.stderr)
        b2.device.reinit()
        b2.device.activate()
        set_device("runtime")
        target = "cython"
        try:
            sim_seconds, rate, extra = simulate(target)
        except Exception:
            target = "numpy"
            sim_seconds, rate, extra = simulate(target)

    steps = int(round(args.seconds * 1000))
    result = {
        "peer": "brian2",
        "brian2_version": b2.__version__,
        "variant": args.variant,
        "target": target,
        "threads": args.threads if target == "cpp_standalone" else 1,
        "neurons": 4000,
        "steps": steps,
        "sim_seconds": sim_seconds,
        "steps_per_s": steps / sim_seconds,
        "rate_hz": rate,
        "note": note,
        "quick_compile": args.quick_compile,
    }
    result.update(extra)
    print("brian2 %s (%s, %d thread%s): %.1f steps/s over %d steps, mean rate %.1f Hz%s" % (
        args.variant, target, result["threads"], "" if result["threads"] == 1 else "s",
        result["steps_per_s"], steps, rate, (" [" + note + "]") if note else ""))
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
