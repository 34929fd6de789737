# SPDX-License-Identifier: Apache-2.0
"""Spark C++ from Python: brain configs, brains stepped with numpy arrays, the plugin registry.

    import spark_cpp
    config = spark_cpp.BrainConfig.from_file("examples/brains/ei_network.scfg")
    brain = spark_cpp.Brain(config, seed=1)
    out = brain.run(1000, inputs={"drive": 0.5}, record=["excitatory", "activity"])
    print(out["excitatory.out_spikes"].mean() * 1000, "Hz")

docs/python.md says more. The package is named spark_cpp so that it never shadows upstream's own
`import spark`.
"""

import os

from . import errors, plot
from ._native import __version__, set_log_level
from .brain import Brain
from .config import BrainConfig, ModuleConfig, ModuleSpec, Problem
from .errors import (CheckpointError, ConfigError, GraphError, PluginError, SparkError, StepError,
                     UnknownTypeError)
from .registry import Field, Port, Property, Registry, TypeInfo, default_registry

# Warnings and errors only (a plugin that fails to load, a NaN in an output); "info" also logs
# each plugin loaded, as `spark` does.
set_log_level(os.environ.get("SPARK_CPP_LOG_LEVEL", "warning"))

__all__ = [
    "Brain", "BrainConfig", "ModuleConfig", "ModuleSpec", "Problem", "Registry", "TypeInfo",
    "Field", "Port", "Property", "default_registry", "errors", "plot", "SparkError",
    "ConfigError", "GraphError", "UnknownTypeError", "PluginError", "StepError",
    "CheckpointError", "set_log_level", "__version__",
]
