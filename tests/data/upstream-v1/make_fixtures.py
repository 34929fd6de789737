#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the upstream Spark 1.0 fixture files next to this script, with Python's own json and
lzma modules, exactly as upstream's `to_file` writes a config: `json.dump(obj, f, indent=4)`
through `lzma.open(path, "wt")` (xz: preset 6, CRC64, one stream) or, for the `.plain.scfg`
variants, through `open(path, "w")` (upstream's `compress=False`).

* alif_mod_neuron[.plain].scfg: a `neuron_config` shaped like upstream's tutorial neuron
  (ALIF with modulation: modules delays, plasticity, soma, synapses, in that order), every
  value the default the tutorial keeps;
* ab_brain[.plain].scfg: a `brain_config` shaped like upstream's tutorial brain for CartPole
  (four populations of that neuron, a topological spiker, an exponential integrator) with the
  tutorial's wiring, seeds and values.

They are built from the description in docs/file-format.md section 2.6, not copied from upstream:
the graph editor's positions and type strings are made up (the runtime keeps them verbatim and
never reads them). The script checks its own output against the key inventories and tag counts of
upstream's files. Run it from anywhere with python3 (no packages needed); the xz bytes depend on
the liblzma version Python uses (the committed files were made with liblzma 5.4.1, Debian 12).
"""

import collections
import json
import lzma
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def meta(graph_editor_metadata):
    """The four keys every upstream config begins with."""
    return {
        "__config_delimiter__": "__",
        "__shared_config_delimiter__": "_s_",
        "__metadata__": {},
        "__graph_editor_metadata__": graph_editor_metadata,
    }


def dtype(name="float16"):
    return {"__type__": "dtype", "name": name}


def jax_array(value):
    return {"__type__": "jax_array", "dtype": "int32", "shape": [], "data": value}


def port_map(origin, port, is_property=False):
    return {"__type__": "port_map", "__data__": {"origin": origin, "port": port, "is_property": is_property}}


def port_specs(payload, description, shape=None, dtype_name=None):
    return {
        "__type__": "port_specs",
        "__data__": {
            "payload_type": {"__payload_type__": payload},
            "shape": shape,
            "dtype": None if dtype_name is None else dtype(dtype_name),
            "description": description,
        },
    }


def gui_port(kind, pos, spec):
    return {"type": kind, "pos": pos, "spec": spec}


def model_port(kind, pos, description):
    """A port node the graph editor adds itself: float_array, shape [1], float16."""
    return gui_port(kind, pos, port_specs("float_array", description, [1], "float16"))


TYPE_STRINGS = {
    "seed": ["int"],
    "dtype": ["dtype"],
    "dt": ["float"],
    "units": ["tuple[int, ...]"],
    "delays": ["float", "jax.Array", "Initializer"],
    "kernel": ["float", "jax.Array", "Initializer"],
    "glue": ["jax.Array"],
    "mins": ["jax.Array"],
    "maxs": ["jax.Array"],
    "resolution": ["int"],
    "num_outputs": ["int"],
    "output_map": ["list", "None"],
    "shuffle": ["bool"],
    "smooth_trace": ["bool"],
}


def module_gui(fields, pos):
    """A module config's graph editor metadata: one inheritance entry per field, and a position."""
    tree = {
        field: {
            "name": field,
            "type_string": TYPE_STRINGS.get(field, ["float", "jax.Array"]),
            "inheritance_childs": [],
            "break_inheritance": False,
            "flags": 0,
        }
        for field in fields
    }
    return {"inheritance_tree": {"main": tree}, "pos": pos}


def module_config(pos, fields):
    """An untagged module config: the four metadata keys, then `fields` in order."""
    return {**meta(module_gui(list(fields), pos)), **fields}


def initializer(tag, class_ref, scale, min_value=None, max_value=None, density=None):
    cfg = {
        **meta({}),
        "dtype": dtype(),
        "scale": scale,
        "min_value": min_value,
        "max_value": max_value,
        "__class_ref__": class_ref,
    }
    if density is not None:
        cfg["density"] = density
    return {"__type__": tag, "__cfg__": cfg}


