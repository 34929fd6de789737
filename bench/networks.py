# SPDX-License-Identifier: Apache-2.0
"""Writes the side-by-side benchmark networks: for each one NAME.scfg (our brain file) and
NAME.json (the same network as numbers, which bench/peer/brian2_networks.py builds in Brian2 and
bench/run.sh reads for event counts and the hardware bound).

usage: networks.py OUT_DIR [--quick] [--brain-bench PATH] [--tutorial FILE.scfg]
  writes OUT_DIR/list.txt: one line per network, "NAME PEER" (PEER: brian2_networks, brian2_lif
  or none; ":1" = the peer on 1 thread only). With --brain-bench it also writes the ours-only brains (brain_bench's 4,000-neuron
  LIF brain, static and learning; its ALIF brain with Zenke learning) and, with --tutorial, the
  tutorial brain; their NAME.json is read back from the brain file (describe()).

One description per network, two renderings, so both sides cannot drift apart: a population is
either a Poisson input (`poisson`) or a neuron population (`lif`: spark.lif_neuron with
refractory_leaky_soma; `adex`: spark.ad_ex_neuron with its adaptive exponential soma). A neuron
population reads every population in `reads` through one kernel (our neurons have one synapse
component, so one weight distribution and density per postsynaptic population), with no delays
and static weights. Units: mV, pA, ms, GOhm (R I in mV).
"""
import json
import math
import os
import shutil
import subprocess
import sys

# spark.lif_neuron with refractory_leaky_soma: 13 bytes of state per neuron and step (potential,
# refractory counter, current, spike byte); adex: potential, adaptation, current, spike.
STATE_BYTES = {"lif": 13, "lif_traced": 17, "adex": 13, "poisson": 5}


def poisson(name, n, rate_hz):
    return {"name": name, "kind": "poisson", "n": n, "rate_hz": rate_hz}


def lif(name, n, reads, soma, kernel, inhibitory_rate=0.0, synapse=None):
    # synapse None: linear_synapses (a spike's weight is current for that one step);
    # {"tau": ms}: traced_synapses (exponential current, jumps in the spike's step).
    return {"name": name, "kind": "lif", "n": n, "reads": reads, "soma": soma, "kernel": kernel,
            "inhibitory_rate": inhibitory_rate, "synapse": synapse}


def dense(n, seconds):
    """N Poisson inputs at 30 Hz -> all-to-all, U[0, w_max) -> N LIF (2 ms refractory).
    w_max = 1.6e5 / N pA: the mean current R I ~ 24 mV (threshold 20 mV above rest) gives ~25 Hz
    at every N (calibrated on our side, N = 1000)."""
    soma = {"potential_rest": -70.0, "potential_reset": -70.0, "threshold": -50.0,
            "potential_tau": 20.0, "resistance": 0.1, "cooldown": 2.0}
    kernel = {"dist": "uniform", "scale": 1.6e5 / n, "density": 1.0}
    return {"name": "dense_%d" % n, "dt": 0.1, "seconds": seconds, "warmup": min(0.1, seconds),
            "populations": [poisson("input", n, 30.0), lif("lif", n, ["input"], soma, kernel)]}


def cuba(n, seconds, name=None, in_degree=None, warmup=0.2):
    """Brette et al. 2007's CUBA in our models: 80/20 E/I LIF (tau 20 ms, rest -49 mV above the
    threshold -50 mV, reset -60 mV, 5 ms of ignored input after a spike), 2 % random connectivity
    (or a fixed mean in-degree), exponential current synapses. Ours has one synapse component per
    population, so tau is 5 ms for both E and I inputs and both share one weight: 3 pA (R w = 0.3
    mV), where CUBA has we 1.62 mV / 5 ms and wi -9 mV / 10 ms (see bench/README.md)."""
    soma = {"potential_rest": -49.0, "potential_reset": -60.0, "threshold": -50.0,
            "potential_tau": 20.0, "resistance": 0.1, "cooldown": 4.9}
    density = 0.02 if in_degree is None else in_degree / n
    kernel = {"dist": "constant", "value": 3.0, "density": density}
    n_e = n * 4 // 5
    # Warm-up 0.2 s: all neurons fire together at the first step (they start at rest, above the
    # threshold); the population then fires in volleys ~35 ms apart, so rates need long windows.
    return {"name": name or "cuba_%d" % n, "dt": 0.1, "seconds": seconds, "warmup": warmup,
            "populations": [
                lif("E", n_e, ["E", "I"], soma, kernel, 0.0, {"tau": 5.0}),
                lif("I", n - n_e, ["E", "I"], soma, kernel, 1.0, {"tau": 5.0})]}


