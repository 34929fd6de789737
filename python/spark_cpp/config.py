# SPDX-License-Identifier: Apache-2.0
"""Brain configs: upstream Spark's `.scfg` files (both schemas), validation, module configs,
merge and diff (docs/python.md section 3)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, NamedTuple

from . import _native
from .errors import ConfigError
from .registry import Registry, registry_of


class Problem(NamedTuple):
    """One problem of a config: where ("brain/A_ex/inputs/in_spikes[1]") and what."""

    path: str
    message: str


@dataclass(frozen=True)
class ModuleSpec:
    """One module of a brain as its file states it: type, wiring and the config values given."""

    name: str
    class_ref: str
    inputs: dict  # input port -> ["origin.port", ...] ("__call__.drive" is a brain input)
    config: dict  # the values the file gives; module_config() resolves the defaults too


def _json_default(value: Any) -> Any:
    # numpy arrays and scalars (tolist and item give plain Python values)
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"a config value must be a number, string, list or dict, got {type(value).__name__}")


def _nested(changes: Mapping[str, Any]) -> dict:
    """Upstream's folding of "a__b" keys into nested dicts ("_s_" shared keys stay where they
    are: the module config applies them at every depth)."""
    out: dict = {}
    for key, value in changes.items():
        if isinstance(value, Mapping):
            value = _nested(value)
        parts = [key] if key.startswith("_s_") else key.split("__")
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        if isinstance(value, dict) and isinstance(target.get(parts[-1]), dict):
            target[parts[-1]] = _merged(target[parts[-1]], value)
        else:
            target[parts[-1]] = value
    return out


def _merged(base: dict, changes: dict) -> dict:
    """`changes` over `base`, recursively; a nested config naming another type replaces the old
    one whole (the fields of one type mean nothing to another)."""
    out = dict(base)
    for key, value in changes.items():
        old = out.get(key)
        if (isinstance(value, dict) and isinstance(old, dict)
                and value.get("__class_ref__", old.get("__class_ref__")) == old.get("__class_ref__")):
            out[key] = _merged(old, value)
        else:
            out[key] = value
    return out


def _walk(values: Any, path: str) -> Any:
    for part in path.split("/"):
        if not isinstance(values, dict) or part not in values:
            return None
        values = values[part]
    return values


class ModuleConfig:
    """One module's config as the brain resolves it: every field, defaults filled in.

    `config["soma"]["threshold"]`, `config["soma__threshold"]` or `config["soma/threshold"]`
    read a value; a nested config reads as a dict with its "__class_ref__".
    """

    def __init__(self, native: _native.ModuleConfig):
        self._native = native

    @property
    def type_id(self) -> str:
        return self._native.type_id

    def to_dict(self) -> dict:
        """Upstream's to_dict(): "seed", "dtype", "dt", then every field of the type."""
        return json.loads(self._native.to_json())

    def __getitem__(self, field: str) -> Any:
        values = self.to_dict()
        for part in field.replace("__", "/").split("/"):
            if not isinstance(values, dict) or part not in values:
                raise KeyError(f"{self.type_id} has no field {field!r}; its fields are "
                               + ", ".join(repr(k) for k in self.to_dict()))
            values = values[part]
        return values

    def __iter__(self):
        return iter(self.to_dict())

    def diff(self, other: "ModuleConfig") -> dict[str, tuple[Any, Any]]:
        """Upstream's diff(): each field path ("soma/threshold") whose values differ, with
        (this value, other value)."""
        mine, theirs = self.to_dict(), other.to_dict()
        return {p: (_walk(mine, p), _walk(theirs, p)) for p in self._native.diff(other._native)}

    def inspect(self) -> str:
        """Upstream's inspect(): an indented tree of every field and its value."""
        return self._native.inspect()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ModuleConfig) and self._native == other._native

    def __repr__(self) -> str:
        return f"ModuleConfig({self.type_id}, {self._native.to_json()})"


