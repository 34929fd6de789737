#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Cart-pole balanced by upstream Spark 1.0's tutorial brain, with reward-modulated plasticity.

What: the classic cart-pole task (Barto, Sutton and Anderson 1983; gym's CartPole-v1 constants),
written out in numpy, controlled by examples/brains/upstream-v1/ab_brain.scfg: a topological spiker
encodes the four state values, two excitatory ALIF populations (A: push left, B: push right) compete
through two inhibitory ones, and an exponential integrator's two outputs pick the action (argmax).
Every population learns with the quadruplet tensor rule (docs/models.md section 6.5), whose
updates the brain inputs mod_a_ex, mod_b_ex, mod_a_in and mod_b_in scale: the third factor, through
which the failure of an episode gives its negative reward to the side that should not have won.

Why: it is upstream's cart-pole tutorial (its cartpole.ipynb) in Spark C++'s terms, driven from
Python through spark_cpp, with the dynamics in plain numpy so that nothing but numpy is needed. It
prints every episode's length and, at the end, compares the first and last episodes with a random
policy run on the same initial states: the honest baseline (examples/python/README.md has the
numbers).

    PYTHONPATH=build/release/python python3 examples/python/cartpole.py [--episodes 60] [--seed 1]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

import spark_cpp as sc

REPO = Path(__file__).resolve().parents[2]
BRAIN_FILE = REPO / "examples" / "brains" / "upstream-v1" / "ab_brain.scfg"
NEURON_FILE = REPO / "examples" / "brains" / "upstream-v1" / "alif_mod_neuron.scfg"

# ---- cart-pole: gym's CartPole-v1, explicit Euler ------------------------------------------------

GRAVITY = 9.8  # m/s^2
MASS_CART = 1.0  # kg
MASS_POLE = 0.1  # kg
TOTAL_MASS = MASS_CART + MASS_POLE
HALF_LENGTH = 0.5  # m (gym's `length` is half the pole's length)
POLE_MOMENT = MASS_POLE * HALF_LENGTH
FORCE = 10.0  # N, pushed left (action 0) or right (action 1)
TAU = 0.02  # s per step
X_LIMIT = 2.4  # m
THETA_LIMIT = 12 * 2 * math.pi / 360  # rad
MAX_STEPS = 500  # CartPole-v1's time limit


def initial_state(seed: int, episode: int) -> np.ndarray:
    """x, x_dot, theta, theta_dot uniform in [-0.05, 0.05]. One generator per (seed, episode), so
    the brain and the random policy start every episode from the same state."""
    return np.random.default_rng([seed, episode]).uniform(-0.05, 0.05, size=4)


def physics_step(state: np.ndarray, action: int) -> np.ndarray:
    """One step of the Barto/Sutton/Anderson equations, as gym's CartPole-v1 writes them."""
    x, x_dot, theta, theta_dot = state
    force = FORCE if action == 1 else -FORCE
    cos, sin = math.cos(theta), math.sin(theta)
    temp = (force + POLE_MOMENT * theta_dot**2 * sin) / TOTAL_MASS
    theta_acc = (GRAVITY * sin - cos * temp) / (
        HALF_LENGTH * (4.0 / 3.0 - MASS_POLE * cos**2 / TOTAL_MASS))
    x_acc = temp - POLE_MOMENT * theta_acc * cos / TOTAL_MASS
    return np.array([x + TAU * x_dot, x_dot + TAU * x_acc,
                     theta + TAU * theta_dot, theta_dot + TAU * theta_acc])


def failed(state: np.ndarray) -> bool:
    return abs(state[0]) > X_LIMIT or abs(state[2]) > THETA_LIMIT


def run_episode(state: np.ndarray, choose, learn_failure=None) -> int:
    """Steps the cart-pole from `state` with `choose(state) -> action` until it fails or reaches
    MAX_STEPS; returns the number of steps survived. On a failure, `learn_failure(last observed
    state, failed state)` gets to learn from it."""
    for steps in range(MAX_STEPS):
        new_state = physics_step(state, choose(state))
        if failed(new_state):
            if learn_failure is not None:
                learn_failure(state, new_state)
            return steps + 1
        state = new_state
    return MAX_STEPS


def pushed_right_would_have_helped(state: np.ndarray) -> bool:
    """Upstream's `steer_to_b`: should B (push right) have won? When the cart left the track with
    the pole nearly upright, it should have gone back: right if it left on the left. Otherwise the
    pole was falling and the cart should have moved under it: right if the pole fell towards
    positive angles (gym's positive force makes theta's acceleration negative)."""
    x, _, theta, _ = state
    upright = abs(theta) < THETA_LIMIT / 2
    return (x < -X_LIMIT and upright) or (not upright and theta > 0)


# ---- the brain -----------------------------------------------------------------------------------

# The state's typical ranges: position and angle up to the failure limits, speeds up to what the
# task reaches before failing. The spiker codes [-1, 1] (its mins and maxs), so the rest is clipped.
OBSERVATION_SCALE = np.array([X_LIMIT, 2.5, 0.2095, 3.5])
MODULATIONS = ("mod_a_ex", "mod_b_ex", "mod_a_in", "mod_b_in")
INHIBITORY_SHARE = 0.25  # the inhibitory populations learn at a quarter of their side's modulation


def encode(state: np.ndarray) -> np.ndarray:
    return np.clip(state / OBSERVATION_SCALE, -1.0, 1.0).astype(np.float32)


def build_brain(seed: int) -> sc.Brain:
    """The tutorial brain with upstream's neuron file registered (`spark --neuron NAME=FILE`)."""
    registry = sc.Registry(neurons={"alif_mod_neuron": NEURON_FILE})
    config = sc.BrainConfig.from_file(BRAIN_FILE)
    # Upstream 1.0 files store no input shapes: a 4-value observation and one modulation each.
    config.set_input_shape("signal", [4])
    for name in MODULATIONS:
        config.set_input_shape(name, [1])
    # `seed` replaces every seed of the file, so each --seed is another network.
    return sc.Brain(config, registry=registry, seed=seed)


class Agent:
    """Upstream's training loop: per cart-pole step, `brain_steps` brain steps with the observation
    held and every modulation multiplied by `decay` after each step. mod_a_* go to the A (left)
    populations, mod_b_* to the B (right) ones."""

    def __init__(self, brain: sc.Brain, brain_steps: int, scale: float):
        self.brain = brain
        self.brain_steps = brain_steps
        self.passive = -0.0001 * scale  # a slow drift while the pole stays up
        self.punishment = -25.0 * scale  # the failure's reward
        self.pushes = [0, 0]  # left, right, since the last prepare()

    def _run(self, observation: np.ndarray, mod_a: float, mod_b: float, decay: float) -> int:
        # Row t of each modulation is its value at brain step t (run() holds the last row after).
        fade = decay ** np.arange(self.brain_steps, dtype=np.float32)[:, None]
        values = (mod_a, mod_b, INHIBITORY_SHARE * mod_a, INHIBITORY_SHARE * mod_b)
        inputs = {name: value * fade for name, value in zip(MODULATIONS, values)}
        inputs["signal"] = observation
        action = self.brain.run(self.brain_steps, inputs, record="action")["action"]
        # A's integrator output is action[0] (push left), B's action[1] (push right); the last
        # step's trace is what the populations settled on.
        return int(np.argmax(action[-1]))

    def prepare(self) -> None:
        """Before each episode: a run on the code of the centred, upright state (signal 0) with
        the modulation cut after the first step, so that the activity of the failure fades
        without learning from it."""
        self._run(np.zeros(4, np.float32), self.passive, self.passive, 0.0)
        self.pushes = [0, 0]

    def choose(self, state: np.ndarray) -> int:
        action = self._run(encode(state), self.passive, self.passive, 1.0)
        self.pushes[action] += 1
        return action

    def learn_failure(self, last_state: np.ndarray, failed_state: np.ndarray) -> None:
        """The reward of the failure: the side that should have lost gets it as its modulation,
        the other side a tenth of it with the sign flipped, on the observation the failing action
        was chosen on; the modulation fades with a time constant of half a step (ms)."""
        reward = self.punishment
        if pushed_right_would_have_helped(failed_state):
            mod_a, mod_b = reward, -0.1 * reward
        else:
            mod_a, mod_b = -0.1 * reward, reward
        self._run(encode(last_state), mod_a, mod_b, math.exp(-1 / 0.5))


# ---- main ----------------------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=60, help="episodes to train (default 60; "
                        "upstream's tutorial runs 150)")
    parser.add_argument("--seed", type=int, default=1, help="seeds the initial states, the brain "
                        "and the random policy (default 1)")
    parser.add_argument("--brain-steps", type=int, default=10, help="brain steps (ms) per "
                        "cart-pole step (default 10; upstream's tutorial uses 50)")
    parser.add_argument("--scale", type=float, default=0.1, help="multiplies every modulation, "
                        "upstream's `scale` (default 0.1)")
    parser.add_argument("--window", type=int, default=20, help="the summary compares the first "
                        "and last this many episodes (default 20)")
    parser.add_argument("--quiet", action="store_true", help="print only the summary")
    parser.add_argument("--verbose", action="store_true", help="keep the runtime's warnings "
                        "(upstream's float16 runs as float32: one per module and part)")
    args = parser.parse_args(argv)
    if min(args.episodes, args.brain_steps, args.window) < 1:
        parser.error("--episodes, --brain-steps and --window must be at least 1")
    return args


