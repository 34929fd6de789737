# SPDX-License-Identifier: Apache-2.0
# Entry points for people and CI. Each target installs what it needs first (make deps).
#   make run        release build, then run the example brain (progress, summary, recordings, raster)
#   make test       the citation check (.ci/check-citations), then the dev preset (Debug, warnings
#                   as errors) and every test
#   make test-asan  the same with AddressSanitizer and UndefinedBehaviorSanitizer
# JOBS=n limits parallel compile and test jobs (default: the number of cores).

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# Extra -D options for the dev and asan configure steps (CI uses it for lighter debug info).
CMAKE_ARGS ?=
SPARK := build/release/bin/spark
BRAIN := examples/brains/ei_network.scfg
RUN_OUT := build/run-out

.PHONY: deps run test test-asan

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
