# SPDX-License-Identifier: Apache-2.0
"""BrainConfig: files of both schemas (plain and xz), validate() with every problem and its path,
module configs by name and field, merge and diff. Defaults from docs/models.md."""

import json
import lzma

import pytest

import spark_cpp
from conftest import EI_NETWORK, UPSTREAM_V1, brain_json


def test_from_file_reads_the_brain_as_the_file_states_it(ei_config):
    assert ei_config.schema == "af523a5"
    assert list(ei_config.inputs) == ["drive"]
    assert ei_config.inputs["drive"]["shape"] == (200,)
    assert list(ei_config.outputs) == ["activity"]
    assert ei_config.outputs["activity"]["source"] == "readout.signal"
    modules = ei_config.modules
    assert list(modules) == ["input", "excitatory", "inhibitory", "readout"]
    assert modules["excitatory"].class_ref == "lif_neuron"
    assert modules["excitatory"].config["units"] == [800]
    assert modules["excitatory"].inputs["in_spikes"][0] == "input.spikes"


@pytest.mark.parametrize("xz", [False, True])
def test_to_file_writes_plain_or_xz_and_reads_back_equal(ei_config, tmp_path, xz):
    file = tmp_path / "brain.scfg"
    ei_config.to_file(file, xz=xz)
    data = file.read_bytes()
    if xz:
        assert data[:6] == b"\xfd7zXZ\x00"  # the xz magic
        data = lzma.decompress(data)
    assert json.loads(data)["__type__"] == "brain_config"
    assert spark_cpp.BrainConfig.from_file(file) == ei_config


def test_an_upstream_1_0_file_keeps_its_schema(tmp_path):
    config = spark_cpp.BrainConfig.from_file(UPSTREAM_V1 / "ab_brain.scfg")
    assert config.schema == "upstream_1_0"
    assert config.inputs["signal"]["shape"] is None  # 1.0 files store no input shapes
    config.set_input_shape("signal", [4])
    assert config.inputs["signal"]["shape"] == (4,)
    config.to_file(tmp_path / "again.scfg", xz=True)
    assert spark_cpp.BrainConfig.from_file(tmp_path / "again.scfg").schema == "upstream_1_0"


def test_validate_returns_every_problem_with_its_path(registry):
    text = brain_json(
        {"drive": ("float_array", [4], "float32")},
        {"out": ("pop", "out_spikes", "spike_array", [4], "uint8")},
        {"spiker": ("poisson_spikr", {"signal": ["__call__.drive"]}, {}),
         "pop": ("lif_neuron", {"in_spikes": ["spiker.spikes", "nowhere.spikes"]},
                 {"units": [4], "inhibitory_rate": 2.0})})
    problems = spark_cpp.BrainConfig.from_json(text).validate(registry)
    assert all(isinstance(p, spark_cpp.Problem) for p in problems)
    by_path = {p.path: p.message for p in problems}
    assert any("poisson_spiker" in m for p, m in by_path.items() if "spiker" in p)  # a suggestion
    assert any("nowhere" in m for m in by_path.values())
    assert "brain/pop/inhibitory_rate" in by_path  # in [0, 1], docs/models.md section 7.2
    assert len(problems) >= 3


def test_a_brain_with_problems_raises_config_error_listing_them(registry):
    text = brain_json({"drive": ("float_array", [4], "float32")}, {},
                      {"pop": ("lif_neuron", {"in_spikes": ["__call__.drive"]},
                               {"units": [4], "inhibitory_rate": -1.0})})
    config = spark_cpp.BrainConfig.from_json(text)
    with pytest.raises(spark_cpp.ConfigError) as caught:
        spark_cpp.Brain(config)
    assert caught.value.problems
    assert any(path == "brain/pop/inhibitory_rate" for path, _ in caught.value.problems)
    assert isinstance(caught.value, ValueError)


def test_malformed_json_names_line_and_column():
    with pytest.raises(spark_cpp.ConfigError, match="line 1"):
        spark_cpp.BrainConfig.from_json('{"__type__": "brain_config", "__cfg__": {')


def test_module_config_resolves_defaults_by_name_and_field(ei_config):
    excitatory = ei_config.module_config("excitatory")
    assert excitatory.type_id == "spark.lif_neuron"
    # Given by the file, and the leaky soma's defaults (docs/models.md section 4.1).
    assert excitatory["units"] == [800]
    assert excitatory["soma"]["potential_tau"] == 20.0
    assert excitatory["soma__threshold"] == -40.0
    assert excitatory["soma/potential_rest"] == -60.0
    with pytest.raises(KeyError, match="no field 'tau_m'"):
        excitatory["tau_m"]
    with pytest.raises(spark_cpp.SparkError, match="no module 'excitatroy'"):
        ei_config.module_config("excitatroy")
    assert "potential_tau" in excitatory.inspect()


def test_merge_sets_fields_and_diff_names_them(ei_config):
    before = ei_config.copy()
    ei_config.merge({"excitatory": {"soma__threshold": -45.0}, "readout__tau": 10.0})
    assert ei_config.module_config("excitatory")["soma"]["threshold"] == -45.0
    assert ei_config.module_config("readout")["tau"] == 10.0
    # What the file gave is kept.
    assert ei_config.module_config("excitatory")["units"] == [800]
    assert ei_config.diff(before) == {
        "modules/excitatory/config/soma/threshold": (-45.0, -40.0),
        "modules/readout/config/tau": (10.0, 5.0),  # docs/models.md section 8.2: tau 5 ms
    }
    assert before.diff(before.copy()) == {}


def test_merge_checks_everything_first_and_changes_nothing_on_a_problem(ei_config):
    before = ei_config.copy()
    with pytest.raises(spark_cpp.ConfigError) as caught:
        ei_config.merge({"excitatory__soma__potential_tau": -1.0,
                         "inhibitory__inhibitory_rate": 3.0})
    paths = [p for p, _ in caught.value.problems]
    assert "brain/excitatory/soma/potential_tau" in paths
    assert "brain/inhibitory/inhibitory_rate" in paths
    assert ei_config == before
    with pytest.raises(KeyError, match="no module 'nobody'"):
        ei_config.merge({"nobody__units": [3]})


def test_diff_names_structural_differences(ei_config):
    other = spark_cpp.BrainConfig.from_file(EI_NETWORK)
    other.merge({"input": {"max_freq": 80.0}})
    assert ei_config.diff(other) == {"modules/input/config/max_freq": (50.0, 80.0)}
    small = spark_cpp.BrainConfig.from_json(brain_json(
        {"drive": ("float_array", [200], "float32")}, {},
        {"input": ("poisson_spiker", {"signal": ["__call__.drive"]}, {"max_freq": 50.0})}))
    differences = ei_config.diff(small)
    assert differences["modules/excitatory"][1] is None
    assert "outputs/activity" in differences


def test_refresh_seeds_with_a_seed_is_reproducible(ei_config):
    a, b = ei_config.copy(), ei_config.copy()
    a.refresh_seeds(5)
    b.refresh_seeds(5)
    assert a == b
    assert a.module_config("input")["seed"] != ei_config.module_config("input")["seed"]
