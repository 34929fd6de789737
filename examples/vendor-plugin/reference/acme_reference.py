#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Reference numbers for acme's module types, in plain Python (standard library only).

Each scenario drives one module on its own: given input spikes per step, read its outputs and its
state arrays by name after each step. The arithmetic follows the plugin's operation by operation
(constants computed in double, then rounded to the compute type), so float64 runs of the plugin
match these numbers to the last bit or so, and float32 runs (--dtype float32, which rounds every
operation to float32) to within float32 rounding.

    python3 acme_reference.py                   # every scenario, float64, readable
    python3 acme_reference.py --json            # the same numbers as one JSON document
    python3 acme_reference.py --dtype float32   # float32 arithmetic

Scenarios (all with dt = 1 ms, inhibitory_rate 0, every other field at its default):
  qif_excitatory  acme.qif_neuron, units [1], kernel 200.0 (pA); the input (shape (1,)) is 1
                  (an excitatory spike) on every step.
  qif_inhibitory  the same with input 3 (a spike of an inhibitory neuron) on every step.
  lif_excitatory  acme.lif_neuron, units [1], kernel 1.0 (nS); input 1 on every step.
  lif_inhibitory  the same with input 3 on every step.
  rate_pattern    acme.rate_decoder, num_outputs 2, tau 10 ms, input shape (5,) (groups of 3 and
                  2 neurons), the 8-step pattern RATE_PATTERN.
  rate_saturated  acme.rate_decoder, num_outputs 2, tau 10 ms, input shape (5,), every input 1
                  on every step for 200 steps.
  inhibitory_mask which neurons carry bit1 for a given seed, units and inhibitory_rate.
"""
import argparse
import json
import math
import struct
import sys

STEPS = 100  # steps of each neuron scenario
TRAJECTORY = 10  # steps whose state is printed

# Defaults of the plugin's fields (examples/vendor-plugin/src/acme/*.hpp).
QIF = {
    "potential_tau": 10.0,
    "potential_rest": -65.0,
    "potential_critical": -50.0,
    "potential_peak": 30.0,
    "potential_reset": -70.0,
    "resistance": 0.1,
}
LIF = {
    "capacitance": 200.0,
    "leak_conductance": 10.0,
    "potential_rest": -60.0,
    "reversal_excitatory": 0.0,
    "reversal_inhibitory": -80.0,
    "tau_excitatory": 5.0,
    "tau_inhibitory": 10.0,
    "threshold": -50.0,
    "potential_reset": -60.0,
    "refractory_period": 2.0,
}

# rate_pattern's input, one row per step: bit0 = spike, bit1 = inhibitory (ignored by the decoder).
RATE_PATTERN = [
    [1, 0, 0, 0, 0],
    [1, 1, 0, 1, 0],
    [3, 1, 1, 0, 0],
    [0, 0, 0, 2, 2],
    [1, 1, 1, 1, 1],
    [0, 0, 0, 0, 0],
    [0, 0, 0, 3, 1],
    [0, 0, 0, 0, 0],
]


def rounding(dtype):
    """The rounding of one operation's result in the compute type."""
    if dtype == "float64":
        return lambda x: x
    pack = struct.Struct("f")
    return lambda x: pack.unpack(pack.pack(x))[0]


def qif(kernel, spike_input, dtype="float64", steps=STEPS, dt=1.0, p=QIF):
    """acme.qif_neuron with one unit and one presynaptic neuron sending `spike_input` every step.

    Returns the potential after each step (list) and the steps (0-based) at which it spiked."""
    r = rounding(dtype)
    k = r(dt / p["potential_tau"])
    a = r(1.0 / (p["potential_critical"] - p["potential_rest"]))
    rest, crit = r(p["potential_rest"]), r(p["potential_critical"])
    peak, reset, resistance = r(p["potential_peak"]), r(p["potential_reset"]), r(p["resistance"])
    w = r(kernel)
    v = rest
    potentials, spikes = [], []
    for t in range(steps):
        excitatory = r(0.0 + w) if spike_input & 3 == 1 else 0.0
        inhibitory = r(0.0 + w) if spike_input & 3 == 3 else 0.0
        current = r(excitatory - inhibitory)
        quadratic = r(r(r(a * r(v - rest)) * r(v - crit)) + r(resistance * current))
        v = r(v + r(k * quadratic))
        if v >= peak:
            spikes.append(t)
            v = reset
        potentials.append(v)
    return potentials, spikes


def exp_rounded(x, dtype):
    """exp in the compute type: float64 exp, or exp rounded to float32 (glibc's expf is correctly
    rounded in practice; a one-ulp difference is within any float32 tolerance)."""
    return rounding(dtype)(math.exp(x))