def train(args: argparse.Namespace) -> tuple[list[int], int]:
    """Trains a new brain for `args.episodes` episodes; returns their lengths and the brain steps
    run."""
    agent = Agent(build_brain(args.seed), args.brain_steps, args.scale)
    lengths = []
    for episode in range(args.episodes):
        agent.prepare()
        length = run_episode(initial_state(args.seed, episode), agent.choose, agent.learn_failure)
        lengths.append(length)
        if not args.quiet:
            # The share of right pushes shows a one-sided policy (0 % or 100 %) at a glance.
            right = agent.pushes[1] / max(1, sum(agent.pushes))
            print(f"episode {episode + 1:4d}: {length:3d} steps, {right:4.0%} pushed right",
                  flush=True)
    return lengths, agent.brain.step_index


def baseline(args: argparse.Namespace, choose) -> list[int]:
    """A fixed policy's episode lengths from the same initial states as the brain's."""
    return [run_episode(initial_state(args.seed, e), choose) for e in range(args.episodes)]


def summary(name: str, lengths: list[int], window: int) -> str:
    window = min(window, len(lengths))
    first, last = np.mean(lengths[:window]), np.mean(lengths[-window:])
    return (f"{name:>16}: mean {np.mean(lengths):5.1f} steps; first {window}: {first:5.1f}, "
            f"last {window}: {last:5.1f}")


def main(argv=None) -> int:
    args = parse_args(argv)
    if not args.verbose:
        # The 1.0 files ask for float16, which runs as float32: 32 warnings that say only that.
        sc.set_log_level("error")
    started = time.perf_counter()
    learned, brain_steps = train(args)
    seconds = time.perf_counter() - started
    # The honest baseline: a fair coin per step. Pushing one way only is what an untrained
    # brain does when one side always wins.
    coin = np.random.default_rng([args.seed, 1 << 20])
    random_lengths = baseline(args, lambda state: int(coin.integers(2)))
    left_lengths = baseline(args, lambda state: 0)
    print(summary("brain", learned, args.window))
    print(summary("random policy", random_lengths, args.window))
    print(summary("always left", left_lengths, args.window))
    print(f"{args.episodes} episode(s), {sum(learned)} cart-pole steps, {brain_steps} brain steps "
          f"in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
