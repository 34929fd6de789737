# SPDX-License-Identifier: Apache-2.0
"""Plots of recorded spikes for notebooks and scripts (matplotlib): a spike raster and
population rates over time. Each takes what Brain.run() records, an array of shape
(steps, *population shape) of 0/1 spikes, and returns the matplotlib Axes it drew on."""

from __future__ import annotations

from typing import Mapping

import numpy as np


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(8, 3.5))[1]


def _spike_matrix(spikes) -> np.ndarray:
    spikes = np.asarray(spikes)
    if spikes.ndim < 1:
        raise ValueError("spikes must have a step axis first: shape (steps, *population shape)")
    return spikes.reshape(spikes.shape[0], -1)


def raster(spikes, dt: float = 1.0, ax=None, window: tuple[int, int] | None = None,
           title: str | None = None, color: str = "black", markersize: float = 1.5):
    """A spike raster: a dot at (time in ms, neuron) for every spike of `spikes` (steps, ...),
    neurons numbered row-major. `window` = (first step, last step) draws part of the run."""
    matrix = _spike_matrix(spikes)
    first, last = window if window is not None else (0, matrix.shape[0])
    steps, neurons = np.nonzero(matrix[first:last])
    ax = _axes(ax)
    ax.plot((steps + first) * dt, neurons, linestyle="none", marker="|", color=color,
            markersize=markersize * 3)
    ax.set_xlim(first * dt, last * dt)
    ax.set_ylim(-0.5, matrix.shape[1] - 0.5)
    ax.set_xlabel("time [ms]")
    ax.set_ylabel("neuron")
    ax.set_title(title or f"{len(steps)} spikes of {matrix.shape[1]} neurons")
    return ax


def population_rate(spikes, dt: float = 1.0, bin_ms: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    """(bin start times [ms], mean rate per neuron [Hz]) of `spikes` in bins of `bin_ms`."""
    matrix = _spike_matrix(spikes)
    per_bin = max(1, int(round(bin_ms / dt)))
    bins = matrix.shape[0] // per_bin
    if bins == 0:
        raise ValueError(f"the recording has {matrix.shape[0]} steps, fewer than one bin of "
                         f"{bin_ms} ms ({per_bin} steps); pass a smaller bin_ms")
    counts = matrix[: bins * per_bin].reshape(bins, per_bin, -1).sum(axis=(1, 2))
    rate = counts / (matrix.shape[1] * per_bin * dt * 1e-3)
    return np.arange(bins) * per_bin * dt, rate


def rates(spikes, dt: float = 1.0, bin_ms: float = 10.0, ax=None, title: str | None = None):
    """Population rates over time [Hz], one line per population: `spikes` is one recording
    (steps, ...) or a dict name -> recording (e.g. what Brain.run() returns; only its spike
    recordings, the uint8 ones, are drawn)."""
    populations = spikes if isinstance(spikes, Mapping) else {"population": spikes}
    ax = _axes(ax)
    drawn = 0
    for name, recording in populations.items():
        recording = np.asarray(recording)
        if isinstance(spikes, Mapping) and recording.dtype != np.uint8:
            continue
        times, rate = population_rate(recording, dt, bin_ms)
        ax.plot(times, rate, label=f"{name} ({rate.mean():.1f} Hz)")
        drawn += 1
    if drawn == 0:
        raise ValueError("no spike recording to draw (spikes are uint8 arrays of 0/1)")
    ax.set_xlabel("time [ms]")
    ax.set_ylabel(f"rate [Hz], {bin_ms:g} ms bins")
    ax.set_title(title or "population rates")
    ax.legend(loc="upper right", fontsize="small")
    return ax
