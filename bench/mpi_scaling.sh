#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Strong scaling of one brain from 1 to 2 MPI ranks on this machine (issue 15; docs/scaling.md
# section 6): builds the release preset (mpi_bench needs SPARK_MPI, on with Debian's Open MPI),
# writes the networks with bench/networks.py, measures the MPI transport (mpi_bench --latency),
# then runs dense_16000, scale_256k (the largest CUBA-like network) and scale_256k with 1.5 ms
# delays (scale_256k_delayed, exchanging once every 16 steps) with mpi_bench under
# `mpirun -n 1` and `mpirun -n 2`, and prints one table: wall ms/step, speedup, bytes/step,
# waiting ms/step and the expected imbalance for 1 and 2 ranks. Not part of CI.
#
# usage: bench/mpi_scaling.sh [--no-build] [--repeats N]
#   --repeats N  runs each network's 1-rank / 2-rank pair N times in turn (default 1): on a
#                shared 2-core machine one run moves by tens of per cent
# Steps (dt 0.1 ms; the warm-ups are bench/run.sh's, 0.1 s and 0.3 s of simulated time):
#   dense_16000: 1,000 warm-up, 1,000 counted (rates, bytes per crossing spike), 2,000 timed
#   scale_256k:  3,000 warm-up, 1,000 counted, 2,000 timed (~20 M synapses, built in a few s)
# About 25 s per repeat on an idle 2-core machine, build excluded. Each run also reports the CPU
# that other processes used meanwhile (in cores), as the 2-core host is shared.
# Results: build/release/bench/mpi/ (NAME.ranks_K[.rR].json and .log, latency.json, summary.txt).
# SPARK_BENCH_BUILD_DIR=DIR (with --no-build) runs the binaries of another Release build tree.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build=1 repeats=1
while [[ $# -gt 0 ]]; do
    case "$1" in
    --no-build) build=0 ;;
    --repeats)
        [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || { echo "mpi_scaling.sh: --repeats needs a whole number >= 1" >&2; exit 2; }
        repeats=$2
        shift
        ;;
    -h | --help) sed -n 2,19p "$0"; exit 0 ;;
    *) echo "mpi_scaling.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

command -v mpirun > /dev/null || {
    echo "mpi_scaling.sh: mpirun not found: install Debian's Open MPI (apt-get install openmpi-bin libopenmpi-dev, as .ci/install-deps does)" >&2
    exit 1
}
if [[ $build == 1 ]]; then
    cmake --preset release
    cmake --build --preset release -j2 --target spark spark-neurons spark-interfaces \
        spark-initializers mpi_bench
fi
bdir="${SPARK_BENCH_BUILD_DIR:-$root/build/release}"
[[ -x $bdir/bin/mpi_bench ]] || {
    echo "mpi_scaling.sh: $bdir/bin/mpi_bench is missing: the build has no MPI (SPARK_MPI is off when CMake finds no MPI; install libopenmpi-dev and configure again)" >&2
    exit 1
}
out="$bdir/bench/mpi"
nets="$out/networks"
rm -rf "$out"
mkdir -p "$nets"
python=/usr/bin/python3

# Open MPI refuses to run as root without this; CI and this machine run as root.
mpirun=(mpirun)
[[ $(id -u) -eq 0 ]] && mpirun+=(--allow-run-as-root)

echo "== machine: $(nproc) cores, $(uname -srm); commit $(git rev-parse --short HEAD 2> /dev/null || echo '?'); $("${mpirun[0]}" --version | head -1)"
echo "== load: $(uptime)"
# NAME WARMUP COUNTED TIMED LIMITS...: the brain limits count a sparse kernel as input x output
# synapses (scale_256k: 65.5 G, 244 GiB) while it holds ~20 M, so scale_256k's are raised.
runs=(
    "dense_16000 1000 1000 2000"
    "scale_256k 3000 1000 2000 --max-synapses 100000000000 --max-memory 512GiB"
    "scale_256k_delayed 3000 1000 2000 --max-synapses 100000000000 --max-memory 512GiB"
)
"$python" bench/networks.py "$nets" > /dev/null # every network's .scfg and .json (~0.1 s)
# scale_256k with a delay of 1.5 ms (15 steps) per presynaptic neuron: spikes between ranks may
# come 15 steps late, so the ranks exchange once every 16 steps (docs/scaling.md section 3.2).
"$python" - "$nets" << 'EOF'
import json, sys
nets = sys.argv[1]
brain = json.load(open(nets + "/scale_256k.scfg"))
for spec in brain["__cfg__"]["modules_map"].values():
    config = spec["__data__"]["config"]
    if "units" in config:
        config["delays"] = {"__class_ref__": "n_delays", "max_delay": 1.5,
                            "delays": {"__class_ref__": "constant_initializer", "max_value": 15.0}}
json.dump(brain, open(nets + "/scale_256k_delayed.scfg", "w"), indent=1)
net = json.load(open(nets + "/scale_256k.json"))
net["name"] = "scale_256k_delayed"
json.dump(net, open(nets + "/scale_256k_delayed.json", "w"), indent=1)
EOF
for run in "${runs[@]}"; do
    read -r name _ _ _ limits <<< "$run"
    # shellcheck disable=SC2086 # the limit flags split on spaces on purpose
    "$bdir/bin/spark" validate ${limits:-} "$nets/$name.scfg" > /dev/null ||
        { echo "mpi_scaling.sh: $nets/$name.scfg is invalid" >&2; exit 1; }
done

echo "== MPI transport, 2 ranks (mpi_bench --latency)"
"${mpirun[@]}" -n 2 --oversubscribe "$bdir/bin/mpi_bench" --latency --json "$out/latency.json" \
    | tee "$out/latency.log"