def adex_1(seconds):
    """Upstream Spark's adex_1 benchmark: 1,024 Poisson channels at 30 Hz -> A; A -> B1 -> B2 ->
    B3 -> D and A -> C1 -> C2 -> C3 -> D; 1,024 ad_ex_neuron each with their defaults (20 %
    inhibitory, weights U[0, 1) pA at density 0.15): too weak to make A fire, so all layers are
    silent, as upstream's are."""
    wiring = {"A": ["input"], "B1": ["A"], "B2": ["B1"], "B3": ["B2"],
              "C1": ["A"], "C2": ["C1"], "C3": ["C2"], "D": ["B3", "C3"]}
    kernel = {"dist": "uniform", "scale": 1.0, "density": 0.15}
    pops = [poisson("input", 1024, 30.0)]
    for name, reads in wiring.items():
        pops.append({"name": name, "kind": "adex", "n": 1024, "reads": reads, "soma": {},
                     "kernel": kernel, "inhibitory_rate": 0.2, "synapse": None})
    return {"name": "adex_1", "dt": 0.1, "seconds": seconds, "warmup": 0.1, "populations": pops}


# The soma fields of ad_ex_neuron's default adaptive_exponential_soma, for the Brian2 peer.
ADEX_DEFAULTS = {"potential_rest": -70.0, "potential_reset": -51.0, "potential_tau": 5.0,
                 "resistance": 0.5, "threshold": -30.0, "rheobase_threshold": -50.0,
                 "spike_slope": 2.0, "adaptation_tau": 100.0, "adaptation_delta": 7.0,
                 "adaptation_subthreshold": 0.5}


