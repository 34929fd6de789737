# SPDX-License-Identifier: Apache-2.0
"""Plugins and their types: where spark_cpp finds them, and what each type offers."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from . import _native


@dataclass(frozen=True)
class Field:
    """One config field of a type (the base fields seed, dtype and dt first)."""

    name: str
    type: str
    default_json: str  # "" when the field is required
    units: str
    description: str
    validators: tuple[str, ...]
    allows_initializer: bool
    required: bool
    nullable: bool


@dataclass(frozen=True)
class Port:
    """One input or output port of a type; its shape follows `shape_rule` (and `shape_ref`)."""

    name: str
    direction: str  # "input" or "output"
    payload: str  # "spikes", "float", "int", "bool_mask", "any"
    payload_type: str  # upstream's payload name, e.g. "spike_array"
    shape_rule: str  # "any", "from_field", "like_port", "computed"
    shape_ref: str
    required: bool
    description: str


@dataclass(frozen=True)
class Property:
    """A named value of a module besides its ports (e.g. a neuron's "soma.potential")."""

    name: str
    payload: str
    shape_rule: str
    shape_ref: str
    writable: bool
    description: str


@dataclass(frozen=True)
class TypeInfo:
    """A module type a plugin (or a neuron file) provides, as `spark plugins describe` shows it."""

    id: str  # "vendor.class_ref"
    class_ref: str
    vendor: str
    kind: str  # "neuron", "input_interface", "component", "initializer", ...
    version: str
    description: str
    file: str  # the plugin library (or neuron file) it came from
    sha256: str
    plugin: str
    fields: tuple[Field, ...] = field(default=())
    inputs: tuple[Port, ...] = field(default=())
    outputs: tuple[Port, ...] = field(default=())
    properties: tuple[Property, ...] = field(default=())

    @classmethod
    def _of(cls, d: dict) -> "TypeInfo":
        return cls(
            **{k: d[k] for k in ("id", "class_ref", "vendor", "kind", "version", "description",
                                 "file", "sha256", "plugin")},
            fields=tuple(Field(**{**f, "validators": tuple(f["validators"])}) for f in d["fields"]),
            inputs=tuple(Port(**p) for p in d["inputs"]),
            outputs=tuple(Port(**p) for p in d["outputs"]),
            properties=tuple(Property(**p) for p in d["properties"]),
        )


class Registry:
    """The plugins spark_cpp loads, found as the `spark` CLI finds them.

    The built-in plugins (beside the runtime library) and SPARK_PLUGIN_PATH are searched unless
    `defaults` is False; `plugin_path` entries (folders or plugin files) come first, like
    `spark --plugin-path`. `neurons` maps a name to an upstream 1.0 neuron file to register as
    that type, like `spark --neuron NAME=FILE`.
    """

    def __init__(self, plugin_path: Iterable[os.PathLike | str] = (),
                 neurons: Mapping[str, os.PathLike | str] | None = None, defaults: bool = True):
        paths = [os.fspath(p) for p in plugin_path]
        for p in paths:
            if not os.path.exists(p):
                warnings.warn(f"plugin_path entry {p!r} does not exist, so no plugin is loaded "
                              "from it; check the path (a folder of plugins or one plugin file)",
                              stacklevel=2)
        self._native = _native.Registry(paths, {k: os.fspath(v) for k, v in (neurons or {}).items()},
                                        defaults)

    @property
    def search_path(self) -> list[str]:
        """The folders and files searched, in order."""
        return [os.fspath(p) for p in self._native.search_path()]

    @property
    def failures(self) -> list[tuple[str, str]]:
        """Each plugin file that could not be loaded, with why: (file, message)."""
        return self._native.failures()

    def types(self) -> list[TypeInfo]:
        """Every type known, sorted by id."""
        return [self.describe(i) for i in self._native.type_ids()]

    def type_ids(self) -> list[str]:
        """The ids ("vendor.class_ref") of every type known, sorted."""
        return self._native.type_ids()

    def describe(self, name: str) -> TypeInfo:
        """The type `name` names: "vendor.class_ref", or a bare class_ref (Spark's first)."""
        return TypeInfo._of(self._native.describe(name))


_default: Registry | None = None


def default_registry() -> Registry:
    """The registry of the built-in plugins, SPARK_PLUGIN_PATH and SPARK_NEURON_PATH (loaded
    once per process)."""
    global _default
    if _default is None:
        _default = Registry()
    return _default


def registry_of(registry: Registry | None, plugin_path: Iterable | None) -> Registry:
    """The registry a call asked for: `registry`, one with `plugin_path`, or the default."""
    if registry is not None and plugin_path:
        raise ValueError("give registry= or plugin_path=, not both")
    if registry is not None:
        return registry
    if plugin_path:
        return Registry(plugin_path)
    return default_registry()
