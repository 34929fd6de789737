# SPDX-License-Identifier: Apache-2.0
"""spark_cpp.plot renders rasters and population rates to PNG files (matplotlib, Agg)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import spark_cpp  # noqa: E402
from conftest import EI_NETWORK  # noqa: E402


@pytest.fixture(scope="module")
def recorded():
    brain = spark_cpp.Brain(EI_NETWORK, seed=4)
    return brain.run(500, inputs={"drive": 0.5}, record=["excitatory", "inhibitory", "activity"])


def test_raster_draws_every_spike_to_a_png(recorded, tmp_path):
    spikes = recorded["excitatory.out_spikes"]
    ax = spark_cpp.plot.raster(spikes, dt=1.0)
    times, neurons = ax.lines[0].get_data()
    assert len(times) == int(spikes.sum())
    steps, expected = np.nonzero(spikes)
    assert np.array_equal(neurons, expected) and np.array_equal(times, steps * 1.0)
    ax.figure.savefig(tmp_path / "raster.png")
    assert (tmp_path / "raster.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plt.close(ax.figure)


def test_rates_are_spikes_per_neuron_per_second(recorded, tmp_path):
    ax = spark_cpp.plot.rates(recorded, dt=1.0, bin_ms=50.0)
    assert len(ax.lines) == 2  # the spike recordings only, not "activity"
    times, rate = ax.lines[0].get_data()
    spikes = recorded["excitatory.out_spikes"]
    # Bin k: its spikes / (800 neurons x 0.05 s).
    assert rate[3] == pytest.approx(spikes[150:200].sum() / (800 * 0.05))
    assert np.array_equal(times, np.arange(10) * 50.0)
    ax.figure.savefig(tmp_path / "rates.png")
    assert (tmp_path / "rates.png").stat().st_size > 1000
    plt.close(ax.figure)


def test_a_window_shorter_than_a_bin_says_so():
    with pytest.raises(ValueError, match="fewer than one bin"):
        spark_cpp.plot.population_rate(np.zeros((3, 4), np.uint8), bin_ms=10.0)
