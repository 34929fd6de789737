#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The benchmark suite, side by side with Brian2 2.5.1 (C++ standalone) in one invocation: every
# network of bench/networks.py runs on our runtime (brain_bench --brain: sequential and flow
# graph with 2 threads) and, where it has a peer, on Brian2 (1 and 2 OpenMP threads), then
# bench/summarize.py prints seconds per simulated second, events/s, neuron updates/s, start-up,
# peak RSS, every population's rate on both sides, Brian2 time / ours and the hardware bound.
# Fails (exit 1, naming the network and both rates) when a population's rates differ by > 10 %.
#
# usage: bench/run.sh [--no-build] [--quick] [--no-peer]
#   --quick     small networks, short runs, Brian2 on 1 thread only and compiled at -O1 (its
#               compiles dominate), no runtime-overhead bench: a smoke test of the bench and of
#               the rates' agreement (CI), never of speed
#   --no-peer   ours only
# Results: build/release/bench/results/ (NAME.result.json per network, summary.txt, logs).
# SPARK_BENCH_BUILD_DIR=DIR (with --no-build) runs the binaries of another Release build tree.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build=1 quick=0 peer=1
for arg in "$@"; do
    case "$arg" in
    --no-build) build=0 ;;
    --quick) quick=1 ;;
    --no-peer) peer=0 ;;
    -h | --help) sed -n 2,15p "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $arg" >&2; exit 2 ;;
    esac
done

if [[ $build == 1 ]]; then
    cmake --preset release
    # Only what the benchmark runs: the CLI (validate), the built-in plugins, the bench tools
    # (not the examples or the Python package, which `make run` builds).
    cmake --build --preset release -j2 --target spark spark-neurons spark-interfaces \
        spark-initializers brain_bench machine_probe
fi
bdir="${SPARK_BENCH_BUILD_DIR:-$root/build/release}"
out="$bdir/bench/results"
nets="$bdir/bench/networks"
# Brian2's projects too: a cached compile would hide its start-up.
rm -rf "$out" "$nets" "$bdir/bench/brian2"
mkdir -p "$out" "$nets"
python=/usr/bin/python3 # Brian2 and numpy come from Debian's packages: the system Python
start=$SECONDS

echo "== machine: $(nproc) cores, $(uname -srm); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
"$bdir/bin/machine_probe" > "$out/machine.json"
echo "== machine_probe: $(cat "$out/machine.json")"

quick_arg=()
[[ $quick == 1 ]] && quick_arg=(--quick)
"$python" bench/networks.py "$nets" "${quick_arg[@]}" --brain-bench "$bdir/bin/brain_bench" \
    --tutorial examples/brains/ab_tutorial.scfg > /dev/null
