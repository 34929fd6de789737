# SPDX-License-Identifier: Apache-2.0
"""Brains: built from a BrainConfig, stepped one step at a time with numpy arrays in and out, or
run for many steps without the GIL (docs/python.md section 4)."""

from __future__ import annotations

import os
from typing import Any, Callable, Iterable, Mapping

import numpy as np

from . import _native
from .config import BrainConfig
from .registry import Registry, registry_of

Inputs = Mapping[str, Any]


def _as_dict(inputs: Any) -> dict:
    if not isinstance(inputs, Mapping):
        raise TypeError("inputs must be a mapping of brain input name -> number, array (or, in "
                        f"run(), callable), got {type(inputs).__name__}")
    return dict(inputs)


class Brain:
    """A brain built from `config` (a BrainConfig or a `.scfg` file) with upstream Spark's
    cache-synchronous step semantics, bit for bit what `spark run` computes.

    `seed` replaces every seed as `spark run --seed` does. Plugins come from `registry`, or from
    `plugin_path` (like `--plugin-path`) and the built-in plugins. `executor` is "auto" (the
    fastest of three ways, measured), "flow_graph" or "sequential"; `threads` 0 means all cores.
    With `strict_numerics` a NaN or infinite output fails the step instead of being reported in
    `numerics_reports`.
    """

    def __init__(self, config: BrainConfig | os.PathLike | str, *, seed: int | None = None,
                 registry: Registry | None = None, plugin_path: Iterable | None = None,
                 executor: str = "auto", threads: int = 0, strict_numerics: bool = False):
        if not isinstance(config, BrainConfig):
            config = BrainConfig.from_file(config)
        native = config._native
        if seed is not None:
            native = native.copy()
            native.refresh_seeds(seed)
        self.registry = registry_of(registry, plugin_path)
        self._brain = _native.Brain(native, self.registry._native, executor, threads,
                                    strict_numerics)

    @classmethod
    def from_checkpoint(cls, file: os.PathLike | str, *, registry: Registry | None = None,
                        plugin_path: Iterable | None = None, executor: str = "auto",
                        threads: int = 0, accept_other_builds: bool = False) -> "Brain":
        """The brain a checkpoint holds, stepping on bit for bit as the saved one would have."""
        brain = cls.__new__(cls)
        brain.registry = registry_of(registry, plugin_path)
        brain._brain = _native.Brain.from_checkpoint(brain.registry._native, os.fspath(file),
                                                     executor, threads, accept_other_builds)
        return brain

    def step(self, inputs: Inputs | None = None, /, **named: Any) -> dict[str, np.ndarray]:
        """One step. `inputs` (or keywords) give brain inputs their values for this step: a
        number (broadcast to the input's shape) or an array of its shape; an input not given
        keeps its last value (zeros after reset). Returns every brain output, as new arrays
        (spikes as 0/1 uint8)."""
        if named:
            inputs = {**(inputs or {}), **named}
        elif inputs is not None and not isinstance(inputs, dict):
            inputs = _as_dict(inputs)
        return self._brain.step(inputs)

    def run(self, steps: int, inputs: Inputs | None = None, record: Iterable[str] | str = (),
            progress: bool | Callable[[int, int], None] = False) -> dict[str, np.ndarray]:
        """Runs `steps` steps without holding the GIL and returns what `record` names, as
        `spark run --record` does: "MODULE.PORT", "MODULE" (all its outputs), "MODULE.PROPERTY"
        or a brain output's name, each an array of shape (steps, *shape) (spikes as 0/1 uint8).

        Each input is a number or an array of the input's shape (held every step), an array of
        shape (rows, *shape) (row t at step t, the last row holding after the end), or a
        callable taking the step of this run (0, 1, ...) and returning the value.

        Ctrl-C stops the run after the step in progress (within 20 ms of wall time after it) and
        raises KeyboardInterrupt, whose `recorded` holds the steps done; the brain stays usable.
        `progress=True` shows a progress bar (tqdm: terminal or notebook); a callable gets
        (steps done, steps) instead.
        """
        if isinstance(record, str):
            record = [record]
        report = None
        bar = None
        if progress is True:
            from tqdm.auto import tqdm

            bar = tqdm(total=steps, unit="step")
            report = lambda done: bar.update(done - bar.n)  # noqa: E731
        elif callable(progress):
            report = lambda done: progress(done, steps)  # noqa: E731
        try:
            return self._brain.run(int(steps), _as_dict(inputs or {}), list(record), report)
        finally:
            if bar is not None:
                bar.close()

    def reset(self) -> None:
        """Every module and the cache back to their initial state; step_index back to 0; brain
        inputs zeroed. Needed after a StepError."""
        self._brain.reset()

    @property
    def step_index(self) -> int:
        """Steps completed since the brain was built or last reset."""
        return self._brain.step_index

    @property
    def dt(self) -> float:
        """The time step, in ms."""
        return self._brain.dt

    @property
    def inputs(self) -> dict:
        """Brain input name -> {"shape", "dtype", "payload"}."""
        return self._brain.input_specs

    @property
    def outputs(self) -> dict:
        """Brain output name -> {"shape", "dtype", "payload"}."""
        return self._brain.output_specs

    @property
    def modules(self) -> list[dict]:
        """What was built for each module: name, type_id, seed, inputs, outputs, parts."""
        return self._brain.modules

    @property
    def executor_in_use(self) -> str:
        return self._brain.executor_in_use

    @property
    def numerics_reports(self) -> list[dict]:
        """Each module output port that has held NaN or an infinity, first occurrence."""
        return self._brain.numerics_reports

    @property
    def config(self) -> BrainConfig:
        """The config this brain was built from."""
        return BrainConfig(self._brain.config)

    def cached(self, module: str, port: str) -> np.ndarray:
        """A read-only view of what the cache holds for a module's output port after the last
        step (raw bytes for spikes: bit 0 a spike, bit 1 an inhibitory neuron). No copy: the
        brain writes this memory again two steps later, so copy it (np.array(view)) to keep it.
        The view keeps the brain's memory alive, also after the Brain is gone."""
        return self._brain.cached(module, port)

    def output_view(self, name: str) -> np.ndarray:
        """A read-only view of a brain output after the last step (as cached())."""
        return self._brain.output_view(name)

    def read_property(self, module: str, name: str) -> np.ndarray:
        """A copy of a module's property (e.g. "soma.potential", "synapses.kernel")."""
        return self._brain.read_property(module, name)

    def checkpoint(self, file: os.PathLike | str, overwrite: bool = False) -> None:
        """Writes a checkpoint atomically; Brain.from_checkpoint() goes on from it."""
        self._brain.checkpoint(os.fspath(file), overwrite)

    def __repr__(self) -> str:
        return (f"Brain(step_index={self.step_index}, inputs={list(self.inputs)}, "
                f"outputs={list(self.outputs)})")