def networks(quick):
    if quick:
        # dense_1000's inputs are common to all its neurons, so its rate moves together: 0.5 s.
        # No adex_1: in a short run its AdEx populations stay silent on both sides (0 Hz = 0 Hz
        # checks nothing) while Brian2's compile of it costs about a minute; the full run keeps it.
        return [dense(1000, 0.5), cuba(4000, 0.5)]
    nets = [dense(1000, 1.0), dense(4000, 1.0), dense(16000, 0.1), cuba(4000, 1.0), adex_1(1.0)]
    # Scaling: the same CUBA-like network at a fixed mean in-degree of 80 (64 E + 16 I), N = 4k to
    # 256k by factors of 4. 64k and 256k (Brian2: ~3-4.5 and ~16-21 s per simulated s): 0.2 s timed
    # after 0.3 s of warm-up. The population fires in volleys ~35 ms apart whose timing at this
    # in-degree hardly depends on the random draws (Brian2 seeds 1-3 at 64k: rates within 0.2 %
    # on any window), so short windows still compare well; but the rate climbs from ~22 Hz in
    # [0.2, 0.3] s to ~31 Hz after 0.3 s, and our timed blocks follow the rate window while
    # Brian2's is the rate window: after 0.3 s both are timed on one rate (Brian2 at 64k: 31.5
    # and 32.0 Hz in [0.3, 0.5] and [0.5, 0.7] s; 26.8 and 31.8 Hz after a 0.2 s warm-up).
    for n, seconds, warmup in ((4000, 1.0, 0.2), (16000, 1.0, 0.2), (64000, 0.2, 0.3),
                               (256000, 0.2, 0.3)):
        nets.append(cuba(n, seconds, "scale_%dk" % (n // 1000), 80, warmup))
    # 256k: ~20 M synapses; each of our executors builds its own brain: sequential only.
    nets[-1]["executors"] = "sequential"
    return nets


def for_peer(net):
    """Adds what both sides share but our file leaves to defaults (adex soma constants) and the
    expected synapse count of every edge (for events/s and bytes per step)."""
    by_name = {p["name"]: p for p in net["populations"]}
    for p in net["populations"]:
        if p["kind"] == "adex":
            p["soma"] = dict(ADEX_DEFAULTS, **p["soma"])
        p["out_degree"] = 0.0
    for p in net["populations"]:
        for pre in p.get("reads", []):
            by_name[pre]["out_degree"] += p["n"] * p["kernel"]["density"]
    return net


def scfg(net):
    """Our brain file: upstream's .scfg JSON."""
    dt = net["dt"]

    def port_map(origin, port):
        return {"__type__": "port_map", "__data__": {"origin": origin, "port": port}}

    def kernel(k):
        if k["dist"] == "uniform" and k["density"] >= 1.0:
            return {"__class_ref__": "uniform_initializer", "scale": k["scale"]}
        if k["dist"] == "uniform":
            return {"__class_ref__": "sparse_uniform_initializer", "scale": k["scale"],
                    "density": k["density"]}
        # A constant weight on a random share of synapses: U[0, 1e6 w) clipped to w is w except
        # with probability 1e-6 (no sparse constant initializer exists); zeros stay zero.
        return {"__class_ref__": "sparse_uniform_initializer", "scale": k["value"] * 1e6,
                "max_value": k["value"], "density": k["density"]}

    inputs, modules = {}, {}
    for p in net["populations"]:
        if p["kind"] == "poisson":
            # The brain input `drive` of the channel count, fed 1.0: spikes with p = dt max_freq.
            inputs["drive"] = {"__type__": "port_specs", "__data__": {
                "payload_type": {"__payload_type__": "float_array"}, "shape": [p["n"]],
                "dtype": {"__type__": "dtype", "name": "float32"}, "description": None}}
            cls, port = "poisson_spiker", "signal"
            sources = [port_map("__call__", "drive")]
            config = {"dt": dt, "max_freq": p["rate_hz"]}
        else:
            cls = "lif_neuron" if p["kind"] == "lif" else "ad_ex_neuron"
            port = "in_spikes"
            sources = [port_map(r, "spikes" if r == "input" else "out_spikes") for r in p["reads"]]
            syn = {"__class_ref__": "linear_synapses", "kernel": kernel(p["kernel"])}
            if p["synapse"]:
                syn = {"__class_ref__": "traced_synapses", "tau": p["synapse"]["tau"],
                       "kernel": kernel(p["kernel"])}
            config = {"dt": dt, "units": [p["n"]], "inhibitory_rate": p["inhibitory_rate"],
                      "synapses": syn, "delays": None, "learning_rule": None}
            if p["kind"] == "lif":
                config["soma"] = dict({"__class_ref__": "refractory_leaky_soma"}, **p["soma"])
        modules[p["name"]] = {"__type__": "module_specs", "__data__": {
            "name": p["name"], "module_cls": {"__module_type__": cls},
            "inputs": {port: sources}, "config": config}}
    return {"__type__": "brain_config",
            "__cfg__": {"input_map": inputs, "output_map": {}, "modules_map": modules}}


def describe(path, name, dt, seconds, warmup, drive, peer):
    """A brain file's populations as numbers (sizes, who reads whom, kernel density, learning
    rule), for events/s and the bytes per step of networks written elsewhere."""
    cfg = json.load(open(path))["__cfg__"]
    inputs = {k: v["__data__"]["shape"] for k, v in cfg["input_map"].items()}
    pops = []
    for mod_name, spec in cfg["modules_map"].items():
        data = spec["__data__"]
        cls = data["module_cls"]["__module_type__"]
        config = data["config"]
        sources = [s["__data__"] for v in data["inputs"].values() for s in v]
        if cls.endswith("spiker"):
            shape = inputs[sources[0]["port"]]
            freq = config.get("max_freq", 100.0)
            pops.append({"name": mod_name, "kind": "poisson", "n": math.prod(shape),
                         "rate_hz": freq * drive})
        elif "units" in config:
            kernel = ((config.get("synapses") or {}).get("kernel")) or {}
            density = 1.0 if kernel.get("__class_ref__") == "uniform_initializer" else \
                kernel.get("density", 0.2)
            rule = config.get("learning_rule", {"__class_ref__": "default"})
            pops.append({"name": mod_name, "kind": cls, "n": math.prod(config["units"]),
                         "reads": [s["origin"] for s in sources],
                         "kernel": {"density": density},
                         "learning": None if rule is None or rule.get("eta", 1.0) == 0.0
                         else rule.get("__class_ref__", cls)})
    net = {"name": name, "dt": dt, "seconds": seconds, "warmup": warmup, "drive": drive,
           "peer": peer, "populations": pops}
    return for_peer(net)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip().splitlines()[2])
    out = sys.argv[1]
    opts = sys.argv[2:]
    quick = "--quick" in opts
    os.makedirs(out, exist_ok=True)
    listed = []
    for net in networks(quick):
        with open(os.path.join(out, net["name"] + ".scfg"), "w") as f:
            json.dump(scfg(net), f, indent=1)
        net["drive"] = 1.0 if net["populations"][0]["kind"] == "poisson" else None
        # The scaling networks' peer runs on 1 thread only (":1"): it is there for the trend.
        net["peer"] = "brian2_networks:1" if net["name"].startswith("scale_") else \
            "brian2_networks"
        with open(os.path.join(out, net["name"] + ".json"), "w") as f:
            json.dump(for_peer(net), f, indent=1)
        listed.append((net["name"], net["peer"]))
    ours = []
    if "--brain-bench" in opts:
        # brain_bench's 4,000-neuron brain (dt 1 ms, input drive 0.5 -> 500 Hz): static with the
        # Brian2 peer brian2_lif.py, then learning on (eta 1e-4), LIF + Hebbian and ALIF + Zenke.
        tool = opts[opts.index("--brain-bench") + 1]
        # Learning costs ~10 s per simulated second: short runs.
        short, short_warmup = (0.1, 0.1) if quick else (0.5, 0.5)
        for name, extra, seconds, warmup, peer in (
                ("lif_4k", [], 2.0, 0.5, "brian2_lif"),
                ("lif_4k_learning", ["--with-learning"], short, short_warmup, "none"),
                ("alif_4k_learning", ["--with-learning", "--model", "alif"], short, short_warmup,
                 "none")):
            path = os.path.join(out, name + ".scfg")
            subprocess.run([tool, "--write-large-brain", path] + extra, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            ours.append(describe(path, name, 1.0, seconds, warmup, 0.5, peer))
        # A_ex and A_in of this brain are one population statistically (same inputs, kernels,
        # soma; the peer builds them as one NeuronGroup): a single connectivity draw moves each
        # one's rate by ~5 % (Brian2 seeds 1-3: 10.9-12.3 Hz), so the check compares the pooled
        # rate of the 4,000 neurons.
        ours[0]["pool"] = ["A_ex", "A_in"]
    if "--tutorial" in opts:
        path = os.path.join(out, "tutorial.scfg")
        shutil.copyfile(opts[opts.index("--tutorial") + 1], path)
        ours.append(describe(path, "tutorial", 1.0, 0.5 if quick else 2.0, 0.5, 0.5, "none"))
    for net in ours:
        with open(os.path.join(out, net["name"] + ".json"), "w") as f:
            json.dump(net, f, indent=1)
        listed.append((net["name"], net["peer"]))
    with open(os.path.join(out, "list.txt"), "w") as f:
        f.writelines("%s %s\n" % item for item in listed)
    for item in listed:
        print("%s %s" % item)


if __name__ == "__main__":
    main()