for scfg in "$nets"/*.scfg; do # our brain files must be valid brains
    # The size limits count a sparse kernel as dense (scale_256k: 65 G synapses for 20 M): raised.
    "$bdir/bin/spark" validate --max-synapses 1000000000000000 --max-memory 1000000000000000 \
        "$scfg" > /dev/null || { echo "run.sh: $scfg is invalid" >&2; exit 1; }
done

# /usr/bin/time (peak RSS) and Brian2's dependencies, installed when missing (as
# .ci/install-deps does).
deps=(time)
[[ $peer == 1 ]] && deps+=(python3-numpy python3-sympy python3-jinja2 cython3 python3-pyparsing python3-setuptools g++ make)
missing=()
for package in "${deps[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2> /dev/null | grep -q 'install ok installed' ||
        missing+=("$package")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "== installing the bench's dependencies: ${missing[*]}"
    sudo_=()
    [[ $(id -u) -ne 0 ]] && sudo_=(sudo)
    "${sudo_[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo_[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
if [[ $peer == 1 ]]; then
    # Brian2 itself: on Debian 12 `apt-get install python3-brian` conflicts with libboost1.81-dev
    # (python3-scipy -> python3-pythran -> libboost-dev 1.74), which Spark needs; Brian2 does not
    # need scipy here, so its two .debs are unpacked into the build tree (PYTHONPATH).
    if ! "$python" -c "import brian2" 2> /dev/null; then
        deb_dir="$bdir/bench/python3-brian"
        if [[ ! -d "$deb_dir/root/usr/lib/python3/dist-packages/brian2" ]]; then
            echo "== brian2 is not importable: unpacking Debian's python3-brian into $deb_dir"
            mkdir -p "$deb_dir"
            (cd "$deb_dir" && { apt-get download python3-brian python3-brian-lib ||
                { apt-get update && apt-get download python3-brian python3-brian-lib; }; })
            for deb in "$deb_dir"/*.deb; do dpkg-deb -x "$deb" "$deb_dir/root"; done
        fi
        export PYTHONPATH="$deb_dir/root/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}"
    fi
fi

peer_threads=(1 2)
[[ $quick == 1 ]] && peer_threads=(1)
failed=()
while read -r name peer_kind; do
    json="$nets/$name.json"
    # Our side: one process per network (its peak RSS is the network's); plugins + build +
    # first step is the start-up. The runtime's default executor (auto/2) builds first, so its
    # start-up is what a fresh process pays (the later brains reuse memory already touched).
    read -r seconds warmup executors drive < <("$python" -c "import json,sys; n=json.load(open(sys.argv[1])); print(n['seconds'], n['warmup'], n.get('executors', 'auto/2,sequential,flow_graph/2'), n['drive'] or '')" "$json")
    ours=(--brain "$nets/$name.scfg" --sim-seconds "$seconds" --warmup-seconds "$warmup"
        --rate-seconds "$seconds" --executors "$executors" --json "$out/$name.ours.json")
    [[ -n $drive ]] && ours+=(--input "drive=$drive")
    echo
    echo "-- $name: ours ($((SECONDS - start)) s so far)"
    /usr/bin/time -f %M -o "$out/$name.ours.rss" "$bdir/bin/brain_bench" "${ours[@]}" \
        > "$out/$name.ours.log" 2>&1 || { cat "$out/$name.ours.log" >&2; exit 1; }
    threads_list=("${peer_threads[@]}")
    if [[ $peer_kind == *:1 ]]; then # this network's peer on 1 thread only
        peer_kind=${peer_kind%:1} threads_list=(1)
    fi
    if [[ $peer == 1 && $peer_kind != none ]]; then
        for threads in "${threads_list[@]}"; do
            log="$out/$name.brian2_$threads.log"
            echo "-- $name: Brian2, $threads thread(s) (code generation and compilation first)"
            if [[ $peer_kind == brian2_lif ]]; then # brain_bench's 4k brain: its own peer
                cmd=(bench/peer/brian2_lif.py --variant static --seconds "$seconds"
                    --rate-seconds "$seconds" --warmup "$warmup")
            else
                cmd=(bench/peer/brian2_networks.py "$json")
            fi
            [[ $quick == 1 ]] && cmd+=(--quick-compile)
            "$python" "${cmd[@]}" --threads "$threads" --build-dir "$bdir/bench/brian2/${name}_$threads" \
                > "$log" 2>&1 || { cat "$log" >&2; echo "run.sh: Brian2 failed on $name" >&2; exit 1; }
            grep '^RESULT ' "$log" | sed 's/^RESULT //' > "$out/$name.brian2_$threads.json"
        done
    fi
    "$python" bench/summarize.py "$nets" "$out" "$name" | tee -a "$out/summary.txt" || failed+=("$name")
done < "$nets/list.txt"

"$python" bench/summarize.py --scaling "$out" | tee -a "$out/summary.txt"

# The runtime's own cost per module and step (chains of bench.noop modules), a host's fixed cost
# per call of 10 steps, and the example brain (not in --quick: they check no rate).
only_list=(example noop calls)
[[ $quick == 1 ]] && only_list=()
[[ $quick == 0 ]] && echo && echo "-- runtime overhead, per-call cost and the example brain (brain_bench --only noop / calls / example)"
for only in "${only_list[@]}"; do
    "$bdir/bin/brain_bench" --only "$only" --repeats 5 --block-seconds 0.5 --json "$out/brain_bench_$only.json" \
        > "$out/brain_bench_$only.log" 2>&1 || { cat "$out/brain_bench_$only.log" >&2; exit 1; }
    grep -v '^\[.*\] \[spark' "$out/brain_bench_$only.log" | tee -a "$out/summary.txt"
done

echo
echo "== done in $((SECONDS - start)) s; results in $out"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "run.sh: FAILED: the population rates of ours and Brian2 differ by more than 10 % in: ${failed[*]} (see above)" >&2
    exit 1
fi
