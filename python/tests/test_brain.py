# SPDX-License-Identifier: Apache-2.0
"""Brain: step() and run() with numpy arrays by port name, inputs as numbers, arrays, per-step
series and callables, records as `spark run --record` makes them, reset and checkpoints."""

import numpy as np
import pytest

import spark_cpp
from conftest import EI_NETWORK

STEPS = 300


@pytest.fixture()
def brain(ei_config):
    return spark_cpp.Brain(ei_config, seed=3, executor="sequential")


def test_ports_have_the_files_shapes_and_dtypes(brain):
    assert brain.inputs["drive"]["shape"] == (200,)
    assert brain.inputs["drive"]["dtype"] == np.float32
    assert brain.outputs["activity"]["shape"] == (2,)
    assert brain.dt == 1.0
    names = [m["name"] for m in brain.modules]
    assert names == ["input", "excitatory", "inhibitory", "readout"]
    assert brain.modules[1]["outputs"]["out_spikes"]["shape"] == (800,)


def test_step_takes_and_returns_arrays_by_port_name(brain):
    out = brain.step({"drive": np.full(200, 0.5, np.float32)})
    assert set(out) == {"activity"}
    assert out["activity"].shape == (2,) and out["activity"].dtype == np.float32
    assert brain.step_index == 1
    out = brain.step(drive=0.5)  # keywords, and a number broadcast to the input's shape
    assert brain.step_index == 2


def test_a_number_broadcasts_as_the_cli_does(ei_config):
    a = spark_cpp.Brain(ei_config, seed=3)
    b = spark_cpp.Brain(ei_config, seed=3)
    for _ in range(50):
        assert np.array_equal(a.step({"drive": 0.5})["activity"],
                              b.step({"drive": np.full(200, 0.5, np.float32)})["activity"])
    ints = spark_cpp.Brain(ei_config, seed=3)
    floats = spark_cpp.Brain(ei_config, seed=3)
    ints.run(20, inputs={"drive": 1})  # an int feeds a float input (numpy's same_kind rule)
    floats.run(20, inputs={"drive": 1.0})
    assert np.array_equal(ints.cached("excitatory", "out_spikes"),
                          floats.cached("excitatory", "out_spikes"))


def test_run_records_like_spark_run_record(brain):
    out = brain.run(STEPS, inputs={"drive": 0.5},
                    record=["excitatory", "inhibitory.out_spikes", "activity",
                            "excitatory.soma.potential"])
    assert set(out) == {"excitatory.out_spikes", "inhibitory.out_spikes", "activity",
                        "excitatory.soma.potential"}
    spikes = out["excitatory.out_spikes"]
    assert spikes.shape == (STEPS, 800) and spikes.dtype == np.uint8
    assert set(np.unique(spikes)) <= {0, 1}  # 0/1, as --record writes them
    assert spikes.sum() > 0
    # The inhibitory population's bytes carry the inhibition bit; recordings drop it.
    assert set(np.unique(out["inhibitory.out_spikes"])) <= {0, 1}
    assert out["activity"].shape == (STEPS, 2)
    assert out["excitatory.soma.potential"].shape == (STEPS, 800)
    assert brain.step_index == STEPS


def test_step_and_run_give_the_same_spikes(ei_config):
    stepped = spark_cpp.Brain(ei_config, seed=3)
    rows = []
    for _ in range(100):
        stepped.step({"drive": 0.5})
        rows.append(np.array(stepped.cached("excitatory", "out_spikes")) & 1)
    ran = spark_cpp.Brain(ei_config, seed=3).run(100, inputs={"drive": 0.5},
                                                 record=["excitatory"])
    assert np.array_equal(np.array(rows), ran["excitatory.out_spikes"])


def test_series_and_callables_feed_each_step(ei_config):
    drive = np.linspace(0.0, 1.0, 60, dtype=np.float32)[:, None] * np.ones(200, np.float32)
    series = spark_cpp.Brain(ei_config, seed=3).run(
        80, inputs={"drive": drive}, record=["activity", "excitatory"])
    called = spark_cpp.Brain(ei_config, seed=3).run(
        80, inputs={"drive": lambda t: drive[min(t, 59)]}, record=["activity", "excitatory"])
    stepped = spark_cpp.Brain(ei_config, seed=3)
    activity = [stepped.step({"drive": drive[min(t, 59)]})["activity"] for t in range(80)]
    for key in ("activity", "excitatory.out_spikes"):
        assert np.array_equal(series[key], called[key])
    assert np.array_equal(series["activity"], np.array(activity))  # the last row holds


def test_reset_starts_again_bit_for_bit(brain):
    first = brain.run(100, inputs={"drive": 0.5}, record=["excitatory"])
    brain.reset()
    assert brain.step_index == 0
    again = brain.run(100, inputs={"drive": 0.5}, record=["excitatory"])
    assert np.array_equal(first["excitatory.out_spikes"], again["excitatory.out_spikes"])


def test_views_are_read_only_and_step_outputs_are_copies(brain):
    view = brain.cached("excitatory", "out_spikes")
    assert view.shape == (800,) and not view.flags.writeable
    with pytest.raises(ValueError):
        view[0] = 1
    out = brain.step({"drive": 0.5})["activity"]
    kept = out.copy()
    brain.run(20, inputs={"drive": 0.5})
    assert np.array_equal(out, kept)  # later steps never change a returned array
    stepped = brain.step()["activity"]
    assert np.array_equal(brain.output_view("activity"), stepped)


def test_properties_read_as_arrays(brain):
    kernel = brain.read_property("excitatory", "synapses.kernel")
    assert kernel.shape[0] == 800
    assert kernel.dtype == np.float32


def test_checkpoint_and_restore_go_on_bit_for_bit(ei_config, tmp_path):
    brain = spark_cpp.Brain(ei_config, seed=3)
    brain.run(50, inputs={"drive": 0.5})
    brain.checkpoint(tmp_path / "at50.ckpt")
    later = brain.run(50, inputs={"drive": 0.5}, record=["excitatory"])
    restored = spark_cpp.Brain.from_checkpoint(tmp_path / "at50.ckpt")
    assert restored.step_index == 50
    again = restored.run(50, inputs={"drive": 0.5}, record=["excitatory"])
    assert np.array_equal(later["excitatory.out_spikes"], again["excitatory.out_spikes"])
    with pytest.raises(spark_cpp.CheckpointError, match="exists") as caught:
        brain.checkpoint(tmp_path / "at50.ckpt")
    assert caught.value.file == str(tmp_path / "at50.ckpt")
    (tmp_path / "bad.ckpt").write_bytes(b"not a checkpoint")
    with pytest.raises(spark_cpp.CheckpointError):
        spark_cpp.Brain.from_checkpoint(tmp_path / "bad.ckpt")


def test_a_brain_from_a_file_path(registry):
    brain = spark_cpp.Brain(EI_NETWORK, registry=registry)
    assert brain.config.modules["readout"].class_ref == "exponential_integrator"
