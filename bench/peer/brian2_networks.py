# SPDX-License-Identifier: Apache-2.0
"""The Brian2 peer of bench/networks.py's networks: builds NAME.json's network in Brian2's C++
standalone mode, with the equations our plugins run, and times it.

usage: brian2_networks.py NET.json [--threads K] [--build-dir DIR] [--seed S]

Equations (units mV, pA, ms, GOhm; potentials relative to rest), as in plugins/neurons/somas:
- lif (refractory_leaky_soma): exact integration of dv/dt = (-v + R I [ready]) / tau with I
  constant over the step; spike when ready and v > threshold, then v = reset. Ours ignores the
  input for c + 1 steps after a spike (c = round(cooldown / dt)) while the leak goes on; Brian2's
  `refractory` makes a neuron ready at step j after its spike when j >= timestep(refractory), so
  refractory = (c + 2) dt, and the input is gated by int(not_refractory) instead of
  `(unless refractory)` (which would also stop the leak).
- adex (adaptive_exponential_soma): forward Euler, v += dt/tau (-v + D exp((v - v_rh) / D) - R w
  + R I); spike when v > threshold, then v = reset; then w += dt/tau_w (-w + a v) + b [spike] with
  the post-reset v. Written as run_regularly code because Brian2's Euler would update w from the
  pre-spike v.
- synapses: linear_synapses = a spike adds its weight to I for exactly the next step (I is zeroed
  right after the state update, on_pre adds in the synapses slot); traced_synapses = I decays by
  exp(-dt/tau) right after the state update and on_pre adds the weight (so I jumps in the step
  the spike arrives and decays afterwards, as our trace). Brian2's synapses run after the
  thresholds: a spike at step t reaches the soma at t + 1, as our cached module->module edge.
  Inhibitory presynaptic neurons (the first floor(n * inhibitory_rate)) add -w.
- poisson: PoissonGroup at rate_hz (a spike per step with probability rate dt).

Run: one run() of warm-up + timed seconds (each further run() would compile every code object
again); seconds per simulated second = wall time of the steps after the warm-up, read from inside
the binary (a one-neuron group calls a C++ wall clock), / their simulated time. Rates: the
population rate monitors' mean over the same steps. Compilation is not timed there; it is part
of the start-up, reported apart. Prints one JSON line
prefixed with "RESULT " for bench/run.sh.
"""
import argparse
import json
import math
import os
import sys
import time

T0 = time.perf_counter()  # start-up includes importing Brian2