def lif(kernel, spike_input, dtype="float64", steps=STEPS, dt=1.0, p=LIF):
    """acme.lif_neuron with one unit and one presynaptic neuron sending `spike_input` every step.

    Returns per step the potential, g_e, g_i and refractory count after the step, and the spike
    steps."""
    r = rounding(dtype)
    decay_e = r(math.exp(-dt / p["tau_excitatory"]))
    decay_i = r(math.exp(-dt / p["tau_inhibitory"]))
    dt_over_c = r(dt / p["capacitance"])
    g_leak, e_leak = r(p["leak_conductance"]), r(p["potential_rest"])
    e_exc, e_inh = r(p["reversal_excitatory"]), r(p["reversal_inhibitory"])
    threshold, reset = r(p["threshold"]), r(p["potential_reset"])
    refractory = int(round(p["refractory_period"] / dt))  # Python rounds half to even, as the plugin
    leak_drive = r(g_leak * e_leak)
    w = r(kernel)
    v, ge, gi, countdown = e_leak, 0.0, 0.0, 0
    rows, spikes = [], []
    for t in range(steps):
        excitatory = r(0.0 + w) if spike_input & 3 == 1 else 0.0
        inhibitory = r(0.0 + w) if spike_input & 3 == 3 else 0.0
        ge = r(r(ge * decay_e) + excitatory)
        gi = r(r(gi * decay_i) + inhibitory)
        if countdown > 0:
            countdown -= 1
            v = reset
        else:
            g = r(r(g_leak + ge) + gi)
            v_inf = r(r(r(leak_drive + r(ge * e_exc)) + r(gi * e_inh)) / g)
            v = r(v_inf + r(r(v - v_inf) * exp_rounded(r(-dt_over_c * g), dtype)))
            if v >= threshold:
                spikes.append(t)
                v = reset
                countdown = refractory
        rows.append({"potential": v, "conductance_excitatory": ge,
                     "conductance_inhibitory": gi, "refractory": countdown})
    return rows, spikes


def rate_decoder(pattern, num_outputs, tau, dtype="float64", dt=1.0):
    """acme.rate_decoder over `pattern` (one list of spike bytes per step): the rates after each
    step."""
    r = rounding(dtype)
    n = len(pattern[0])
    if not 0 < num_outputs <= n:
        raise ValueError(f"num_outputs must be in [1, {n}], got {num_outputs}")
    alpha = math.exp(-dt / tau)
    base, extra = divmod(n, num_outputs)
    first = [0]
    gains = []
    for j in range(num_outputs):
        size = base + (1 if j < extra else 0)
        first.append(first[-1] + size)
        gains.append(r((1.0 - alpha) * 1000.0 / (size * dt)))
    decay = r(alpha)
    rates = [0.0] * num_outputs
    out = []
    for row in pattern:
        for j in range(num_outputs):
            count = sum(row[i] & 1 for i in range(first[j], first[j + 1]))
            rates[j] = r(r(decay * rates[j]) + r(gains[j] * float(count)))
        out.append(list(rates))
    return out


# --- the inhibitory mask: spark::sdk::random_stream (std::mt19937_64 seeded through SplitMix64)
MASK64 = (1 << 64) - 1


class Mt19937_64:
    """std::mt19937_64, as the C++ standard specifies it."""

    def __init__(self, seed):
        self.state = [seed & MASK64]
        for i in range(1, 312):
            prev = self.state[-1]
            self.state.append((6364136223846793005 * (prev ^ (prev >> 62)) + i) & MASK64)
        self.index = 312

    def __call__(self):
        if self.index >= 312:
            for i in range(312):
                y = (self.state[i] & 0xFFFFFFFF80000000) | (self.state[(i + 1) % 312] & 0x7FFFFFFF)
                x = self.state[(i + 156) % 312] ^ (y >> 1)
                if y & 1:
                    x ^= 0xB5026F5AA96619E9
                self.state[i] = x
            self.index = 0
        x = self.state[self.index]
        self.index += 1
        x ^= (x >> 29) & 0x5555555555555555
        x ^= (x << 17) & 0x71D67FFFEDA60000
        x ^= (x << 37) & 0xFFF7EEE000000000
        x ^= x >> 43
        return x & MASK64


