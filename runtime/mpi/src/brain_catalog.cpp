// SPDX-License-Identifier: Apache-2.0
#include "brain_catalog.hpp"

#include <algorithm>
#include <optional>

#include <boost/json.hpp>

#include <spark/registry/module_type_info.hpp>

#include "brain/brain_plan.hpp"
#include "distributed/rank_layout.hpp"

namespace spark::runtime::detail {
namespace {

namespace json = boost::json;

json::array spec_json(const spark_port_spec_t& spec) {
    json::array dims;
    for (std::uint32_t d = 0; d < spec.shape.rank; ++d) {
        dims.emplace_back(spec.shape.dims[d]);
    }
    return {spec.payload_kind, spec.dtype, std::move(dims)};
}

spark_port_spec_t spec_of(const json::value& value) {
    const auto& fields = value.as_array();
    spark_port_spec_t spec{};
    spec.payload_kind = json::value_to<std::int32_t>(fields.at(0));
    spec.dtype = json::value_to<std::int32_t>(fields.at(1));
    const auto& dims = fields.at(2).as_array();
    spec.shape.rank =
        static_cast<std::uint32_t>(std::min<std::size_t>(dims.size(), SPARK_MAX_RANK));
    for (std::uint32_t d = 0; d < spec.shape.rank; ++d) {
        spec.shape.dims[d] = json::value_to<std::uint32_t>(dims[d]);
    }
    return spec;
}

json::array ports_json(const std::vector<std::pair<std::string, spark_port_spec_t>>& ports) {
    json::array out;
    for (const auto& [name, spec] : ports) {
        out.push_back(json::array{json::value(name), spec_json(spec)});
    }
    return out;
}

std::vector<std::pair<std::string, spark_port_spec_t>> ports_of(const json::value& value) {
    std::vector<std::pair<std::string, spark_port_spec_t>> ports;
    for (const auto& port : value.as_array()) {
        ports.emplace_back(json::value_to<std::string>(port.as_array().at(0)),
                           spec_of(port.as_array().at(1)));
    }
    return ports;
}

/// The config of module `name` in `config`.
const module_specs& specs_of(const brain_config& config, const std::string& name) {
    for (const auto& specs : config.modules_map) {
        if (specs.name == name) {
            return specs;
        }
    }
    throw spark::error("the brain has no module '" + name + "'");
}

/// The whole population's spec of a property a slice holds rows of: the population's dims
/// followed by the dims after the slice's first.
spark_port_spec_t whole_rows(const spark_port_spec_t& slice,
                             const std::vector<std::uint64_t>& population) {
    spark_port_spec_t whole = slice;
    whole.shape.rank = 0;
    for (const auto d : population) {
        whole.shape.dims[whole.shape.rank++] = static_cast<std::uint32_t>(d);
    }
    for (std::uint32_t d = 1; d < slice.shape.rank && whole.shape.rank < SPARK_MAX_RANK; ++d) {
        whole.shape.dims[whole.shape.rank++] = slice.shape.dims[d];
    }
    return whole;
}

} // namespace

std::string describe_part(const brain& local) {
    json::array modules;
    json::array properties;
    for (const auto& m : local.modules()) {
        const auto& slice = specs_of(local.config(), m.name).slice;
        json::array parts;
        for (const auto& [field, type] : m.parts) {
            parts.push_back(json::array{json::value(field), json::value(type->canonical_id)});
        }
        modules.push_back(json::object{
            {"name", m.name},
            {"type", m.type->canonical_id},
            {"seed", m.seed},
            {"inputs", ports_json(m.inputs)},
            {"outputs", ports_json(m.outputs)},
            {"parts", std::move(parts)},
            {"slice",
             slice ? json::value(json::array{slice->begin, slice->end}) : json::value(nullptr)}});
        for (const auto& declared : registry::declared_properties(*m.type)) {
            const auto spec = local.property_spec(m.name, declared.name);
            std::string problem;
            if (spec.payload_kind == 0) {
                try {
                    (void)local.read_property(m.name, declared.name); // throws the reason
                    problem = "it cannot be read";
                } catch (const std::exception& e) {
                    problem = e.what();
                }
            }
            const bool rows =
                slice && spec.payload_kind != 0 && local.property_rows(m.name, declared.name);
            properties.push_back(json::array{json::value(m.name),
                                             json::value(declared.name),
                                             spec_json(spec),
                                             json::value(problem),
                                             json::value(rows)});
        }
    }
    json::array inputs;
    for (const auto& [name, spec] : local.input_specs()) {
        if (!is_proxy(name)) {
            inputs.push_back(json::array{json::value(name), spec_json(spec)});
        }
    }
    json::array outputs;
    for (const auto& [name, spec] : local.output_specs()) {
        outputs.push_back(json::array{json::value(name), spec_json(spec)});
    }
    return json::serialize(json::object{{"inputs", std::move(inputs)},
                                        {"modules", std::move(modules)},
                                        {"outputs", std::move(outputs)},
                                        {"properties", std::move(properties)}});
}

brain_catalog merge_parts(const std::vector<std::string>& parts,
                          const registry::plugin_registry& registry,
                          const brain_config& config) {
    std::vector<module_info> modules;
    std::vector<std::pair<std::string, spark_port_spec_t>> inputs;
    std::vector<std::pair<std::string, spark_port_spec_t>> outputs;
    brain_catalog catalog;
    // A population in slices is described by its first slice, with the whole output shapes the
    // whole brain plans (a type in slices takes every output's shape from its population).
    std::vector<config_issue> issues;
    const auto plan = analyse(registry, config, issues);
    const auto estimates = estimate_modules(plan);
    const auto population_of = [&](const std::string& name) {
        for (std::size_t m = 0; m < plan.modules.size(); ++m) {
            if (plan.modules[m].specs->name == name && !estimates[m].output_shapes.empty() &&
                estimates[m].output_shapes[0]) {
                return *estimates[m].output_shapes[0];
            }
        }
        throw spark::error("module '" + name +
                           "' runs in slices, but its population's shape is "
                           "unknown");
    };
    for (const auto& text : parts) {
        const auto part = json::parse(text).as_object();
        std::vector<std::string> skipped;
        for (const auto& value : part.at("modules").as_array()) {
            const auto& m = value.as_object();
            module_info info;
            info.name = json::value_to<std::string>(m.at("name"));
            std::optional<std::vector<std::uint64_t>> population;
            if (const auto& slice = m.at("slice"); !slice.is_null()) {
                if (slice.as_array().at(0).to_number<std::uint64_t>() != 0) {
                    skipped.push_back(info.name);
                    continue;
                }
                population = population_of(info.name);
            }
            info.type = &registry.resolve(json::value_to<std::string>(m.at("type")));
            info.seed = json::value_to<std::uint64_t>(m.at("seed"));
            info.inputs = ports_of(m.at("inputs"));
            info.outputs = ports_of(m.at("outputs"));
            if (population) {
                for (auto& [port, spec] : info.outputs) {
                    spec = whole_rows(spec, *population);
                }
            }
            for (const auto& part_type : m.at("parts").as_array()) {
                info.parts.emplace_back(
                    json::value_to<std::string>(part_type.as_array().at(0)),
                    &registry.resolve(json::value_to<std::string>(part_type.as_array().at(1))));
            }
            modules.push_back(std::move(info));
        }
        const auto read = ports_of(part.at("inputs"));
        inputs.insert(inputs.end(), read.begin(), read.end());
        const auto more = ports_of(part.at("outputs"));
        outputs.insert(outputs.end(), more.begin(), more.end());
        for (const auto& value : part.at("properties").as_array()) {
            const auto& p = value.as_array();
            auto module = json::value_to<std::string>(p.at(0));
            if (std::find(skipped.begin(), skipped.end(), module) != skipped.end()) {
                continue;
            }
            property_entry entry{std::move(module),
                                 json::value_to<std::string>(p.at(1)),
                                 spec_of(p.at(2)),
                                 json::value_to<std::string>(p.at(3)),
                                 p.at(4).as_bool()};
            if (entry.rows) {
                entry.spec = whole_rows(entry.spec, population_of(entry.module));
            }
            catalog.properties.push_back(std::move(entry));
        }
    }
    // Config order, as one process lists them.
    for (const auto& specs : config.modules_map) {
        const auto found = std::find_if(modules.begin(), modules.end(), [&](const module_info& m) {
            return m.name == specs.name;
        });
        if (found != modules.end()) {
            catalog.modules.push_back(std::move(*found));
        }
    }
    for (const auto& entry : config.input_map) { // an input read on several ranks: once
        const auto found = std::find_if(
            inputs.begin(), inputs.end(), [&](const auto& i) { return i.first == entry.first; });
        if (found != inputs.end()) {
            catalog.inputs.push_back(*found);
        }
    }
    for (const auto& entry : config.output_map) {
        const auto found = std::find_if(
            outputs.begin(), outputs.end(), [&](const auto& o) { return o.first == entry.first; });
        if (found != outputs.end()) {
            catalog.outputs.push_back(*found);
        }
    }
    return catalog;
}

} // namespace spark::runtime::detail
