# SPDX-License-Identifier: Apache-2.0
"""The same brain, seed and inputs give the same spikes, bit for bit, through spark_cpp and
through `spark run` (the CLI of this build)."""

import subprocess

import numpy as np
import pytest

import spark_cpp
from conftest import BUILD, EI_NETWORK, UPSTREAM_V1

SPARK = BUILD / "bin" / "spark"


def spark_run(tmp_path, *args):
    out = tmp_path / "cli"
    subprocess.run([str(SPARK), *args, "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


@pytest.mark.parametrize("executor", ["sequential", "flow_graph"])
def test_spark_run_and_spark_cpp_record_the_same_bits(tmp_path, executor):
    steps = 400
    drive = np.random.default_rng(7).uniform(0, 1, size=(steps, 200)).astype(np.float32)
    np.save(tmp_path / "drive.npy", drive)
    out = spark_run(tmp_path, "run", str(EI_NETWORK), "--steps", str(steps), "--seed", "11",
                    "--executor", "sequential", "--input", f"drive={tmp_path / 'drive.npy'}",
                    "--record", "excitatory", "--record", "inhibitory", "--record", "activity")
    brain = spark_cpp.Brain(EI_NETWORK, seed=11, executor=executor)
    ours = brain.run(steps, inputs={"drive": drive},
                     record=["excitatory", "inhibitory", "activity"])
    for label in ("excitatory.out_spikes", "inhibitory.out_spikes", "activity"):
        cli = np.load(out / f"{label}.npy")
        assert cli.dtype == ours[label].dtype and cli.shape == ours[label].shape
        assert np.array_equal(cli, ours[label]), label
    assert ours["excitatory.out_spikes"].sum() > 0  # the comparison is not of silence


def test_an_upstream_1_0_brain_gives_the_same_bits(tmp_path):
    signal = "0.1,-0.2,0.05,0"
    neuron = UPSTREAM_V1 / "alif_mod_neuron.scfg"
    out = spark_run(tmp_path, "--neuron", f"alif_mod_neuron={neuron}", "run",
                    str(UPSTREAM_V1 / "ab_brain.scfg"), "--steps", "200",
                    "--input", f"signal={signal}", "--input", "mod_a_ex=0",
                    "--input", "mod_b_ex=0", "--input", "mod_a_in=0", "--input", "mod_b_in=0",
                    "--record", "A_excitatory", "--record", "action")
    plugins = spark_cpp.Registry(neurons={"alif_mod_neuron": neuron})
    config = spark_cpp.BrainConfig.from_file(UPSTREAM_V1 / "ab_brain.scfg")
    config.set_input_shape("signal", [4])
    for name in ("mod_a_ex", "mod_b_ex", "mod_a_in", "mod_b_in"):
        config.set_input_shape(name, [1])
    brain = spark_cpp.Brain(config, registry=plugins)
    ours = brain.run(200, inputs={"signal": np.array([0.1, -0.2, 0.05, 0], np.float32),
                                  "mod_a_ex": 0, "mod_b_ex": 0, "mod_a_in": 0, "mod_b_in": 0},
                     record=["A_excitatory", "action"])
    for label in ("A_excitatory.out_spikes", "action"):
        assert np.array_equal(np.load(out / f"{label}.npy"), ours[label]), label