def splitmix_finalise(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def inhibitory_mask(seed, n, rate):
    """1 for each inhibitory neuron: the first floor(n * rate) of a random permutation."""
    engine = Mt19937_64(splitmix_finalise(seed ^ splitmix_finalise(0 + 0x9E3779B97F4A7C15)))

    def below(m):
        limit = MASK64 - (MASK64 % m)
        x = engine()
        while x >= limit:
            x = engine()
        return x % m

    order = list(range(n))
    for i in range(n, 1, -1):
        j = below(i)
        order[i - 1], order[j] = order[j], order[i - 1]
    mask = [0] * n
    for k in range(min(int(math.floor(n * rate)), n)):
        mask[order[k]] = 1
    return mask


def self_test():
    """std::mt19937_64's 10000th output for the default seed, as the C++ standard states it."""
    engine = Mt19937_64(5489)
    for _ in range(9999):
        engine()
    assert engine() == 9981545732273789042, "Mt19937_64 does not follow the standard"


MASK_CASES = [(3, 10, 0.3), (42, 8, 0.5), (2024, 20, 0.25)]  # (seed, |units|, inhibitory_rate)


def columns(rows):
    """[{name: x}] per step -> {name: [x per step]}."""
    return {name: [row[name] for row in rows] for name in rows[0]}


def around(rows, step):
    """The state of steps step - 2 .. step + 3 (the spike's step, the reset and the recovery)."""
    window = list(range(step - 2, step + 4))
    if isinstance(rows[0], dict):
        return {"steps": window, **columns([rows[t] for t in window])}
    return {"steps": window, "potential": [rows[t] for t in window]}


def scenarios(dtype):
    qif_e_v, qif_e_spikes = qif(200.0, 1, dtype)
    qif_i_v, qif_i_spikes = qif(200.0, 3, dtype)
    lif_e, lif_e_spikes = lif(1.0, 1, dtype)
    lif_i, lif_i_spikes = lif(1.0, 3, dtype)
    saturated = rate_decoder([[1] * 5] * 200, 2, 10.0, dtype)
    return {
        "dtype": dtype,
        "qif_excitatory": {"potential": qif_e_v[:TRAJECTORY], "spike_steps": qif_e_spikes,
                           "around_first_spike": around(qif_e_v, qif_e_spikes[0])},
        "qif_inhibitory": {"potential": qif_i_v[:TRAJECTORY], "spike_steps": qif_i_spikes,
                           "potential_at_step_99": qif_i_v[STEPS - 1]},
        "lif_excitatory": {**columns(lif_e[:TRAJECTORY]), "spike_steps": lif_e_spikes,
                           "around_first_spike": around(lif_e, lif_e_spikes[0])},
        "lif_inhibitory": {**columns(lif_i[:TRAJECTORY]), "spike_steps": lif_i_spikes,
                           "potential_at_step_99": lif_i[STEPS - 1]["potential"]},
        "rate_pattern": {"input": RATE_PATTERN,
                         "rates": rate_decoder(RATE_PATTERN, 2, 10.0, dtype)},
        "rate_saturated": {"rates_at_step_199": saturated[-1], "rates_at_step_9": saturated[9]},
        "inhibitory_mask": [{"seed": seed, "units": [n], "inhibitory_rate": rate,
                             "inhibitory_neurons": [i for i, m in
                                                    enumerate(inhibitory_mask(seed, n, rate)) if m]}
                            for seed, n, rate in MASK_CASES],
    }


def print_readable(result):
    print(f"acme reference numbers ({result['dtype']}, dt = 1 ms; steps counted from 0)")
    for name, what in [("qif_excitatory", "acme.qif_neuron, kernel 200 pA, input 1 every step"),
                       ("qif_inhibitory", "acme.qif_neuron, kernel 200 pA, input 3 every step"),
                       ("lif_excitatory", "acme.lif_neuron, kernel 1 nS, input 1 every step"),
                       ("lif_inhibitory", "acme.lif_neuron, kernel 1 nS, input 3 every step")]:
        scenario = result[name]
        print(f"\n{name}: {what}")
        for key, values in scenario.items():
            if key == "around_first_spike":
                names = [name for name in values if name != "steps"]
                print(f"  around the first spike (step, {', '.join(names)}):")
                for k, t in enumerate(values["steps"]):
                    print(f"    {t:2d}  " + "  ".join(repr(values[name][k]) for name in names))
            elif isinstance(values, list) and key != "spike_steps":
                print(f"  {key} after steps 0..{len(values) - 1}:")
                for t, x in enumerate(values):
                    print(f"    {t:2d}  {x!r}")
            else:
                print(f"  {key}: {values!r}")
    print("\nrate_pattern: acme.rate_decoder, num_outputs 2, tau 10 ms, input (5,) = groups "
          "[0, 3) and [3, 5)")
    for t, (row, rates) in enumerate(zip(result["rate_pattern"]["input"],
                                         result["rate_pattern"]["rates"])):
        print(f"    {t:2d}  input {row}  rates [{rates[0]!r}, {rates[1]!r}]")
    saturated = result["rate_saturated"]
    print("\nrate_saturated: the same decoder, every input 1 on every step")
    print(f"  rates after step 9: {saturated['rates_at_step_9']!r}")
    print(f"  rates after step 199: {saturated['rates_at_step_199']!r}")
    print("\ninhibitory_mask: neurons carrying bit1 (seed, units, inhibitory_rate)")
    for case in result["inhibitory_mask"]:
        print(f"  seed {case['seed']}, units {case['units']}, rate {case['inhibitory_rate']}: "
              f"{case['inhibitory_neurons']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args()
    self_test()
    result = scenarios(args.dtype)
    if args.json:
        json.dump(result, sys.stdout, indent=1)
        print()
    else:
        print_readable(result)


if __name__ == "__main__":
    main()
