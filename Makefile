# SPDX-License-Identifier: Apache-2.0
# Entry points for people and CI. Each target installs what it needs first (make deps).
#   make run        release build, then run the example brain (progress, summary, recordings, raster)
#   make test       the citation check (.ci/check-citations), then the dev preset (Debug, warnings
#                   as errors) and every test
#   make test-asan  the same with AddressSanitizer and UndefinedBehaviorSanitizer (clang), which
#                   also builds the libFuzzer targets and runs each once over its seed corpus
#   make fuzz       the asan preset's libFuzzer targets, FUZZ_SECONDS each over their seed corpora
#   make test-tsan  the threaded tests (area `brain`: the flow-graph, in-order and automatic
#                   executors; the CLI's watchdog and signals, `run_threads`) under
#                   ThreadSanitizer (clang), building only what they need
#   make tidy       clang-tidy (.clang-tidy) over the project's own sources (the Python
#                   extension's too), warnings as errors
# JOBS=n limits parallel compile and test jobs (default: the number of cores).

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Extra -D options for the dev, asan and tsan configure steps (CI uses it for lighter debug info).
CMAKE_ARGS ?=
# How long each fuzz target runs in `make fuzz` (JOBS targets at a time).
FUZZ_SECONDS ?= 20
# The sources clang-tidy checks: the libraries, the CLI and the built-in plugins (not tests or
# examples), matched against compile_commands.json.
TIDY_SOURCES := ^$(CURDIR)/(sdk|registry|runtime|plugins)/.*\.(c|cpp)$$
# The Python extension's sources, which build as one unity file that includes each of them
# (python/CMakeLists.txt): clang-tidy checks them through it (.clang-tidy's HeaderFilterRegex).
PYTHON_UNITY := build/dev/python/CMakeFiles/spark_cpp_native.dir/Unity/unity_0_cxx.cxx
SPARK := build/release/bin/spark
BRAIN := examples/brains/ei_network.scfg
RUN_OUT := build/run-out

.PHONY: deps run test test-asan fuzz test-tsan tidy

deps:
	.ci/install-deps

run: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS)
	$(SPARK) plugins list
	$(SPARK) run $(BRAIN) --steps 50000 --input drive=0.5 \
	    --record excitatory --record inhibitory --record activity --out $(RUN_OUT)
	$(SPARK) raster $(RUN_OUT)/excitatory.out_spikes.npy --window 49000: --out $(RUN_OUT)/excitatory.svg

test: deps
	.ci/check-citations
	cmake --preset dev $(CMAKE_ARGS)
	cmake --build --preset dev -j $(JOBS)
	ctest --preset dev -j $(JOBS)

test-asan: deps
	cmake --preset asan $(CMAKE_ARGS)
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

fuzz: deps
	cmake --preset asan $(CMAKE_ARGS)
	cmake --build --preset asan -j $(JOBS) --target spark_fuzz_targets
	tests/fuzz/run.sh build/asan $(FUZZ_SECONDS) $(JOBS)

# Only the threaded code and what it loads: the Brain's executors (runtime/src/brain, the `brain`
# area) and the CLI's watchdog and signal handling (`run_threads`: the run area's run_stops suite).
# The canaries pass when TSan reports the races they make (tests/brain/test_tsan_canaries.cpp).
test-tsan: deps
	cmake --preset tsan $(CMAKE_ARGS)
	cmake --build --preset tsan -j $(JOBS) --target test_brain test_run
	ctest --preset tsan -j $(JOBS) -R '^(brain|run_threads|tsan_canary_.*)$$'

# compile_commands.json of the dev preset (configured, not built: tidy needs only the commands and
# the headers configure generates).
tidy: deps
	cmake --preset dev $(CMAKE_ARGS)
	run-clang-tidy -p build/dev -j $(JOBS) -quiet '$(TIDY_SOURCES)'
	clang-tidy -p build/dev --quiet --checks=-bugprone-suspicious-include $(PYTHON_UNITY)
