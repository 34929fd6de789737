# SPDX-License-Identifier: Apache-2.0
"""Prints one network's side-by-side result and writes it to RESULTS/NAME.result.json; exits 1
with a message naming the network and both rates when a population's rate differs by more than
10 % between ours (sequential) and a Brian2 run.

usage: summarize.py NETWORKS_DIR RESULTS_DIR NAME
       summarize.py --scaling RESULTS_DIR     the scale_* networks' cost per update and event

Reads NETWORKS_DIR/NAME.json (bench/networks.py), RESULTS_DIR/machine.json (machine_probe),
NAME.ours.json (brain_bench --brain) and NAME.ours.rss (peak RSS [KB] by /usr/bin/time), and
NAME.brian2_{1,2}.json when they exist (bench/peer/*.py RESULT lines).

Hardware bound per step = max(bytes that must be touched / streaming-read bandwidth,
neuron updates / neuron-update rate + synaptic events / scatter-add rate), every rate measured
by machine_probe on one thread; bytes (bench/README.md):
  spikes per step x out-degree x (4 B weight, + 4 B index unless all-to-all)
  + neurons x state bytes (13 B: potential, counter, current, spike; +4 B for a synaptic trace)
  + learning: Hebbian, a row and a column of 4 B weights read and written per spike;
    Zenke, every synapse's 4 B target read and written every step (8 B).
"""
import json
import os
import sys

TOLERANCE = 0.10


def load(path):
    return json.load(open(path)) if os.path.exists(path) else None


def rates_agree(a, b):
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b)) or (a == 0 and b == 0)


def scaling(out):
    """Wall time per step divided by the neuron updates, and by the synaptic events, of a step:
    how the cost grows with N at a fixed in-degree (one total, seen per unit of each)."""
    results = []
    for f in os.listdir(out):
        if f.startswith("scale_") and f.endswith(".result.json"):
            results.append(json.load(open(os.path.join(out, f))))
    if not results:
        return
    print("== scaling: CUBA-like networks at a fixed mean in-degree of 80 (wall time per step "
          "/ updates and / events per step)")
    print("  %-10s %8s %-18s %10s %14s %14s %9s" % ("network", "neurons", "side", "s/sim s",
                                                    "ns/update", "ns/event", "x bound"))
    for r in sorted(results, key=lambda r: r["neurons"]):
        for side in r["sides"]:
            step_s = side["s_per_sim_s"] * r["dt_ms"] / 1000.0
            print("  %-10s %8d %-18s %10.4f %14.2f %14.2f %9.1f" % (
                r["network"], r["neurons"], side["side"], side["s_per_sim_s"],
                step_s / r["neurons"] * 1e9, step_s / max(r["events_per_step"], 1e-9) * 1e9,
                side["times_bound"]))