def module_specs(name, module_type, subregistry, inputs, config, outputs=None, effects=None):
    return {
        "__type__": "module_specs",
        "__data__": {
            "name": name,
            "module_cls": {"__module_type__": module_type, "__subregistry__": subregistry},
            "inputs": inputs,
            "config": config,
            "outputs": outputs or {},
            "effects": effects or {},
        },
    }


def neuron_modules(seeds, units, synapse_units, max_delay=8.0, plasticity=None, soma=None,
                   synapses=None):
    """The four modules of the ALIF-with-modulation neuron, in the order the GUI saves them."""
    plasticity = plasticity or {
        "pre_tau": [10.0] * 4,
        "post_tau": [10.0] * 4,
        "q_alpha": [1.0] * 4,
        "q_beta": [1.0] * 4,
        "q_gamma": [1.0] * 4,
        "q_delta": [1.0] * 4,
        "max_clip": [20.0] * 4,
        "eta": 0.1,
    }
    soma = soma or {}
    synapses = synapses or {}
    soma_fields = {
        "potential_rest": -60.0,
        "potential_reset": -50.0,
        "potential_tau": 20.0,
        "resistance": 0.1,
        "threshold": -40.0,
        "cooldown": 2.0,
        "threshold_tau": 20.0,
        "threshold_delta": 100.0,
    }
    soma_fields.update(soma)
    base = lambda seed: {"seed": seed, "dtype": dtype(), "dt": 1.0}
    return [
        module_specs(
            "delays", "n2n_delays", "MODULES",
            {"in_spikes": [port_map("__call__", "in_spikes")]},
            module_config([-420.0, 96.5], {
                **base(seeds[0]),
                "max_delay": max_delay,
                "delays": initializer("uniform_initializer_config", "UniformInitializer", 1),
                "units": units,
            }),
        ),
        module_specs(
            "plasticity", "quadruplet_rule_tensor", "MODULES",
            {
                "modulation": [port_map("__call__", "modulation")],
                "pre_spikes": [port_map("delays", "out_spikes")],
                "post_spikes": [port_map("soma", "spikes")],
                "kernel": [port_map("synapses", "kernel", True)],
            },
            module_config([-12.25, -210.0], {**base(seeds[1]), **plasticity}),
        ),
        module_specs(
            "soma", "adaptive_leaky_soma", "MODULES",
            {
                "current": [port_map("synapses", "currents")],
                "inhibition_mask": [port_map("__self__", "inhibition_mask", True)],
            },
            module_config([180.0, 96.5], {**base(seeds[2]), **soma_fields}),
            outputs={"out_spikes": "spikes"},
        ),
        module_specs(
            "synapses", "traced_synapses", "MODULES",
            {"spikes": [port_map("delays", "out_spikes")]},
            module_config([-140.75, 96.5], {
                **base(seeds[3]),
                "units": synapse_units,
                "kernel": synapses.get("kernel", initializer(
                    "sparse_uniform_initializer_config", "SparseUniformInitializer", 1,
                    density=0.2)),
                "tau": synapses.get("tau", 5.0),
                "scale": 1.0,
                "base": 0.0,
            }),
            effects={"kernel": [port_map("plasticity", "kernel")]},
        ),
    ]


def neuron_ports(pos):
    """The neuron's own port nodes, as the graph editor fills them from the derived specs."""
    return {
        "in_spikes": gui_port("source", [pos[0] - 300.0, pos[1]],
                              port_specs("spike_array", "Input port for in_spikes")),
        "out_spikes": gui_port("sink", [pos[0] + 300.0, pos[1]],
                               port_specs("spike_array", "Output port for spikes")),
        "inhibition_mask": gui_port("property", [pos[0], pos[1] + 150.0],
                                    port_specs("boolean_mask", "Property port for inhibition_mask")),
        "modulation": model_port("source", [pos[0] - 300.0, pos[1] - 150.0], "Model input port."),
    }


def neuron_fields(gui, modules, seed, units, inhibitory_rate):
    return {**meta(gui), "modules_specs": modules, "seed": seed, "dt": 1.0, "units": units,
            "inhibitory_rate": inhibitory_rate}