class BrainConfig:
    """A brain: its inputs, outputs and modules with their wiring and configs, as upstream
    Spark's `.scfg` files hold them (af523a5's schema and upstream 1.0's)."""

    def __init__(self, native: _native.BrainConfig):
        self._native = native

    @classmethod
    def from_file(cls, file: os.PathLike | str, compat: bool = False) -> "BrainConfig":
        """Reads a plain or xz-compressed `.scfg` file. `compat` reads it as upstream writes it:
        unknown keys are dropped with a warning each instead of being problems."""
        return cls(_native.BrainConfig.from_file(os.fspath(file), compat))

    @classmethod
    def from_json(cls, text: str, compat: bool = False) -> "BrainConfig":
        return cls(_native.BrainConfig.from_json(text, compat))

    def to_json(self) -> str:
        return self._native.to_json()

    def to_file(self, file: os.PathLike | str, xz: bool = False) -> None:
        """Writes the `.scfg` file atomically (plain JSON, or xz as upstream 1.0 writes it)."""
        self._native.to_file(os.fspath(file), xz)

    def copy(self) -> "BrainConfig":
        return BrainConfig(self._native.copy())

    @property
    def schema(self) -> str:
        """"af523a5" or "upstream_1_0": the schema it was read in and is written back in."""
        return self._native.schema

    @property
    def inputs(self) -> dict:
        """Brain input name -> its payload_type, shape (None until given, upstream 1.0), dtype."""
        return self._native.inputs

    @property
    def outputs(self) -> dict:
        """Brain output name -> its spec and "source" ("module.port")."""
        return self._native.outputs

    @property
    def modules(self) -> dict[str, ModuleSpec]:
        """Module name -> its ModuleSpec, in file order."""
        return {m["name"]: ModuleSpec(m["name"], m["class_ref"], m["inputs"],
                                      json.loads(m["config_json"]))
                for m in self._native.modules}

    def validate(self, registry: Registry | None = None, plugin_path: Iterable | None = None
                 ) -> list[Problem]:
        """Every problem at once, each with its path; empty when the brain can be built."""
        plugins = registry_of(registry, plugin_path)
        return [Problem(*p) for p in self._native.validate(plugins._native)]

    def module_config(self, name: str, registry: Registry | None = None) -> ModuleConfig:
        """Module `name`'s config as the brain resolves it (its type's defaults filled in)."""
        plugins = registry_of(registry, None)
        return ModuleConfig(self._native.module_config(plugins._native, name))

    def set_input_shape(self, name: str, shape: Iterable[int]) -> None:
        """Gives an input its shape (upstream 1.0 files store none)."""
        self._native.set_input_shape(name, [int(s) for s in shape])

    def refresh_seeds(self, seed: int | None = None) -> None:
        """Upstream's refresh_seeds(): new seeds everywhere; the same `seed` gives the same."""
        self._native.refresh_seeds(seed)

    def merge(self, partial: Mapping[str, Any], registry: Registry | None = None) -> None:
        """Upstream's merge(), per module: `{"A_ex": {"soma__threshold": -45.0}}` or
        `{"A_ex__soma__threshold": -45.0}` sets values of module A_ex's config ("a__b" paths
        and "_s_" shared keys as in upstream's configs). Every change is checked against the
        module's type first: on any problem, a ConfigError lists them all and nothing changes.
        """
        plugins = registry_of(registry, None)
        by_module: dict[str, dict] = {}
        for key, value in partial.items():
            module, _, rest = key.partition("__")
            changes = by_module.setdefault(module, {})
            if rest:
                changes[rest] = value
            elif isinstance(value, Mapping):
                changes.update(value)
            else:
                raise TypeError(f"merge: {key!r} names a module; give it a dict of changes, or "
                                f"name a field as '{key}__FIELD'")
        specs = self.modules
        edited = self._native.copy()
        problems: list = []
        for module, changes in by_module.items():
            if module not in specs:
                raise KeyError(f"merge: the brain has no module {module!r}; its modules are "
                               + ", ".join(repr(m) for m in specs))
            config = _merged(specs[module].config, _nested(changes))
            try:
                edited.set_module_config(plugins._native, module,
                                         json.dumps(config, default=_json_default))
            except ConfigError as e:
                problems.extend(e.problems)
        if problems:
            raise ConfigError("merge: the changes have problems (nothing was changed):\n"
                              + "\n".join(f"{p}: {m}" for p, m in problems), problems)
        self._native = edited

    def diff(self, other: "BrainConfig", registry: Registry | None = None
             ) -> dict[str, tuple[Any, Any]]:
        """Each difference to `other`: path -> (this value, other value), None where one side has
        nothing. Paths: "inputs/NAME", "outputs/NAME", "modules/NAME" (only one side has it),
        "modules/NAME/class_ref", "modules/NAME/inputs/PORT", "modules/NAME/config/FIELD/..."
        (module configs compared as the brain resolves them, defaults included)."""
        out: dict[str, tuple[Any, Any]] = {}

        def compare(prefix: str, mine: Mapping, theirs: Mapping) -> None:
            for name in list(mine) + [n for n in theirs if n not in mine]:
                a, b = mine.get(name), theirs.get(name)
                if a != b:
                    out[f"{prefix}/{name}"] = (a, b)

        compare("inputs", self.inputs, other.inputs)
        compare("outputs", self.outputs, other.outputs)
        mine, theirs = self.modules, other.modules
        for name in list(mine) + [n for n in theirs if n not in mine]:
            a, b = mine.get(name), theirs.get(name)
            if a is None or b is None:
                out[f"modules/{name}"] = (a, b)
                continue
            if a.class_ref != b.class_ref:
                out[f"modules/{name}/class_ref"] = (a.class_ref, b.class_ref)
            compare(f"modules/{name}/inputs", a.inputs, b.inputs)
            try:
                config_a = self.module_config(name, registry)
                config_b = other.module_config(name, registry)
            except ConfigError:
                if a.config != b.config:  # one of them is invalid: compare what the files say
                    out[f"modules/{name}/config"] = (a.config, b.config)
                continue
            for path, values in config_a.diff(config_b).items():
                out[f"modules/{name}/config/{path}"] = values
        return out

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BrainConfig) and self._native == other._native

    def __repr__(self) -> str:
        return (f"BrainConfig({self.schema}, inputs={list(self.inputs)}, "
                f"modules={list(self.modules)}, outputs={list(self.outputs)})")
