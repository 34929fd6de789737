# SPDX-License-Identifier: Apache-2.0
"""The package: its name, the registry it finds by itself, plugin_path like --plugin-path, and
type descriptions as Python objects (values from docs/models.md)."""

import importlib.util

import pytest

import spark_cpp
from conftest import EXAMPLE_PLUGINS, ROOT


def test_the_package_is_spark_cpp_and_leaves_upstreams_name_free():
    assert spark_cpp.__name__ == "spark_cpp"
    assert spark_cpp.__version__ == "0.1.0"
    # Upstream's own package is `import spark`; ours provides no module of that name.
    spec = importlib.util.find_spec("spark")
    assert spec is None or "spark_cpp" not in (spec.origin or "")


def test_the_builtin_plugins_are_found_without_being_told_where(registry):
    ids = registry.type_ids()
    for expected in ("spark.lif_neuron", "spark.alif_neuron", "spark.poisson_spiker",
                     "spark.exponential_integrator", "spark.topological_linear_spiker",
                     "spark.uniform_initializer"):
        assert expected in ids
    assert registry.failures == []


def test_plugin_path_loads_a_third_partys_plugin_first():
    plugins = spark_cpp.Registry(plugin_path=[EXAMPLE_PLUGINS])
    assert plugins.search_path[0] == str(EXAMPLE_PLUGINS)
    assert "acme.qif_neuron" in plugins.type_ids()
    assert "spark.lif_neuron" in plugins.type_ids()  # and the built-in ones still
    # A bare name Spark offers means Spark's type, whatever else is loaded (ADR 0012).
    assert plugins.describe("lif_neuron").vendor == "spark"
    assert plugins.describe("acme.lif_neuron").vendor == "acme"


def test_a_missing_plugin_path_is_a_warning_naming_it(tmp_path):
    with pytest.warns(UserWarning, match="nowhere.*does not exist"):
        spark_cpp.Registry(plugin_path=[tmp_path / "nowhere"])


def test_describe_gives_fields_ports_and_properties(registry):
    lif = registry.describe("lif_neuron")
    assert isinstance(lif, spark_cpp.TypeInfo)
    assert (lif.id, lif.kind, lif.vendor) == ("spark.lif_neuron", "neuron", "spark")
    fields = {f.name: f for f in lif.fields}
    assert list(fields)[:3] == ["seed", "dtype", "dt"]  # the base fields first
    assert fields["units"].required
    assert fields["inhibitory_rate"].default_json == "0.2"  # docs/models.md section 7.2
    assert [p.name for p in lif.inputs] == ["in_spikes", "modulation"]
    assert [p.name for p in lif.outputs] == ["out_spikes"]
    assert lif.outputs[0].payload == "spikes"
    assert "soma.potential" in {p.name for p in lif.properties}
    soma = {f.name: f for f in registry.describe("leaky_soma").fields}
    assert soma["potential_tau"].default_json == "20.0"
    assert soma["potential_tau"].units == "ms"


def test_an_unknown_type_is_a_lookup_error_with_suggestions(registry):
    with pytest.raises(spark_cpp.UnknownTypeError, match="lif_neuron") as caught:
        registry.describe("lif_nueron")
    assert isinstance(caught.value, LookupError)


def test_types_lists_every_type_as_objects(registry):
    types = registry.types()
    assert [t.id for t in types] == registry.type_ids()
    assert all(isinstance(t, spark_cpp.TypeInfo) for t in types)
    assert ROOT.exists()


def test_the_runtime_logs_to_stderr_at_the_level_asked(tmp_path):
    import os
    import subprocess
    import sys

    from conftest import BUILD

    env = {**os.environ, "PYTHONPATH": str(BUILD / "python"), "SPARK_CPP_LOG_LEVEL": "info"}
    run = subprocess.run([sys.executable, "-c", "import spark_cpp; spark_cpp.Registry()"],
                         env=env, capture_output=True, text=True, check=True)
    assert run.stdout == ""  # a script's or notebook's output stays its own
    assert "loaded plugin 'spark.neurons'" in run.stderr
    env["SPARK_CPP_LOG_LEVEL"] = "warning"
    quiet = subprocess.run([sys.executable, "-c", "import spark_cpp; spark_cpp.Registry()"],
                           env=env, capture_output=True, text=True, check=True)
    assert "loaded plugin" not in quiet.stderr