def alif_mod_neuron():
    return {
        "__type__": "neuron_config",
        "__cfg__": neuron_fields(
            neuron_ports([0.0, 0.0]),
            # The neuron file's delays have units [], its synapses the GUI's placeholder [1].
            neuron_modules([3730662515, 854987779, 1667143219, 3753518857], [], [1]),
            1041814402, [], 0.2),
    }


TUTORIAL_RULE = {
    "pre_tau": [10.75268817204301, 15.15151515151515, 10.416666666666666, 76.92307692307692],
    "post_tau": [14.084507042253522, 27.027027027027028, 16.129032258064516, 12.820512820512821],
    "q_alpha": [1.207, 1.037, -1.152, -1.336],
    "q_beta": [-1.298, -1.205, 1.639, 1.057],
    "q_gamma": [0.398, 1.589, 1.79, -1.173],
    "q_delta": [-0.75, 0.408, -1.666, 1.557],
    "max_clip": [50.0, 50.0, 100.0, 100.0],
    "eta": 0.1,
}

EXCITATORY_SOMA = {"potential_tau": 10.0, "resistance": 1.0, "threshold_tau": 10.0,
                   "threshold_delta": 50.0}


def inhibitory_soma(resistance):
    return {"resistance": resistance, "cooldown": 1.0, "threshold_tau": 10.0,
            "threshold_delta": 20.0}


def population(name, pos, seeds, units, inhibitory_rate, in_spikes, modulation, soma, synapses):
    # The children's delays and synapses carry the population's units: constructing a neuron config
    # hands its units to every child config that has the field, and the brain stores the result.
    modules = neuron_modules(seeds[1:], units, units, max_delay=4.0, plasticity=TUTORIAL_RULE, soma=soma,
                             synapses=synapses)
    gui = {**neuron_ports(pos), "pos": pos}
    return module_specs(
        name, "alif_mod_neuron", "NEURONS",
        {"in_spikes": [port_map(*source.split(".")) for source in in_spikes],
         "modulation": [port_map("__call__", modulation)]},
        neuron_fields(gui, modules, seeds[0], units, inhibitory_rate),
    )


def ab_brain():
    excitatory_synapses = {"kernel": initializer(
        "sparse_uniform_initializer_config", "SparseUniformInitializer", 6.0, 0.0, 10.0, 0.15)}
    inhibitory_synapses = {"kernel": initializer(
        "sparse_uniform_initializer_config", "SparseUniformInitializer", 1, 0.0, 10.0, 0.15),
        "tau": 10.0}
    modules = [
        population("A_excitatory", [250.0, -300.0],
                   [478175918, 2684742297, 1259746283, 3072566190, 2626719759], [256], 0.0,
                   ["spiker.spikes", "A_excitatory.out_spikes", "B_inhibitory.out_spikes"],
                   "mod_a_ex", EXCITATORY_SOMA, excitatory_synapses),
        population("B_excitatory", [250.0, 300.0],
                   [1006806833, 3804786082, 3511383452, 857075639, 2236116380], [256], 0.0,
                   ["spiker.spikes", "B_excitatory.out_spikes", "A_inhibitory.out_spikes"],
                   "mod_b_ex", EXCITATORY_SOMA, excitatory_synapses),
        population("A_inhibitory", [600.0, -150.0],
                   [2715830833, 2299170537, 1468239229, 2248076156, 2913656200], [64], 1.0,
                   ["A_excitatory.out_spikes", "spiker.spikes"],
                   "mod_a_in", inhibitory_soma(2.0), inhibitory_synapses),
        population("B_inhibitory", [600.0, 150.0],
                   [4039402956, 3851972935, 2442888113, 1899109561, 175184786], [64], 1.0,
                   ["B_excitatory.out_spikes", "spiker.spikes"],
                   "mod_b_in", inhibitory_soma(1.0), inhibitory_synapses),
        module_specs(
            "spiker", "topological_linear_spiker", "MODULES",
            {"signal": [port_map("__call__", "signal")]},
            module_config([-100.0, 0.0], {
                "seed": 3297928496, "dtype": dtype(), "dt": 1.0, "tau": 20.0, "cd": 2.0,
                "max_freq": 128.0, "glue": jax_array(0), "mins": jax_array(-1),
                "maxs": jax_array(1), "resolution": 128, "sigma": 0.03125,
            }),
        ),
        module_specs(
            "integrator", "exponential_integrator", "MODULES",
            {"spikes": [port_map("A_excitatory", "out_spikes"),
                        port_map("B_excitatory", "out_spikes")]},
            module_config([900.0, 0.0], {
                "seed": 2980038182, "dtype": dtype(), "dt": 1.0, "num_outputs": 2,
                "saturation_freq": 50.0, "tau": 5.0, "output_map": None, "shuffle": False,
                "smooth_trace": True,
            }),
            outputs={"action": "signal"},
        ),
    ]
    gui = {
        "signal": model_port("source", [-400.0, 0.0], "Model input port."),
        "mod_a_ex": model_port("source", [-400.0, -300.0], "Model input port."),
        "mod_b_ex": model_port("source", [-400.0, 300.0], "Model input port."),
        "action": model_port("sink", [1200.0, 0.0], "Model output port."),
        "mod_b_in": model_port("source", [-400.0, 150.0], "Model input port."),
        "mod_a_in": model_port("source", [-400.0, -150.0], "Model input port."),
    }
    return {"__type__": "brain_config",
            "__cfg__": {**meta(gui), "modules_specs": modules, "seed": 1805829445, "dt": 1.0}}


