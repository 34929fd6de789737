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
    specs.description = "module " + crossing.module + "'s " + crossing.port + ", from rank";
    if (crossing.pieces.size() > 1) {
        specs.description += "s";
    }
    for (std::size_t p = 0; p < crossing.pieces.size(); ++p) {
        specs.description += (p == 0 ? " " : ", ") + std::to_string(crossing.pieces[p].rank);
    }
    return specs;
}

} // namespace

std::vector<piece> pieces_of(const module_placement& placement, std::uint64_t elements, bool rows) {
    if (placement.slices.empty()) {
        return {{placement.rank, 0, elements}};
    }
    if (!rows) {
        return {{placement.slices.front().rank, 0, elements}};
    }
    const auto per_neuron = elements / placement.neurons;
    std::vector<piece> pieces;
    for (const auto& slice : placement.slices) {
        pieces.push_back(
            {slice.rank, slice.neurons.begin * per_neuron, slice.neurons.end * per_neuron});
    }
    return pieces;
}

const piece* crossing_port::piece_on(int rank) const {
    for (const auto& p : pieces) {
        if (p.rank == rank) {
            return &p;
        }
    }
    return nullptr;
}

bool crossing_port::read_by(int rank) const {
    return std::binary_search(readers.begin(), readers.end(), rank);
}

bool is_proxy(std::string_view input) {
    return input.substr(0, proxy_prefix.size()) == proxy_prefix;
}

namespace {

/// The ranks that step module `placement` or a slice of it, ascending.
std::vector<int> ranks_of(const module_placement& placement) {
    if (placement.slices.empty()) {
        return {placement.rank};
    }
    std::vector<int> ranks;
    for (const auto& slice : placement.slices) {
        ranks.push_back(slice.rank);
    }
    std::sort(ranks.begin(), ranks.end());
    return ranks;
}

} // namespace

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

    // Every crossing port, and the payload type its proxy declares. A source crosses to a
    // reader's rank unless that rank steps the whole source: a slice holds only its neurons.
    std::map<std::pair<std::size_t, std::uint32_t>, std::size_t> crossing_index;
    std::vector<const char*> payload_types;
    for (std::size_t m = 0; m < plan.modules.size(); ++m) {
        for (const auto& port_sources : plan.modules[m].sources) {
            for (const auto& source : port_sources) {
                if (source.brain_input) {
                    continue;
                }
                const auto& owner = partition.modules[source.index];
                for (const int reader : ranks_of(partition.modules[m])) {
                    if (owner.slices.empty() && owner.rank == reader) {
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
                                "' would cross ranks, but only its build decides its shape; "
                                "ranks agree on the shapes they exchange before building: place "
                                "it with its readers, or give its shape in its config");
                        }
                        crossing_port crossing;
                        crossing.module = origin.specs->name;
                        crossing.port = desc.name;
                        crossing.spec.payload_kind = desc.payload_kind;
                        crossing.spec.dtype =
                            spark_payload_dtype(desc.payload_kind, origin.config->dtype());
                        crossing.spec.shape.rank = static_cast<std::uint32_t>(shape->size());
                        std::uint64_t elements = 1;
                        for (std::size_t d = 0; d < shape->size(); ++d) {
                            crossing.spec.shape.dims[d] = static_cast<std::uint32_t>((*shape)[d]);
                            elements *= (*shape)[d];
                        }
                        crossing.pieces = pieces_of(owner, elements);
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
    }

    // This rank's modules and slices, reading proxies for what crosses to this rank.
    for (std::size_t m = 0; m < plan.modules.size(); ++m) {
        const auto& placement = partition.modules[m];
        if (!placement.runs_on(rank)) {
            continue;
        }
        module_specs specs = *plan.modules[m].specs;
        if (const auto* slice = placement.slice_on(rank)) {
            specs.slice = slice->neurons;
        }
        for (auto& [port, sources] : specs.inputs) {
            for (auto& source : sources) {
                if (source.origin == brain_input_origin) {
                    continue;
                }
                for (const auto& crossing : layout.crossing) {
                    if (crossing.module == source.origin && crossing.port == source.port &&
                        crossing.read_by(rank)) {
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
        if (crossing.read_by(rank)) {
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
