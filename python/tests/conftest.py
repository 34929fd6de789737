# SPDX-License-Identifier: Apache-2.0
"""What the spark_cpp tests share: where the repository and the build are (CTest passes
SPARK_BUILD_DIR; python/tests/CMakeLists.txt), the registry of the built-in plugins, brain files."""

import json
import os
from pathlib import Path

import pytest

import spark_cpp

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("SPARK_BUILD_DIR", ROOT / "build" / "dev"))
EI_NETWORK = ROOT / "examples" / "brains" / "ei_network.scfg"
UPSTREAM_V1 = ROOT / "examples" / "brains" / "upstream-v1"
TEST_PLUGINS = BUILD / "tests" / "test_plugins" / "out"
EXAMPLE_PLUGINS = BUILD / "examples" / "plugins"


@pytest.fixture(scope="session")
def registry():
    return spark_cpp.default_registry()


@pytest.fixture()
def ei_config():
    return spark_cpp.BrainConfig.from_file(EI_NETWORK)


def port_specs(payload: str, shape: list, dtype: str) -> dict:
    return {"__type__": "port_specs", "__data__": {
        "payload_type": {"__payload_type__": payload}, "shape": shape,
        "dtype": {"__type__": "dtype", "name": dtype}, "description": None}}


def port_map(origin: str, port: str) -> dict:
    return {"__type__": "port_map", "__data__": {"origin": origin, "port": port}}


def brain_json(inputs: dict, outputs: dict, modules: dict) -> str:
    """An af523a5 `.scfg` text: inputs name -> (payload, shape, dtype); outputs name ->
    ("module", "port", payload, shape, dtype); modules name -> (class_ref, {port: ["origin.port"]},
    config)."""
    cfg = {
        "input_map": {n: port_specs(*spec) for n, spec in inputs.items()},
        "output_map": {n: {"input": port_map(m, p), "spec": port_specs(*spec)}
                       for n, (m, p, *spec) in outputs.items()},
        "modules_map": {n: {"__type__": "module_specs", "__data__": {
            "name": n, "module_cls": {"__module_type__": cls},
            "inputs": {port: [port_map(*s.split(".", 1)) for s in sources]
                       for port, sources in wiring.items()},
            "config": config}} for n, (cls, wiring, config) in modules.items()},
    }
    return json.dumps({"__type__": "brain_config", "__cfg__": cfg})
