# SPDX-License-Identifier: Apache-2.0
"""What one `brain.step()` from Python costs over the C++ step, on a small brain.

The requirement: brain.step() from Python costs at most 10 us more than the C++ step on a small
brain, measured here and not in a timed test (a timed test fails on a loaded machine). A small
brain is where the per-call cost matters: its C++ step takes well under a microsecond, so what the
binding adds per call (converting the inputs, releasing the GIL, copying every output into a new
numpy array, the Python wrapper) is most of what a Python loop pays.

Per step, in blocks of N steps:
  run      brain.run(N, inputs={"drive": 0.5}): the C++ step (a loop in C++ without the GIL,
           which adds a clock read per step and nothing else), the baseline;
  scalar   brain.step({"drive": 0.5}) in a Python loop: a number, broadcast to the input's shape;
  none     brain.step(): no inputs, the buffers keep their values;
  array    brain.step({"drive": a}) with a float32 array of the input's shape (no conversion).
Overhead = a kind's time per step minus run's within one repeat (the blocks of a repeat run back
to back, so a change of the host's load between repeats hits both), over R repeats in a rotating
order: the median is the verdict's number, shown with its min and max, and beside it the
difference of the two kinds' fastest blocks (noise only adds time, so the minima are the least
disturbed estimate). Brains are built with executor="sequential" (one thread: what a small brain's
step needs) and "auto" (the default a user gets), unless --executors says otherwise.

usage: PYTHONPATH=build/release/python /usr/bin/python3 bench/python_overhead.py [--quick]
         [--brain FILE] [--executors sequential,auto] [--bound-us 10] [--any-build]
       ... --breakdown      where the microseconds go (uses the private Brain._brain)
       ... --profile-loop KIND [--seconds S]   only steps KIND in a loop, for `perf record`
Exits 1 when a median overhead exceeds the bound (or on an error, with its traceback), 2 when
the package is not a Release build (its build tree's CMakeCache.txt says so; --any-build measures
anyway).
"""

import argparse
import gc
import json
import pathlib
import statistics
import sys
import time

import numpy as np

import spark_cpp as sc

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_BRAIN = HERE / "python_overhead.scfg"
KINDS = ("run", "scalar", "none", "array")
# The value every input is fed; the default brain's drive makes its 16 Poisson channels fire at
# 25 Hz and its 32 LIF neurons at about 12 Hz (seed 1), so the C++ step does real work.
DRIVE = 0.5


def build_type():
    """The CMAKE_BUILD_TYPE of the build tree the package was loaded from (build/PRESET/python/
    spark_cpp/_native*.so -> build/PRESET/CMakeCache.txt), or None outside a build tree."""
    cache = pathlib.Path(sc._native.__file__).resolve().parents[2] / "CMakeCache.txt"
    if not cache.is_file():
        return None
    for line in cache.read_text(errors="replace").splitlines():
        if line.startswith("CMAKE_BUILD_TYPE:"):
            return line.split("=", 1)[1].strip()
    return None


def feeds(brain):
    """Every input as a number and as a float array of its shape, both DRIVE."""
    scalar = {name: DRIVE for name in brain.inputs}
    array = {name: np.full(spec["shape"], DRIVE, dtype=spec["dtype"])
             for name, spec in brain.inputs.items()}
    return scalar, array


def step_loop(step, arg=None):
    """n calls of step(arg) (or step()). The callable is bound to a local first, as a user's loop
    would hoist it; the loop itself costs ~0.03 us per step."""
    if arg is None:
        def loop(n):
            for _ in range(n):
                step()
    else:
        def loop(n):
            for _ in range(n):
                step(arg)
    return loop


def loops(brain):
    """One callable per kind, each doing `n` steps."""
    scalar, array = feeds(brain)
    return {"run": lambda n: brain.run(n, inputs=scalar),
            "scalar": step_loop(brain.step, scalar),
            "none": step_loop(brain.step),
            "array": step_loop(brain.step, array)}


