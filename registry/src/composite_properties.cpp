// SPDX-License-Identifier: Apache-2.0
#include "composite_properties.hpp"

#include <span>
#include <string_view>
#include <utility>

#include <spark/abi/properties.h>

namespace spark::registry::detail {
namespace {

served_property unavailable(std::string reason) {
    served_property s;
    s.reason = std::move(reason);
    return s;
}

std::string names_of(std::span<const spark_property_desc_t> properties) {
    std::string names;
    for (const auto& p : properties) {
        names += (names.empty() ? "'" : ", '") + std::string(p.name) + "'";
    }
    return names.empty() ? "none" : names;
}

} // namespace

std::vector<served_property>
resolve_properties(const module_type_info& as_type,
                   const composition& c,
                   bool has_units,
                   const std::function<void(const std::string&, const std::string&)>& problem) {
    std::vector<served_property> served;
    for (const auto& declared : declared_properties(as_type)) {
        const std::string_view name = declared.name;
        const std::string where = "property '" + std::string(name) + "' of " + as_type.canonical_id;
        const auto dot = name.find('.');
        if (dot == std::string_view::npos) {
            if (name != "inhibition_mask") {
                served.push_back(unavailable("a composition serves its parts' properties "
                                             "('<part>.<property>') and inhibition_mask only"));
            } else if (!has_units) {
                served.push_back(unavailable("its type has no int[] field 'units' to shape it"));
            } else if (declared.payload_kind != SPARK_PAYLOAD_BOOL_MASK) {
                problem(where,
                        "the type declares it as " +
                            std::string(payload_kind_name(declared.payload_kind)) +
                            ", but a composition's inhibition_mask is a bool mask");
                served.push_back(unavailable("it is declared with another payload"));
            } else {
                served_property s;
                s.what = served_property::kind::self_mask;
                served.push_back(s);
            }
            continue;
        }
        const std::string part_name(name.substr(0, dot));
        const std::string_view property = name.substr(dot + 1);
        std::size_t p = 0;
        while (p < c.parts.size() && c.parts[p].name != part_name) {
            ++p;
        }
        if (p == c.parts.size() || c.parts[p].type == nullptr) {
            served.push_back(unavailable("this neuron has no part '" + part_name + "'"));
            continue;
        }
        const auto& part_type = *c.parts[p].type;
        const auto offered = declared_properties(part_type);
        const std::string part_text = "part '" + part_name + "' (" + part_type.canonical_id + ")";
        if (offered.empty()) {
            served.push_back(unavailable(part_text + " declares no properties"));
            continue;
        }
        std::uint32_t k = 0;
        while (k < offered.size() && property != offered[k].name) {
            ++k;
        }
        if (k == offered.size()) {
            problem(where,
                    part_text + " has no property '" + std::string(property) +
                        "'; its properties are " + names_of(offered) +
                        "; give that part a type that offers it");
            served.push_back(unavailable(part_text + " has no such property"));
            continue;
        }
        if (offered[k].payload_kind != declared.payload_kind) {
            problem(where,
                    "the type declares it as " +
                        std::string(payload_kind_name(declared.payload_kind)) + ", but " +
                        part_text + " offers '" + std::string(property) + "' as " +
                        std::string(payload_kind_name(offered[k].payload_kind)));
            served.push_back(unavailable(part_text + " offers it with another payload"));
            continue;
        }
        served_property s;
        s.what = served_property::kind::part;
        s.part = p;
        s.index = k;
        s.writable = declared.writable && offered[k].writable;
        served.push_back(s);
    }
    return served;
}

} // namespace spark::registry::detail
