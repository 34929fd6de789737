// SPDX-License-Identifier: Apache-2.0
#include "distributed/rank_layout.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <spark/registry/module_type_info.hpp>

#include "brain/brain_plan.hpp"

namespace spark::runtime::detail {
namespace {

constexpr std::string_view proxy_prefix = "__rank__";

/// The brain input that stands for `module.port` on a reader's rank. "__" cannot start a module
/// name a file gives ("__call__" is reserved), so it never collides with a real input.
std::string proxy_name(const std::string& module, const std::string& port) {
    return std::string(proxy_prefix) + module + "." + port;
}

port_specs proxy_specs(const crossing_port& crossing, const char* payload_type) {
    port_specs specs;
    specs.payload_type = payload_type != nullptr ? payload_type : "";
    for (std::uint32_t d = 0; d < crossing.spec.shape.rank; ++d) {
        specs.shape.push_back(crossing.spec.shape.dims[d]);
    }
    specs.dtype = std::string(registry::dtype_name(crossing.spec.dtype));
    specs.description = "module " + crossing.module + "'s " + crossing.port + ", from rank " +
                        std::to_string(crossing.owner);
    return specs;
}

} // namespace

bool is_proxy(std::string_view input) {
    return input.substr(0, proxy_prefix.size()) == proxy_prefix;
}

rank_layout layout_rank(const registry::plugin_registry& registry,
                        const brain_config& config,
                        const partition_plan& partition,
                        int rank) {
    std::vector<config_issue> issues;
    const auto plan = analyse(registry, config, issues);
    if (!issues.empty()) {
        throw config_error(std::move(issues));
    }
    const auto estimates = estimate_modules(plan);
    rank_layout layout;
    layout.rank = rank;
    layout.config = config;
    layout.config.modules_map.clear();
    layout.config.output_map.clear();

    // Every crossing port, and the payload type its proxy declares.
    std::map<std::pair<std::size_t, std::uint32_t>, std::size_t> crossing_index;
    std::vector<const char*> payload_types;
    for (std::size_t m = 0; m < plan.modules.size(); ++m) {
        const int reader = partition.modules[m].rank;
        for (const auto& port_sources : plan.modules[m].sources) {
            for (const auto& source : port_sources) {
                if (source.brain_input) {
                    continue;
                }
                const int owner = partition.modules[source.index].rank;
                if (owner == reader) {
                    continue;
                }
                const auto key = std::make_pair(source.index, source.port);
                auto found = crossing_index.find(key);
                if (found == crossing_index.end()) {
                    const auto& origin = plan.modules[source.index];
                    const auto& desc = *origin.outputs[source.port];
                    const auto& shape = estimates[source.index].output_shapes[source.port];
                    if (!shape) {
                        throw spark::error(
                            "module '" + origin.specs->name + "' output '" + desc.name +
                            "' would cross ranks, but only its build decides its shape; ranks "
                            "agree on the shapes they exchange before building: place it with "
                            "its readers, or give its shape in its config");
                    }
                    crossing_port crossing;
                    crossing.module = origin.specs->name;
                    crossing.port = desc.name;
                    crossing.owner = owner;
                    crossing.spec.payload_kind = desc.payload_kind;
                    crossing.spec.dtype =
                        spark_payload_dtype(desc.payload_kind, origin.config->dtype());
                    crossing.spec.shape.rank = static_cast<std::uint32_t>(shape->size());
                    for (std::size_t d = 0; d < shape->size(); ++d) {
                        crossing.spec.shape.dims[d] = static_cast<std::uint32_t>((*shape)[d]);
                    }
                    crossing.proxy = proxy_name(crossing.module, crossing.port);
                    found = crossing_index.emplace(key, layout.crossing.size()).first;
                    layout.crossing.push_back(std::move(crossing));
                    payload_types.push_back(desc.payload_type);
                }
                auto& readers = layout.crossing[found->second].readers;
                if (std::find(readers.begin(), readers.end(), reader) == readers.end()) {
                    readers.insert(std::upper_bound(readers.begin(), readers.end(), reader),
                                   reader);
                }
            }
        }
    }

    // This rank's modules, reading proxies for sources on other ranks.
    for (std::size_t m = 0; m < plan.modules.size(); ++m) {
        if (partition.modules[m].rank != rank) {
            continue;
        }
        module_specs specs = *plan.modules[m].specs;
        for (auto& [port, sources] : specs.inputs) {
            for (auto& source : sources) {
                if (source.origin == brain_input_origin) {
                    continue;
                }
                for (std::size_t c = 0; c < layout.crossing.size(); ++c) {
                    const auto& crossing = layout.crossing[c];
                    if (crossing.module == source.origin && crossing.port == source.port &&
                        crossing.owner != rank) {
                        source = port_map{std::string(brain_input_origin), crossing.proxy, false};
                    }
                }
            }
        }
        layout.config.modules_map.push_back(std::move(specs));
    }
    // Every rank has every brain input (a host writes them all on every rank). An upstream 1.0
    // input takes its spec from the ports it feeds: where none is here, it gets the spec the
    // whole brain derives, written out.
    if (config.schema == brain_schema::upstream_1_0) {
        for (std::size_t i = 0; i < config.input_map.size(); ++i) {
            for (std::size_t m = 0; m < plan.modules.size(); ++m) {
                for (std::size_t p = 0; p < plan.modules[m].sources.size(); ++p) {
                    for (const auto& source : plan.modules[m].sources[p]) {
                        if (source.brain_input && source.index == i) {
                            auto& declared = layout.config.input_map[i].second;
                            const auto& derived = plan.inputs[i];
                            declared.payload_type = plan.modules[m].inputs[p]->payload_type;
                            declared.dtype = std::string(registry::dtype_name(derived.dtype));
                            declared.shape.assign(derived.shape.dims,
                                                  derived.shape.dims + derived.shape.rank);
                            declared.shape_given = true;
                        }
                    }
                }
            }
        }
    }
    for (std::size_t c = 0; c < layout.crossing.size(); ++c) {
        const auto& crossing = layout.crossing[c];
        if (std::binary_search(crossing.readers.begin(), crossing.readers.end(), rank)) {
            layout.config.input_map.emplace_back(crossing.proxy,
                                                 proxy_specs(crossing, payload_types[c]));
        }
    }
    for (const auto& [name, output] : config.output_map) {
        if (partition.rank_of(output.input.origin) == rank) {
            layout.config.output_map.emplace_back(name, output);
        }
    }
    return layout;
}

} // namespace spark::runtime::detail
