// SPDX-License-Identifier: Apache-2.0
// Upstream Spark 1.0's controller files (brain_config and neuron configs: docs/file-format.md
// section 2.6) as plain structures: what the file says, in the file's order, nothing derived and
// no simulation meaning yet. Read from and written back to the JSON document so that a file
// upstream wrote comes back byte for byte (upstream_v1_read.cpp, upstream_v1_write.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace spark::runtime::upstream_v1 {

/// Pairs in the file's order (a JSON object whose order matters: ports, outputs, effects).
template <class T>
using ordered_map = std::vector<std::pair<std::string, T>>;

/// One source of an input port or of an effect: `port` of `origin`, which is a module of the same
/// controller, "__call__" (then `port` names a controller input) or "__self__" (the controller
/// itself). `is_property`: `port` is a property (e.g. "kernel"), not an output port.
struct port_map {
    std::string origin;
    std::string port;
    bool is_property = false; // false when the file leaves it out

    friend bool operator==(const port_map&, const port_map&) = default;
};

/// The registry upstream looks a module type up in.
enum class subregistry {
    modules, // "MODULES": components and interfaces (n2n_delays, exponential_integrator, ...)
    neurons, // "NEURONS": neuron controllers (alif_neuron, a registered alif_mod_neuron, ...)
};

/// "MODULES" or "NEURONS".
[[nodiscard]] const char* subregistry_name(subregistry registry) noexcept;

/// A module's type: `{"__module_type__": type, "__subregistry__": ...}`.
struct module_class {
    std::string type;
    subregistry registry = subregistry::modules;

    friend bool operator==(const module_class&, const module_class&) = default;
};

/// One element of a controller's modules_specs.
struct module_specs {
    std::string name;
    module_class module_cls;
    ordered_map<std::vector<port_map>> inputs;  // input port -> its sources, in order
    boost::json::object config;                 // the module's config fields, untagged, verbatim
    ordered_map<std::string> outputs;           // controller output name -> the module's port
    ordered_map<std::vector<port_map>> effects; // property -> the sources written into it

    friend bool operator==(const module_specs&, const module_specs&) = default;
};

/// The four keys every upstream config begins with, kept verbatim.
struct config_metadata {
    std::string config_delimiter = "__";
    std::string shared_config_delimiter = "_s_";
    boost::json::value metadata = boost::json::object();
    boost::json::value graph_editor_metadata = boost::json::object(); // the GUI's, opaque

    friend bool operator==(const config_metadata&, const config_metadata&) = default;
};

/// A brain_config: modules that each read the others' outputs of the previous step.
struct brain_config {
    config_metadata meta;
    std::vector<module_specs> modules_specs;
    std::int64_t seed = 0;
    double dt = 1.0;

    friend bool operator==(const brain_config&, const brain_config&) = default;
};

/// A neuron config: modules that run in dependency order within one step.
struct neuron_config {
    /// The file's "__type__": "neuron_config", or the config of a neuron type generated from a
    /// file (upstream's register_neuron_from_config), e.g. "alif_mod_neuron_config".
    std::string type = "neuron_config";
    config_metadata meta;
    std::vector<module_specs> modules_specs;
    std::uint64_t seed = 0; // a module seed, as ours: [0, 2^64) (the brain's is upstream's int64)
    double dt = 1.0;
    std::vector<std::uint32_t> units; // empty: to be given where the neuron is used
    double inhibitory_rate = 0.2;

    friend bool operator==(const neuron_config&, const neuron_config&) = default;
};

using controller_config = std::variant<brain_config, neuron_config>;

/// Names of the controller's inputs: the `port` of every input port_map whose origin is
/// "__call__", in order of first appearance (modules in list order, ports in order, sources in
/// order), each once.
[[nodiscard]] std::vector<std::string>
controller_inputs(const std::vector<module_specs>& modules_specs);

/// Names of the controller's outputs: every module's `outputs` keys, in order.
[[nodiscard]] std::vector<std::string>
controller_outputs(const std::vector<module_specs>& modules_specs);

} // namespace spark::runtime::upstream_v1
