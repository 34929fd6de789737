# SPDX-License-Identifier: Apache-2.0
"""Errors are Python errors, never crashes: wrong input names, shapes and dtypes, a plugin that
fails in a step (StepError with module, type and step), records that do not exist."""

import numpy as np
import pytest

import spark_cpp
from conftest import EXAMPLE_PLUGINS, ROOT, TEST_PLUGINS, brain_json


@pytest.fixture(scope="module")
def ei_brain():
    return spark_cpp.Brain(ROOT / "examples" / "brains" / "ei_network.scfg", seed=1)


def test_an_unknown_input_is_a_key_error_naming_the_inputs(ei_brain):
    with pytest.raises(KeyError, match="no input 'drve'; its inputs are 'drive'"):
        ei_brain.step({"drve": 0.5})
    with pytest.raises(KeyError, match="'drve'"):
        ei_brain.run(3, inputs={"drve": 0.5})


def test_a_wrong_shape_is_a_value_error_naming_the_expected_shape(ei_brain):
    with pytest.raises(ValueError, match=r"input 'drive' has shape \(200,\), got .*\(100,\)"):
        ei_brain.step({"drive": np.zeros(100, np.float32)})
    with pytest.raises(ValueError, match=r"\(200,\).*got an array of shape \(5, 100\)"):
        ei_brain.run(5, inputs={"drive": np.zeros((5, 100), np.float32)})


def test_a_wrong_kind_is_a_type_error_naming_the_port(ei_brain):
    with pytest.raises(TypeError, match="input 'drive'.*complex128"):
        ei_brain.step({"drive": np.zeros(200, np.complex128)})
    with pytest.raises(TypeError, match="input 'drive'.*dtype <U4"):
        ei_brain.step({"drive": "loud"})


def test_nothing_is_written_when_one_input_is_wrong():
    plugins = spark_cpp.Registry(plugin_path=[EXAMPLE_PLUGINS])
    counter = spark_cpp.Brain(ROOT / "examples" / "c-plugin" / "count_spikes.scfg",
                              registry=plugins)
    # A float never feeds spikes (numpy's same_kind rule).
    with pytest.raises(TypeError, match=r"input 'spikes' holds uint8 values of shape \(4,\)"):
        counter.step({"spikes": np.array([0.5, 0, 0, 1])})
    out = counter.step({"spikes": np.array([1, 0, 1, 1], np.uint8)})
    assert out["counts"].tolist() == [1.0, 2.0]  # neurons 0-1: one spike; neurons 2-3: two


def test_a_failing_plugin_raises_step_error_with_module_type_and_step():
    plugins = spark_cpp.Registry(plugin_path=[TEST_PLUGINS / "spark-test_throws_in_step.so"])
    text = brain_json({"x": ("float_array", [4], "float32")},
                      {"y": ("boom", "out", "float_array", [4], "float32")},
                      {"boom": ("test.throws_in_step", {"in": ["__call__.x"]}, {})})
    brain = spark_cpp.Brain(spark_cpp.BrainConfig.from_json(text), registry=plugins)
    with pytest.raises(spark_cpp.StepError, match="step 3 exploded") as caught:
        brain.run(10, inputs={"x": 1.0})
    assert (caught.value.module, caught.value.type_id, caught.value.step) == (
        "boom", "test.throws_in_step", 3)
    brain.reset()  # and the brain is usable again
    assert brain.step({"x": 2.0})["y"].tolist() == [2.0] * 4


def test_an_unknown_record_is_a_key_error_naming_what_there_is(ei_brain):
    with pytest.raises(KeyError, match="record 'exitatory'.*'excitatory'"):
        ei_brain.run(1, record=["exitatory"])
    with pytest.raises(spark_cpp.SparkError, match="tau_m"):
        ei_brain.run(1, record=["excitatory.tau_m"])


def test_an_unknown_executor_is_a_value_error():
    with pytest.raises(ValueError, match="executor must be"):
        spark_cpp.Brain(ROOT / "examples" / "brains" / "ei_network.scfg", executor="gpu")


def test_inputs_that_are_no_mapping_are_a_type_error(ei_brain):
    with pytest.raises(TypeError, match="inputs must be a mapping"):
        ei_brain.step([0.5])
    with pytest.raises(TypeError, match="inputs must be a mapping"):
        ei_brain.run(2, inputs=[("drive", 0.5), 3])


def test_a_callable_that_raises_stops_the_run_with_its_error(ei_brain):
    def drive(t):
        if t == 5:
            raise RuntimeError("sensor unplugged")
        return 0.5

    before = ei_brain.step_index
    with pytest.raises(RuntimeError, match="sensor unplugged"):
        ei_brain.run(10, inputs={"drive": drive})
    assert ei_brain.step_index == before + 5  # steps 0-4 ran; step 5 never started
    ei_brain.step({"drive": 0.5})
    with pytest.raises(ValueError, match=r"its callable at step 0\) has shape \(200,\)"):
        ei_brain.run(3, inputs={"drive": lambda t: np.zeros(3)})