def measure(brain, fns, steps, repeats):
    """{kind: [us per step, one per repeat]} for the callables `fns`; repeat r runs them in an
    order rotated by r, so that no kind always follows the same one (caches, the allocator).

    Every block starts from a reset brain with its inputs set (run(0, ...) sets them and steps
    nothing; reset zeroes them), so every block simulates the same steps with the same spikes:
    the C++ work is the same in every kind and the difference is the call's alone, also on a
    brain whose activity changes over time."""
    scalar, _ = feeds(brain)
    kinds = list(fns)
    for fn in fns.values():  # warm-up: the code, the allocator, auto's first measurements
        fn(max(steps // 10, 200))
    times = {kind: [] for kind in kinds}
    for r in range(repeats):
        for kind in kinds[r % len(kinds):] + kinds[:r % len(kinds)]:
            brain.reset()
            brain.run(0, inputs=scalar)
            start = time.perf_counter_ns()
            fns[kind](steps)
            times[kind].append((time.perf_counter_ns() - start) / steps / 1000.0)
    return times


def spread(values):
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def check(config, args, steps, repeats):
    """The table and the verdict; returns the exit status."""
    rows = ["| executor | step kind | us per step: median (min-max) | overhead, us: median "
            "(min-max) | overhead of the minima, us | verdict |",
            "| --- | --- | ---: | ---: | ---: | --- |"]
    failed = []
    for executor in [e for e in args.executors.split(",") if e]:
        brain = sc.Brain(config, seed=args.seed, executor=executor)
        times = measure(brain, loops(brain), steps, repeats)
        base = times["run"]
        label = f"{executor} ({brain.executor_in_use})" if executor == "auto" else executor
        for kind in KINDS:
            if kind == "run":
                rows.append(f"| {label} | run (the C++ step) | {spread(base)} | | | |")
                continue
            paired = [a - b for a, b in zip(times[kind], base)]
            median = statistics.median(paired)
            verdict = "ok" if median <= args.bound_us else f"OVER {args.bound_us:g} us"
            if median > args.bound_us:
                failed.append(f"{executor}/{kind}: {median:.2f} us")
            rows.append(f"| {label} | {kind} | {spread(times[kind])} | {spread(paired)} | "
                        f"{min(times[kind]) - min(base):.2f} | {verdict} |")
    print("\n".join(rows))
    if failed:
        print(f"FAILED: brain.step() from Python costs more than {args.bound_us:g} us over the "
              f"C++ step: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"every step kind within {args.bound_us:g} us of the C++ step")
    return 0


def breakdown(config, args, steps, repeats):
    """Where the overhead goes, by difference: the same brain with none, the first, ..., all of
    its outputs (each output is a new numpy array per step), stepped through the native method
    (Brain._brain.step: the binding without the Python wrapper) with no input, a number and an
    array, and through Brain.step(). Each difference is paired within a repeat, as check()'s."""
    data = json.loads(config.to_json())
    every_output = data["__cfg__"]["output_map"]  # af523a5's schema, as the default brain's
    outputs = list(every_output)
    diffs = []
    print("| outputs | run (the C++ step) | native step() - run | native step(number) - "
          "native step() | native step(array) - native step() | Brain.step() - native step() |",
          "| --- | ---: | ---: | ---: | ---: | ---: |", sep="\n")
    for k in range(len(outputs) + 1):
        data["__cfg__"]["output_map"] = {name: every_output[name] for name in outputs[:k]}
        brain = sc.Brain(sc.BrainConfig.from_json(json.dumps(data)), seed=args.seed,
                         executor="sequential")
        scalar, array = feeds(brain)
        native = brain._brain.step
        fns = {"run": lambda n, b=brain, s=scalar: b.run(n, inputs=s),
               "native": step_loop(native, None), "number": step_loop(native, scalar),
               "array": step_loop(native, array), "wrapper": step_loop(brain.step)}
        t = measure(brain, fns, steps, repeats)
        row = [statistics.median([a - b for a, b in zip(t[x], t[y])])
               for x, y in (("native", "run"), ("number", "native"), ("array", "native"),
                            ("wrapper", "native"))]
        diffs.append(row)
        print(f"| {', '.join(outputs[:k]) or 'none'} | {statistics.median(t['run']):.2f} | "
              + " | ".join(f"{d:.2f}" for d in row) + " |")
    n = len(outputs)
    print(f"\nper call, us (median differences over {repeats} blocks of {steps} steps):\n"
          f"  the call, the GIL's release and an empty dict (no outputs): {diffs[0][0]:.2f}\n"
          f"  each output, a new array in the dict: {(diffs[n][0] - diffs[0][0]) / max(n, 1):.2f}"
          f"\n  a number as input: {statistics.median(d[1] for d in diffs):.2f}\n"
          f"  an array as input: {statistics.median(d[2] for d in diffs):.2f}\n"
          f"  the Python wrapper Brain.step(): {statistics.median(d[3] for d in diffs):.2f}")
    return 0


def profile_loop(config, args):
    """Steps one kind in a loop for about --seconds, measuring nothing: for `perf record -- ...`
    (or cProfile), so that the samples are the loop's and not the brain's build."""
    executor = args.executors.split(",")[0]
    brain = sc.Brain(config, seed=args.seed, executor=executor)
    fn = loops(brain)[args.profile_loop]
    end = time.monotonic() + args.seconds
    done = 0
    while time.monotonic() < end:
        fn(10000)
        done += 10000
    print(f"{args.profile_loop}: {done} steps on {brain.executor_in_use}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="short run: 2,000 steps per block, 5 repeats (default 20,000 x 15)")
    parser.add_argument("--brain", default=str(DEFAULT_BRAIN), help="a .scfg file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--executors", default="sequential,auto")
    parser.add_argument("--steps", type=int, help="steps per block")
    parser.add_argument("--repeats", type=int)
    parser.add_argument("--bound-us", type=float, default=10.0,
                        help="the largest median overhead per step that passes (us)")
    parser.add_argument("--any-build", action="store_true",
                        help="measure a package that is not a Release build too")
    parser.add_argument("--breakdown", action="store_true")
    parser.add_argument("--profile-loop", choices=KINDS)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    config = sc.BrainConfig.from_file(args.brain)
    if args.profile_loop:
        return profile_loop(config, args)

    kind_of_build = build_type()
    print(f"package: {sc._native.__file__} (spark_cpp {sc.__version__}, "
          f"build type {kind_of_build or 'unknown: no CMakeCache.txt beside it'})")
    if kind_of_build not in (None, "Release") and not args.any_build:
        print(f"refusing to measure a {kind_of_build} build: the C++ step and the binding would "
              "both be unoptimized. Set PYTHONPATH to build/release/python (cmake --preset "
              "release && cmake --build --preset release), or pass --any-build.", file=sys.stderr)
        return 2
    steps = args.steps or (2000 if args.quick else 20000)
    repeats = args.repeats or (5 if args.quick else 15)
    print(f"brain: {args.brain} (seed {args.seed}); python {sys.version.split()[0]}, "
          f"numpy {np.__version__}; {steps} steps per block, {repeats} repeats; "
          f"gc {'on' if gc.isenabled() else 'off'}")
    if args.breakdown:
        return breakdown(config, args, steps, repeats)
    return check(config, args, steps, repeats)


if __name__ == "__main__":
    sys.exit(main())
