# SPDX-License-Identifier: Apache-2.0
"""Long runs: run() releases the GIL, Ctrl-C stops it within 100 ms and leaves the brain usable,
and progress shows when asked."""

import os
import signal
import subprocess
import sys
import threading
import time
import textwrap

import pytest

import spark_cpp
from conftest import BUILD, EI_NETWORK

CHILD = textwrap.dedent(f"""
    import sys, time
    import spark_cpp
    brain = spark_cpp.Brain({str(EI_NETWORK)!r}, seed=1)
    brain.run(20, inputs={{"drive": 0.5}})
    print("running", flush=True)
    try:
        brain.run(10_000_000, inputs={{"drive": 0.5}}, record=["activity"])
    except KeyboardInterrupt as interrupted:
        caught = time.monotonic()
        done = brain.step_index - 20
        rows = interrupted.recorded["activity"].shape[0]
        brain.step({{"drive": 0.5}})
        print(caught, done, rows, brain.step_index, flush=True)
""")


def test_ctrl_c_stops_a_run_within_100_ms_and_the_brain_stays_usable():
    env = {**os.environ, "PYTHONPATH": str(BUILD / "python")}
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True,
                             env=env)
    try:
        assert child.stdout.readline().strip() == "running"
        time.sleep(0.5)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        line = child.stdout.readline().split()
        assert child.wait(timeout=30) == 0
    finally:
        child.kill()
    caught, done, rows, index_after = float(line[0]), int(line[1]), int(line[2]), int(line[3])
    assert caught - sent < 0.1, f"KeyboardInterrupt {caught - sent:.3f} s after SIGINT"
    assert done > 0
    assert rows == done  # what was recorded is attached, one row per completed step
    assert index_after == 20 + done + 1  # the brain went on stepping


def test_run_releases_the_gil():
    brain = spark_cpp.Brain(EI_NETWORK, seed=1)
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.001)

    thread = threading.Thread(target=tick)
    thread.start()
    start = time.monotonic()
    brain.run(1500, inputs={"drive": 0.5})
    end = time.monotonic()
    stop.set()
    thread.join()
    during = [t for t in ticks if start < t < end]
    # The other thread ran all along, not only at the 20 ms signal checks.
    assert len(during) > (end - start) / 0.02 * 2


def test_progress_reports_steps_done():
    brain = spark_cpp.Brain(EI_NETWORK, seed=1)
    seen = []
    brain.run(600, inputs={"drive": 0.5}, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (600, 600)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_progress_true_shows_a_bar(capsys):
    brain = spark_cpp.Brain(EI_NETWORK, seed=1)
    brain.run(300, inputs={"drive": 0.5}, progress=True)
    assert "300/300" in capsys.readouterr().err