# What else ran during a run: the CPU time of every process (/proc/stat: user, nice, system, irq,
# softirq) less this script's reaped children's (mpirun and its ranks: /proc/$$/stat cutime and
# cstime), and the time the hypervisor gave the vCPUs to others (steal), in ticks.
ticks() {
    local stat fields
    stat=$(< "/proc/$$/stat")
    read -r -a fields <<< "${stat##*) }" # fields from the 3rd on: cutime is the 16th, cstime the 17th
    awk -v ours=$((fields[13] + fields[14])) '/^cpu /{print $2 + $3 + $4 + $7 + $8, $9, ours}' /proc/stat
}
hz=$(getconf CLK_TCK)

results=()
for ((r = 1; r <= repeats; ++r)); do
    suffix=""
    [[ $repeats -gt 1 ]] && suffix=".r$r"
    for run in "${runs[@]}"; do
        read -r name warmup counted timed limits <<< "$run"
        # The network's brain input: `drive` (its Poisson channels) when it has one.
        drive=$("$python" -c "import json,sys; print(json.load(open(sys.argv[1]))['drive'] or '')" "$nets/$name.json")
        args=(--brain "$nets/$name.scfg" --name "$name" --warmup-steps "$warmup"
            --count-steps "$counted" --steps "$timed")
        [[ -n $drive ]] && args+=(--input "drive=$drive")
        # shellcheck disable=SC2206 # the limit flags split on spaces on purpose
        [[ -n ${limits:-} ]] && args+=($limits)
        for ranks in 1 2; do
            json="$out/$name.ranks_$ranks$suffix.json"
            baseline=()
            [[ $ranks -gt 1 ]] && baseline=(--baseline "$out/$name.ranks_1$suffix.json")
            echo
            echo "-- $name on $ranks rank(s)$([[ $repeats -gt 1 ]] && echo ", repeat $r"); load: $(cut -d' ' -f1-3 /proc/loadavg)"
            read -r busy0 steal0 ours0 < <(ticks)
            start_ns=$(date +%s%N)
            if ! "${mpirun[@]}" -n "$ranks" --oversubscribe "$bdir/bin/mpi_bench" "${args[@]}" \
                "${baseline[@]}" --json "$json" 2>&1 |
                tee "$out/$name.ranks_$ranks$suffix.log"; then
                echo "mpi_scaling.sh: mpi_bench failed on $name with $ranks rank(s)" >&2
                exit 1
            fi
            read -r busy1 steal1 ours1 < <(ticks)
            wall_s=$(awk -v a="$start_ns" -v b="$(date +%s%N)" 'BEGIN {print (b - a) / 1e9}')
            # Cores' worth of other processes and of steal over the whole run (build included).
            awk -v w="$wall_s" -v hz="$hz" -v o=$((busy1 - busy0 - (ours1 - ours0))) -v s=$((steal1 - steal0)) \
                'BEGIN {printf "%.2f %.2f\n", (o < 0 ? 0 : o) / hz / w, s / hz / w}' > "$json.others"
            read -r others steal < "$json.others"
            echo "   other processes used $others cores on average during this run, steal $steal cores"
            results+=("$json")
        done
    done
done

echo
echo "== summary (load at the end: $(cut -d' ' -f1-3 /proc/loadavg))" | tee "$out/summary.txt"
"$python" - "$out/latency.json" "${results[@]}" << 'EOF' | tee -a "$out/summary.txt"
import json, statistics, sys
latency = json.load(open(sys.argv[1]))
one_byte = [p for p in latency["ping_pong"] if p["bytes"] == 1][0]
print("MPI on this machine, 2 ranks: %.2f us one way (1 B ping-pong), %.2f us per exchange of "
      "distributed_brain's pattern (1 B each way and the status reduction; %.2f and %.2f us "
      "apart)" % (one_byte["one_way_us"], latency["exchange_us"], latency["messages_us"],
                  latency["reduction_us"]))
runs = {}
for path in sys.argv[2:]:
    r = json.load(open(path))
    r["others"] = open(path + ".others").read().split()[0]
    runs.setdefault((r["network"], r["ranks"]), []).append(r)
med = statistics.median
print()
print("Medians over %d repeat(s); wall ms/step of each repeat in brackets; speedup = 1-rank "
      "median / this median (best: of the fastest repeats); others: the cores' worth of CPU that "
      "other processes used during each run (steal not included)." % max(len(v) for v in runs.values()))
print()
print("| network | ranks | wall ms/step | speedup (best) | median step ms | waiting ms/step "
      "(max rank) | compute ms/step per rank | bytes/step | bytes/crossing spike | expected "
      "imbalance | window | others |")
print("| --- | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |")
for (network, ranks), rs in runs.items():
    walls = [r["wall_ms_per_step"] for r in rs]
    one = [r["wall_ms_per_step"] for r in runs[(network, 1)]]
    speedup = "%.2f (%.2f)" % (med(one) / med(walls), min(one) / min(walls))
    compute = " / ".join("%.3f" % med([r["per_rank"][k]["compute_ms_per_step"] for r in rs])
                         for k in range(ranks))
    per_spike = rs[0]["bytes_per_crossing_spike"]
    print("| %s | %d | %.3f [%s] | %s | %.3f | %.3f | %s | %.0f | %s | %.2f | %d | %s |" % (
        network, ranks, med(walls), ", ".join("%.3f" % w for w in walls), speedup,
        med([r["median_step_ms"] for r in rs]), med([r["max_waiting_ms_per_step"] for r in rs]),
        compute, med([r["bytes_per_step"] for r in rs]),
        "%.2f" % per_spike if per_spike is not None else "-", rs[0]["imbalance"],
        rs[0].get("window", 1), ", ".join(r["others"] for r in rs)))
EOF
echo "== results in $out"