def main():
    if sys.argv[1] == "--scaling":
        scaling(sys.argv[2])
        return
    nets_dir, out, name = sys.argv[1:4]
    net = load(os.path.join(nets_dir, name + ".json"))
    machine = load(os.path.join(out, "machine.json"))
    ours = load(os.path.join(out, name + ".ours.json"))
    rss_kb = int(open(os.path.join(out, name + ".ours.rss")).read().split()[-1])
    peers = {k: load(os.path.join(out, "%s.brian2_%d.json" % (name, k))) for k in (1, 2)}
    peers = {k: v for k, v in peers.items() if v}
    dt = net["dt"]
    steps_per_sim_s = 1000.0 / dt

    by_exec = {e["executor"]: e for e in ours["executors"]}
    seq = by_exec["sequential"]
    units = seq["units"]
    rates = seq["rates_hz"]
    # Events, updates and bytes per step, from our measured rates and sizes.
    pops = {p["name"]: p for p in net["populations"]}
    n_neurons = sum(units[p] for p in units if pops.get(p, {}).get("kind") != "poisson")
    spikes = {p: rates[p] * units[p] * dt * 1e-3 for p in units}
    events = sum(spikes[p] * pops[p]["out_degree"] for p in units if p in pops)
    # Events that land through an index (a scatter-add); an all-to-all column is a contiguous,
    # vectorised add whose cost the bytes already bound (4 B per event).
    scattered = 0.0
    bytes_step = 0.0
    learn_updates = 0.0
    for p, d in pops.items():
        n = units.get(p, d["n"])
        if d["kind"] == "poisson":
            bytes_step += n * 5
            continue
        dense = d["kernel"]["density"] >= 1.0
        bytes_step += n * (17 if d.get("synapse") else 13)
        for pre in d["reads"]:
            n_pre = units.get(pre, pops[pre]["n"])
            bytes_step += spikes.get(pre, 0.0) * n * d["kernel"]["density"] * (4 if dense else 8)
            if not dense:
                scattered += spikes.get(pre, 0.0) * n * d["kernel"]["density"]
            rule = d.get("learning")
            if rule in ("zenke_rule", "alif_neuron"):
                bytes_step += n_pre * n * 8
                learn_updates += n_pre * n
            elif rule:
                bytes_step += spikes.get(pre, 0.0) * n * 8 + spikes.get(p, 0.0) * n_pre * 8
                learn_updates += spikes.get(pre, 0.0) * n + spikes.get(p, 0.0) * n_pre
    memory_s = bytes_step / machine["read_bw_1_thread_Bps"]
    arithmetic_s = ((n_neurons + learn_updates) / machine["neuron_updates_per_s"] +
                    scattered / machine["events_per_s"])
    bound_s_per_sim_s = max(memory_s, arithmetic_s) * steps_per_sim_s

    rows = []
    for label, key in (("ours sequential", "sequential"), ("ours flow_graph/2", "flow_graph/2"),
                       ("ours auto/2", "auto/2")):
        e = by_exec.get(key)
        if e:
            rows.append({"side": label, "threads": e["threads"], "s_per_sim_s": e["s_per_sim_s"],
                         "startup_s": e["startup_s"], "peak_rss_mb": rss_kb / 1024.0,
                         "rates_hz": e["rates_hz"]})
    for k, p in sorted(peers.items()):
        s_per = p.get("s_per_sim_s") or 1000.0 / dt / p["steps_per_s"]  # brian2_lif: steps/s
        startup = p.get("startup_s")
        rows.append({"side": "brian2 %d thread%s" % (k, "" if k == 1 else "s"), "threads": k,
                     "s_per_sim_s": s_per, "startup_s": startup,
                     "compile_s": p.get("compile_s"),
                     "peak_rss_mb": p["maxrss_kb"] / 1024.0 if p.get("maxrss_kb") else None,
                     "rates_hz": p.get("rates_hz") or {}})
    for r in rows:
        r["events_per_s"] = events * steps_per_sim_s / r["s_per_sim_s"]
        r["neuron_updates_per_s"] = n_neurons * steps_per_sim_s / r["s_per_sim_s"]
        r["times_bound"] = r["s_per_sim_s"] / bound_s_per_sim_s

    print("== %s: %d neurons, dt %g ms, %g s timed; %.0f synaptic events and %.3g bytes per step"
          % (name, n_neurons, dt, net["seconds"], events, bytes_step))
    if any(p.get("quick_compile") for p in peers.values()):
        print("  NOTE: --quick: Brian2 compiled at -O1; its times are not comparable")
    print("  %-18s %10s %12s %12s %10s %9s %9s" % ("side", "s/sim s", "events/s", "updates/s",
                                                   "start-up s", "RSS MB", "x bound"))
    for r in rows:
        startup = "-" if r["startup_s"] is None else "%.2f" % r["startup_s"]
        if r.get("compile_s") is not None:
            startup += " (%.0f c)" % r["compile_s"]
        rss = "-" if r["peak_rss_mb"] is None else "%.0f" % r["peak_rss_mb"]
        print("  %-18s %10.4f %12.4g %12.4g %10s %9s %9.1f" % (
            r["side"], r["s_per_sim_s"], r["events_per_s"], r["neuron_updates_per_s"], startup,
            rss, r["times_bound"]))
    for r in rows:
        print("  rates %-18s %s" % (r["side"], " ".join(
            "%s %.2f" % kv for kv in sorted(r["rates_hz"].items()))))
    ours_rows = [r for r in rows if r["side"].startswith("ours")]
    peer_rows = [r for r in rows if not r["side"].startswith("ours")]
    ratios = {}
    for o in ours_rows:
        for b in peer_rows:
            key = "%s / %s" % (b["side"], o["side"])
            ratios[key] = b["s_per_sim_s"] / o["s_per_sim_s"]
    if ratios:
        print("  Brian2 time / ours (> 1: we are faster): " + ", ".join(
            "%s %.2f" % kv for kv in ratios.items()))
    print("  bound: %.3g B/step / %.3g GB/s = %.3g us, arithmetic %.3g us per step -> %.4f s per "
          "simulated s; ours sequential is %.1fx the bound" % (
              bytes_step, machine["read_bw_1_thread_Bps"] / 1e9, memory_s * 1e6,
              arithmetic_s * 1e6, bound_s_per_sim_s, rows[0]["times_bound"]))

    two = [r for r in ours_rows if r["side"].endswith("/2")]
    if two and "neuron_updates_2_threads_per_s" in machine:
        best = min(two, key=lambda r: r["s_per_sim_s"])
        print("  2 threads: %s is %.2fx ours sequential; this machine's own 2-thread scaling "
              "(machine_probe): read bandwidth %.2fx, neuron updates %.2fx, events %.2fx" % (
                  best["side"], rows[0]["s_per_sim_s"] / best["s_per_sim_s"],
                  machine["read_bw_2_threads_Bps"] / machine["read_bw_1_thread_Bps"],
                  machine["neuron_updates_2_threads_per_s"] / machine["neuron_updates_per_s"],
                  machine["events_2_threads_per_s"] / machine["events_per_s"]))

    pool = net.get("pool")
    if pool:  # populations that are one population statistically: compared pooled
        n_pool = sum(units[p] for p in pool)
        for r in rows:
            if all(p in r["rates_hz"] for p in pool):
                r["rates_hz"]["+".join(pool)] = sum(
                    r["rates_hz"][p] * units[p] for p in pool) / n_pool
                for p in pool:
                    r["rates_hz"].pop(p)
        print("  (rates of %s pooled: one population statistically, see bench/networks.py)"
              % " and ".join(pool))
    failures = []
    for b in peer_rows:
        for pop, rate in sorted(b["rates_hz"].items()):
            if pop in rows[0]["rates_hz"] and not rates_agree(rows[0]["rates_hz"][pop], rate):
                failures.append("%s: population %s fires at %.2f Hz on ours (sequential) but "
                                "%.2f Hz on %s (more than %d %% apart)" % (
                                    name, pop, rows[0]["rates_hz"][pop], rate, b["side"],
                                    TOLERANCE * 100))
    json.dump({"network": name, "neurons": n_neurons, "dt_ms": dt, "timed_sim_s": net["seconds"],
               "events_per_step": events, "bytes_per_step": bytes_step,
               "bound_memory_s_per_step": memory_s, "bound_arithmetic_s_per_step": arithmetic_s,
               "bound_s_per_sim_s": bound_s_per_sim_s, "sides": rows,
               "ratios_brian2_over_ours": ratios, "rates_agree": not failures,
               "failures": failures},
              open(os.path.join(out, name + ".result.json"), "w"), indent=1)
    if failures:
        for f in failures:
            print("run.sh: RATES DIFFER: " + f, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
