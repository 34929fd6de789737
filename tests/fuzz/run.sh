#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every libFuzzer target of a build for a bounded time over its seed corpus (what `make
# fuzz` and CI run). New inputs go to BUILD/fuzz/corpus/<target>/, never into the repository;
# an input that crashes, leaks, trips a sanitizer or runs past the timeout is saved as
# BUILD/fuzz/artifacts/<target>-crash-<sha1> (or -leak-, -timeout-, -oom-) and fails the run.
# Turn each one into a regression (docs/testing.md, fuzzing): copy it to
# tests/data/fuzz-regressions/<target>/, fix the reader, add a test to
# tests/fuzz/test_fuzz_regressions.cpp.
#
# usage: tests/fuzz/run.sh BUILD_DIR [SECONDS_PER_TARGET] [PARALLEL_TARGETS]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:?usage: tests/fuzz/run.sh BUILD_DIR [SECONDS_PER_TARGET] [PARALLEL_TARGETS]}"
seconds="${2:-20}"
parallel="${3:-2}"
build="$(cd "$build" && pwd)"

targets=()
for target in "$build"/bin/fuzz_*; do
    [[ -x $target && -f $target ]] && targets+=("$(basename "$target")")
done
if [[ ${#targets[@]} -eq 0 ]]; then
    echo "fuzz: no fuzz_* targets in $build/bin; build them first" \
        "(cmake --build --preset asan --target spark_fuzz_targets)" >&2
    exit 1
fi
mkdir -p "$build/fuzz/artifacts" "$build/fuzz/logs"

# Suppress only the third-party defects named in ubsan.supp; every finding stops the target.
export UBSAN_OPTIONS="suppressions=$root/tests/support/ubsan.supp:print_stacktrace=1:halt_on_error=1"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"

run_one() {
    local target="$1" name="${1#fuzz_}"
    local corpus=("$build/fuzz/corpus/$name" "$root/tests/fuzz/corpus/$name")
    [[ -d $root/tests/data/fuzz-regressions/$name ]] &&
        corpus+=("$root/tests/data/fuzz-regressions/$name")
    mkdir -p "$build/fuzz/corpus/$name"
    # -timeout: a reader taking 10 s on one small input is a finding (a hang); -rss_limit_mb also
    # bounds a single allocation: a header that makes a reader allocate GiB is a finding too.
    if "$build/bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$build/fuzz/artifacts/$name-" "${corpus[@]}" \
        > "$build/fuzz/logs/$name.log" 2>&1; then
        echo "fuzz: $target: no finding in ${seconds} s ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$build/fuzz/logs/$name.log" | grep -o '[0-9]*$') runs)"
    else
        echo "fuzz: $target FAILED; its log ($build/fuzz/logs/$name.log) ends:" >&2
        tail -n 40 "$build/fuzz/logs/$name.log" >&2
        return 1
    fi
}
export -f run_one
export build root seconds

printf '%s\n' "${targets[@]}" | xargs -P "$parallel" -I{} bash -c 'run_one {}' ||
    { echo "fuzz: a target found a problem; inputs in $build/fuzz/artifacts/" >&2; exit 1; }