# ---- self-checks against the inventories of upstream's own files ----------------------------

NEURON_KEYS = set("""__cfg__ __class_ref__ __config_delimiter__ __data__ __graph_editor_metadata__
__metadata__ __module_type__ __payload_type__ __shared_config_delimiter__ __subregistry__ __type__
base break_inheritance config cooldown current delays density description dt dtype effects eta
flags in_spikes inheritance_childs inheritance_tree inhibition_mask inhibitory_rate inputs
is_property kernel main max_clip max_delay max_value min_value modulation module_cls
modules_specs name origin out_spikes outputs payload_type port pos post_spikes post_tau
potential_reset potential_rest potential_tau pre_spikes pre_tau q_alpha q_beta q_delta q_gamma
resistance scale seed shape spec spikes tau threshold threshold_delta threshold_tau type
type_string units""".split())
BRAIN_KEYS = NEURON_KEYS | set("""action cd data glue max_freq maxs mins mod_a_ex mod_a_in
mod_b_ex mod_b_in num_outputs output_map resolution saturation_freq shuffle sigma signal
smooth_trace""".split())


def inventory(value, keys, tags):
    if isinstance(value, dict):
        if isinstance(value.get("__type__"), str):
            tags[value["__type__"]] += 1
        for key, item in value.items():
            keys.add(key)
            inventory(item, keys, tags)
    elif isinstance(value, list):
        for item in value:
            inventory(item, keys, tags)


def check(document, expected_keys, expected_tags):
    keys, tags = set(), collections.Counter()
    inventory(document, keys, tags)
    assert keys == expected_keys, (sorted(keys - expected_keys), sorted(expected_keys - keys))
    assert dict(tags) == expected_tags, dict(tags)


def write(name, document):
    with lzma.open(os.path.join(HERE, name + ".scfg"), "wt", encoding="utf-8") as f:
        json.dump(document, f, indent=4)
    with open(os.path.join(HERE, name + ".plain.scfg"), "w", encoding="utf-8") as f:
        json.dump(document, f, indent=4)


def main():
    neuron = alif_mod_neuron()
    check(neuron, NEURON_KEYS, {"neuron_config": 1, "module_specs": 4, "port_map": 9,
                                "port_specs": 4, "dtype": 7, "uniform_initializer_config": 1,
                                "sparse_uniform_initializer_config": 1})
    brain = ab_brain()
    check(brain, BRAIN_KEYS, {"brain_config": 1, "module_specs": 22, "port_map": 53,
                              "port_specs": 22, "dtype": 36, "uniform_initializer_config": 4,
                              "sparse_uniform_initializer_config": 4, "jax_array": 3})
    write("alif_mod_neuron", neuron)
    write("ab_brain", brain)


if __name__ == "__main__":
    main()