def build(b2, net):
    from brian2 import ms, Hz, NeuronGroup, PoissonGroup, Synapses, PopulationRateMonitor

    dt = net["dt"]
    groups, objects, monitors = {}, [], {}
    for p in net["populations"]:
        n = p["n"]
        if p["kind"] == "poisson":
            g = PoissonGroup(n, rates=p["rate_hz"] * Hz, name=p["name"])
        elif p["kind"] == "lif":
            s = p["soma"]
            c = round(s["cooldown"] / dt)  # half to even, as ours (nearbyint)
            rest = s["potential_rest"]
            g = NeuronGroup(
                n,
                """dv/dt = (-v + R * I * int(not_refractory)) / tau : 1
                I : 1
                sgn : 1 (constant)""",
                threshold="v > v_th", reset="v = v_reset", refractory=(c + 2) * dt * ms,
                method="exact", name=p["name"],
                namespace=dict(R=s["resistance"], tau=s["potential_tau"] * ms,
                               v_th=s["threshold"] - rest, v_reset=s["potential_reset"] - rest))
        else:  # adex
            s = p["soma"]
            rest = s["potential_rest"]
            ns = dict(k=dt / s["potential_tau"], D=s["spike_slope"], R=s["resistance"],
                      v_rh=s["rheobase_threshold"] - rest, v_th=s["threshold"] - rest,
                      v_reset=s["potential_reset"] - rest, kw=dt / s["adaptation_tau"],
                      a=s["adaptation_subthreshold"], b=s["adaptation_delta"])
            g = NeuronGroup(n, """v : 1
                w : 1
                I : 1
                fired : 1
                sgn : 1 (constant)""", threshold="v > v_th", reset="v = v_reset\nfired = 1",
                name=p["name"], namespace=ns)
            # The current of this step is used, then zeroed (for linear synapses: fewer code
            # objects to compile than a separate run_regularly).
            g.run_regularly("v = v + k * ((-v + D * exp((v - v_rh) / D) - R * w) + R * I)" +
                            ("" if p["synapse"] else "\nI = 0"),
                            when="groups", name=p["name"] + "_soma")
            g.run_regularly("w = w + kw * (-w + a * v) + b * fired\nfired = 0",
                            when="after_resets", name=p["name"] + "_adaptation")
        if p["kind"] != "poisson":
            g.v = 0
            g.sgn = 1
            inhibitory = int(math.floor(n * p["inhibitory_rate"]))
            if inhibitory:
                g.sgn[:inhibitory] = -1
            if p["synapse"]:
                g.run_regularly("I = I * %r" % math.exp(-dt / p["synapse"]["tau"]),
                                when="after_groups", name=p["name"] + "_trace")
            elif p["kind"] == "lif":
                g.run_regularly("I = 0", when="after_groups", name=p["name"] + "_current")
        groups[p["name"]] = g
        monitors[p["name"]] = PopulationRateMonitor(g, name=p["name"] + "_rate")
        objects += [g, monitors[p["name"]]]
    kinds = {p["name"]: p["kind"] for p in net["populations"]}
    for p in net["populations"]:
        for pre in p.get("reads", []):
            k = p["kernel"]
            on_pre = "I_post += weight"
            if kinds[pre] != "poisson":
                on_pre = "I_post += sgn_pre * weight"
            syn = Synapses(groups[pre], groups[p["name"]], "weight : 1", on_pre=on_pre,
                           name="s_%s_%s" % (pre, p["name"]))
            if k["density"] >= 1.0:
                syn.connect(True)
            else:
                syn.connect(p=k["density"])
            syn.weight = ("%r * rand()" % k["scale"]) if k["dist"] == "uniform" else k["value"]
            objects.append(syn)
    return objects, monitors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("network", help="NAME.json written by bench/networks.py")
    parser.add_argument("--threads", type=int, default=1, help="OpenMP threads (1 = no OpenMP)")
    parser.add_argument("--build-dir", default=None)
    parser.add_argument("--warmup", type=float, default=None,
                        help="simulated seconds before timing (default: the network's warmup)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick-compile", action="store_true",
                        help="compile at -O1 (faster compile; times are then not comparable)")
    args = parser.parse_args()
    net = json.load(open(args.network))
    if args.warmup is None:
        args.warmup = net["warmup"]

    import brian2 as b2
    from brian2 import ms, second, Hz, prefs, set_device, defaultclock, Network, NeuronGroup
    from brian2 import implementation, check_units

    @implementation("cpp", """
    double wallclock(double t) {
        return std::chrono::duration<double>(
            std::chrono::steady_clock::now().time_since_epoch()).count();
    }""", headers=["<chrono>"])
    @check_units(t=second, result=1)
    def wallclock(t):
        raise NotImplementedError("C++ standalone only")

    b2.BrianLogger.log_level_warn()
    if args.quick_compile:
        prefs.codegen.cpp.extra_compile_args_gcc = ["-w", "-O1", "-std=c++11"]
    build_dir = os.path.abspath(args.build_dir or "brian2_" + net["name"])
    set_device("cpp_standalone", directory=build_dir, build_on_run=False)
    if args.threads > 1:
        prefs.devices.cpp_standalone.openmp_threads = args.threads
    # Peak RSS of the simulation binary alone (not of Python or the compiler).
    rss_file = os.path.join(build_dir, "maxrss_kb.txt")
    prefs.devices.cpp_standalone.run_cmd_unix = ["/usr/bin/time", "-f", "%M", "-o", rss_file,
                                                 "./main"]
    defaultclock.dt = net["dt"] * ms
    b2.seed(args.seed)
    objects, monitors = build(b2, net)
    # One run of warm-up + timed seconds: every extra run() makes Brian2 generate and compile all
    # code objects again. The timed part is marked from inside the binary: a one-neuron group
    # reads the wall clock at the start of the first timed step and at the end of every step.
    clock = NeuronGroup(1, "start_s : 1\nend_s : 1", name="wall_clock")
    t_start = args.warmup * second
    clock.run_regularly("start_s = int(t < t_start + dt / 2) * wallclock(t) + "
                        "int(t >= t_start + dt / 2) * start_s", when="start",
                        name="wall_clock_start", )
    clock.run_regularly("end_s = wallclock(t)", when="end", name="wall_clock_end")
    network = Network(*objects, clock)
    network.run((args.warmup + net["seconds"]) * second,
                namespace=dict(wallclock=wallclock, t_start=t_start))
    b2.device.build(directory=build_dir, compile=True, run=True, debug=False)
    total = time.perf_counter() - T0
    timed = float(clock.end_s[0] - clock.start_s[0])
    whole_run = b2.device._last_run_time
    # Rates over the timed part (the population rate of every step after the warm-up).
    first = int(round(args.warmup / net["dt"] * 1000))
    rates = {name: float(m.rate[first:].mean() / Hz) for name, m in monitors.items()}
    result = {
        "peer": "brian2", "brian2_version": b2.__version__, "network": net["name"],
        "target": "cpp_standalone", "threads": args.threads,
        "sim_seconds": net["seconds"], "run_s": timed, "s_per_sim_s": timed / net["seconds"],
        "whole_run_s": whole_run,
        "rates_hz": rates,
        # import + code generation + compile + the binary's set-up (connect, init), i.e. all
        # but the simulated run; compile alone and the binary's set-up alone:
        "startup_s": total - whole_run,
        "compile_s": b2.device.timers["compile"]["make"],
        "binary_setup_s": b2.device.timers["run_binary"] - whole_run,
        "maxrss_kb": int(open(rss_file).read().split()[-1]),
        "quick_compile": args.quick_compile,
    }
    print("brian2 %s (%d thread%s): %.4f s per simulated s; start-up %.1f s (compile %.1f s); "
          "rates %s" % (net["name"], args.threads, "" if args.threads == 1 else "s",
                        result["s_per_sim_s"], result["startup_s"], result["compile_s"],
                        " ".join("%s %.2f Hz" % kv for kv in rates.items())))
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
