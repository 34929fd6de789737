#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes tests/run/data/example_ab_model.scfg: upstream Spark's tutorial brain as af523a5 ships it
(tutorials/example_ab_model.scfg), rebuilt from its description in docs/file-format.md §2.5
because the original file is not redistributed here. It keeps everything that makes the original
hard to read:

* the old writer's layout: no __version__, no __metadata__, nested sub-configs and initializer
  configs as untagged plain dicts, dtypes and scalar arrays as tagged values, float16 everywhere;
* stale keys the af523a5 classes no longer have (max_delay and async_spikes on the neurons,
  async_spikes on synapses and rules, delays.delay_initializer, learning_rule.gamma);
* min_value / max_value written as null (None: unbounded);
* per-config __config_delimiter__ / __shared_config_delimiter__ / __graph_editor_metadata__,
  with inheritance trees and positions that must round-trip untouched;
* explicit uint32 seeds at every level.

Run: python3 tests/run/reference/upstream_tutorial.py  (writes the file next to this folder)
"""
import json
import pathlib


def dtype(name):
    return {"__type__": "dtype", "name": name}


def jax_scalar(value):
    return {"__type__": "jax_array", "dtype": "int32", "shape": [], "data": value}


F16 = dtype("float16")
seed_counter = [2_654_435_761]


def seed():
    # Distinct explicit uint32 seeds, as upstream draws them from os.urandom.
    seed_counter[0] = (seed_counter[0] * 1_103_515_245 + 12_345) % 2**32
    return seed_counter[0]


def header(editor=None):
    return {
        "__config_delimiter__": "__",
        "__shared_config_delimiter__": "_s_",
        "__graph_editor_metadata__": editor if editor is not None else {},
    }


def base():
    return {"seed": seed(), "dtype": F16, "dt": 1.0}


def inheritance(fields, flags):
    return {
        name: {
            "name": name,
            "type_string": type_string,
            "inheritance_childs": [["soma", name]] if name == "units" else [],
            "break_inheritance": False,
            "flags": flags,
        }
        for name, type_string in fields
    }


def alif(units, inhibitory_rate, pos):
    editor = {
        "inheritance_tree": {
            "main": {
                **inheritance([("units", "tuple[int, ...]"), ("dt", "float")], 8 | 2),
                "soma": inheritance([("units", "tuple[int, ...]")], 4 | 1),
            }
        },
        "pos": pos,
    }
    return {
        **header(editor),
        **base(),
        "units": [units],
        "max_delay": 1,
        "async_spikes": True,
        "inhibitory_rate": inhibitory_rate,
        "soma": {
            **header(),
            **base(),
            "potential_rest": -60.0,
            "potential_reset": -50.0,
            "potential_tau": 20.0,
            "resistance": 100.0,
            "threshold": -40.0,
            "cooldown": 2.0,
            "threshold_tau": 20.0,
            "threshold_delta": 100.0,
        },
        "synapses": {
            **header(),
            **base(),
            "units": [units],
            "async_spikes": True,
            "kernel": {
                **header(),
                "dtype": F16,
                "scale": 1,
                "min_value": None,
                "max_value": None,
                "__class_ref__": "NormalizedSparseUniformInitializer",
                "density": 0.2,
                "norm_axes": [0],
            },
        },
        "delays": {
            **header(),
            **base(),
            "max_delay": 8.0,
            "delay_initializer": {
                **header(),
                "dtype": dtype("uint8"),
                "scale": 1,
                "min_value": None,
                "max_value": None,
                "__class_ref__": "UniformInitializer",
            },
            "units": [units],
        },
        "learning_rule": {
            **header(),
            **base(),
            "async_spikes": True,
            "pre_tau": 20.0,
            "post_tau": 20.0,
            "post_slow_tau": 20.0,
            "target_tau": 20000.0,
            "a": 1.0,
            "b": -1.0,
            "c": -1.0,
            "d": 1.0,
            "p": 20.0,
            "gamma": 0.1,
        },
    }


def port_map(origin, port):
    return {"__type__": "port_map", "__data__": {"origin": origin, "port": port}}


def port_specs(payload, shape):
    return {
        "__type__": "port_specs",
        "__data__": {
            "payload_type": {"__payload_type__": payload},
            "shape": shape,
            "dtype": F16,
            "description": None,
        },
    }


def module(name, module_type, inputs, config):
    return {
        "__type__": "module_specs",
        "__data__": {
            "name": name,
            "module_cls": {"__module_type__": module_type},
            "inputs": {port: [port_map(o, p) for o, p in sources] for port, sources in inputs.items()},
            "config": config,
        },
    }


def brain():
    spiker = {
        **header({"pos": [-420.0, 0.0]}),
        **base(),
        "tau": 30.0,
        "cd": 2.0,
        "max_freq": 200.0,
        "glue": jax_scalar(0),
        "mins": jax_scalar(-1),
        "maxs": jax_scalar(1),
        "resolution": 128,
        "sigma": 0.03125,
    }
    integrator = {
        **header({"pos": [420.0, 0.0]}),
        **base(),
        "num_outputs": 2,
        "saturation_freq": 50.0,
        "tau": 20.0,
        "shuffle": True,
        "smooth_trace": True,
    }
    modules = {
        "spiker": module("spiker", "topological_linear_spiker",
                         {"signal": [("__call__", "drive")]}, spiker),
        "A_ex": module("A_ex", "alif_neuron",
                       {"in_spikes": [("spiker", "spikes"), ("A_ex", "out_spikes"),
                                      ("B_in", "out_spikes")]},
                       alif(256, 0.0, [-140.0, -160.0])),
        "A_in": module("A_in", "alif_neuron",
                       {"in_spikes": [("A_ex", "out_spikes")]},
                       alif(64, 1.0, [140.0, -160.0])),
        "B_ex": module("B_ex", "alif_neuron",
                       {"in_spikes": [("spiker", "spikes"), ("B_ex", "out_spikes"),
                                      ("A_in", "out_spikes")]},
                       alif(256, 0.0, [-140.0, 160.0])),
        "B_in": module("B_in", "alif_neuron",
                       {"in_spikes": [("B_ex", "out_spikes")]},
                       alif(64, 1.0, [140.0, 160.0])),
        "integrator": module("integrator", "exponential_integrator",
                             {"spikes": [("A_ex", "out_spikes"), ("B_ex", "out_spikes")]},
                             integrator),
    }
    return {
        "__type__": "brain_config",
        "__cfg__": {
            "__config_delimiter__": "__",
            "__shared_config_delimiter__": "_s_",
            "__graph_editor_metadata__": {"drive": {"pos": [-700.0, 0.0]},
                                          "action": {"pos": [700.0, 0.0]}},
            "input_map": {"drive": port_specs("float_array", [4])},
            "output_map": {"action": {"input": port_map("integrator", "signal"),
                                      "spec": port_specs("float_array", [2])}},
            "modules_map": modules,
        },
    }


if __name__ == "__main__":
    out = pathlib.Path(__file__).resolve().parent.parent / "data" / "example_ab_model.scfg"
    out.write_text(json.dumps(brain(), indent=4, ensure_ascii=True) + "\n")
    print(f"wrote {out} ({out.stat().st_size} bytes)")
