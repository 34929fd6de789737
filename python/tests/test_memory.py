# SPDX-License-Identifier: Apache-2.0
"""No Python object reads freed memory: a view of a brain's cache keeps the brain's memory alive
after the Brain is gone, returned arrays own their data, and a registry outlives the brains of
its plugins. CTest's python_asan runs this file under AddressSanitizer (python/tests/CMakeLists.txt),
where a read of freed memory fails the test."""

import gc
import os
from pathlib import Path

import numpy as np

import spark_cpp
from conftest import EI_NETWORK


def test_a_view_kept_after_its_brain_is_gone_stays_valid():
    brain = spark_cpp.Brain(EI_NETWORK, seed=2)
    brain.run(30, inputs={"drive": 0.8})
    spikes = brain.cached("excitatory", "out_spikes")
    activity = brain.output_view("activity")
    expected_spikes, expected_activity = spikes.copy(), activity.copy()
    del brain
    gc.collect()
    # bytes() copies with memcpy, which AddressSanitizer intercepts even when called from code
    # it did not instrument (numpy, the interpreter): a read of freed memory aborts here.
    assert bytes(spikes) == bytes(expected_spikes)
    assert bytes(activity) == bytes(expected_activity)
    assert np.array_equal(spikes, expected_spikes)
    assert np.array_equal(activity, expected_activity)
    assert int(spikes.sum()) == int(expected_spikes.sum())


def test_returned_arrays_own_their_memory():
    brain = spark_cpp.Brain(EI_NETWORK, seed=2)
    out = brain.step({"drive": 0.5})["activity"]
    recorded = brain.run(10, inputs={"drive": 0.5}, record=["excitatory", "activity"])
    kernel = brain.read_property("excitatory", "synapses.kernel")
    del brain
    gc.collect()
    assert out.shape == (2,)
    assert recorded["excitatory.out_spikes"].sum() >= 0
    assert np.isfinite(kernel).all()


def test_brains_keep_their_registry_and_plugins_alive():
    plugins = spark_cpp.Registry()
    brain = spark_cpp.Brain(EI_NETWORK, seed=2, registry=plugins)
    del plugins
    gc.collect()
    # The plugins' code is still loaded: stepping runs it.
    assert brain.run(5, inputs={"drive": 0.5}, record=["activity"])["activity"].shape == (5, 2)


def test_the_sanitizer_runs_when_preloaded():
    # python_asan preloads AddressSanitizer's runtime; the tests above prove nothing without it.
    if "asan" in os.environ.get("LD_PRELOAD", ""):
        assert "libclang_rt.asan" in Path("/proc/self/maps").read_text()
