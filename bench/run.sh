#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The benchmark suite, reproducible by anyone: builds the release preset, runs brain_bench (the
# example brain, the 4,000-neuron LIF brain, per-module overhead, the 4,000-neuron network with
# LIF, ALIF and AdEx populations, static and learning, and the tutorial brain), then the Brian2
# peer on the same 4,000-neuron LIF network in the same run, and prints ours / Brian2.
#
# usage: bench/run.sh [--no-build] [--quick] [--no-peer]
#   --quick   fewer and shorter timed blocks (3 x 0.2 s) and a shorter Brian2 run: a smoke test
# Results go to build/release/bench/results/ (brain_bench.json, brian2_*.json, summary.txt).
# SPARK_BENCH_BUILD_DIR=DIR (with --no-build) runs the binaries of another Release build tree;
# SPARK_BENCH_EXAMPLE=FILE.scfg times another brain as the example (input `drive`, float[200]).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build=1 quick=0 peer=1
for arg in "$@"; do
    case "$arg" in
    --no-build) build=0 ;;
    --quick) quick=1 ;;
    --no-peer) peer=0 ;;
    -h | --help) sed -n 2,12p "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $arg" >&2; exit 2 ;;
    esac
done

if [[ $build == 1 ]]; then
    cmake --preset release
    cmake --build --preset release -j
fi
bdir="${SPARK_BENCH_BUILD_DIR:-$root/build/release}"
out="$bdir/bench/results"
mkdir -p "$out"
bench_args=(--json "$out/brain_bench.json")
if [[ -n "${SPARK_BENCH_EXAMPLE:-}" ]]; then # another example brain than examples/brains/ei_network.scfg
    bench_args+=(--example "$SPARK_BENCH_EXAMPLE")
fi
peer_seconds=10
if [[ $quick == 1 ]]; then
    bench_args+=(--repeats 3 --block-seconds 0.2)
    peer_seconds=2
fi

echo "== machine: $(nproc) cores, $(uname -srm); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "== brain_bench (Spark C++, release build)"
"$bdir/bin/brain_bench" "${bench_args[@]}" 2> "$out/brain_bench.log" ||
    { cat "$out/brain_bench.log" >&2; exit 1; }

if [[ $peer == 0 ]]; then
    exit 0
fi

# Brian2 from Debian's python3-brian (2.5.1), run by the system Python. When it is not installed
# (on Debian 12 `apt-get install python3-brian` conflicts with libboost1.81-dev, which Spark
# needs: python3-scipy -> python3-pythran -> libboost-dev 1.74), its two .debs are unpacked into
# the build tree instead; brian2 itself needs numpy, sympy, jinja2, pyparsing, cython3 (apt).
python=/usr/bin/python3
if ! "$python" -c "import brian2" 2> /dev/null; then
    deb_dir="$bdir/bench/python3-brian"
    if [[ ! -d "$deb_dir/root/usr/lib/python3/dist-packages/brian2" ]]; then
        echo "== brian2 is not importable: unpacking Debian's python3-brian into $deb_dir"
        mkdir -p "$deb_dir" && (cd "$deb_dir" && apt-get download python3-brian python3-brian-lib)
        for deb in "$deb_dir"/*.deb; do dpkg-deb -x "$deb" "$deb_dir/root"; done
    fi
    export PYTHONPATH="$deb_dir/root/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}"
fi
echo
echo "== Brian2 peer: bench/peer/brian2_lif.py (C++ standalone; compile time is not timed)"
for threads in 1 2; do
    "$python" "$root/bench/peer/brian2_lif.py" --variant static --threads "$threads" \
        --seconds "$peer_seconds" --build-dir "$bdir/bench/brian2_static_$threads" \
        > "$out/brian2_static_$threads.log" 2>&1 ||
        { cat "$out/brian2_static_$threads.log" >&2; exit 1; }
    grep -v '^RESULT ' "$out/brian2_static_$threads.log" | grep -v '^\s*$' | tail -3
    grep '^RESULT ' "$out/brian2_static_$threads.log" | sed 's/^RESULT //' > "$out/brian2_static_$threads.json"
done

echo
"$python" - "$out" << 'PY' | tee "$out/summary.txt"
import json, sys, os
out = sys.argv[1]
ours = json.load(open(os.path.join(out, "brain_bench.json")))["results"]
print("ours / Brian2, 4,000 LIF neurons, 2% connectivity, static weights (steps/s, higher is better)")
print("  %-14s %12s %8s   %-28s %12s %8s %8s" % ("ours", "steps/s", "rate Hz", "Brian2", "steps/s", "rate Hz", "ratio"))
for threads in (1, 2):
    peer = json.load(open(os.path.join(out, "brian2_static_%d.json" % threads)))
    label = "%s, %d thread%s" % (peer["target"], peer["threads"], "" if peer["threads"] == 1 else "s")
    for r in ours:
        if r["bench"] != "lif_4k" or r["variant"] != "static" or r["threads"] != threads:
            continue
        print("  %-14s %12.1f %8.1f   %-28s %12.1f %8.1f %8.3f" % (
            r["executor"], r["steps_per_s"], r["rate_hz"] or 0, label, peer["steps_per_s"],
            peer["rate_hz"], r["steps_per_s"] / peer["steps_per_s"]))
    if peer["note"]:
        print("  note: " + peer["note"])
print("What differs: ours is spark.lif_neuron with eta = 0 (its Hebbian rule changes nothing, so")
print("spikes travel only along the 2% non-zero synapses, as in Brian2); ours adds one step of")
print("latency per module edge (the peer's delays are drawn to match); random streams differ, so")
print("rates match, spike trains do not. See bench/README.md.")
PY
