// SPDX-License-Identifier: Apache-2.0
// module_config's read-only views: iteration, metadata and the inspect() tree.
#include <string>
#include <vector>

#include <spark/abi/schema.h>
#include <spark/abi/types.h>
#include <spark/runtime/module_config.hpp>

#include "text.hpp"

namespace spark::runtime {

std::vector<module_config::field_view> module_config::fields() const {
    std::vector<field_view> out;
    const spark_module_type_t& schema = *type().abi;
    for (std::uint32_t i = 0; i < schema.field_count; ++i) {
        const char* name = schema.fields[i].name;
        out.push_back({schema.fields[i], value(name), nested(name)});
    }
    return out;
}

std::vector<field_metadata> module_config::metadata() const {
    return schema_metadata(type());
}

namespace {

// Upstream's inspect() shortens arrays longer than this.
constexpr std::size_t shown_elements = 5;

template <typename T, typename Format>
std::string array_text(const T* items, std::uint32_t count, Format format) {
    std::vector<std::string> parts;
    const bool shorten = count > shown_elements;
    const std::size_t head = shorten ? shown_elements - 1 : count;
    for (std::size_t k = 0; k < head; ++k) {
        parts.push_back(format(items[k]));
    }
    if (shorten) {
        parts.emplace_back("...");
        parts.push_back(format(items[count - 1]));
    }
    // Appended, not "[" + ...: GCC 12 at -O2 warns (falsely, -Wrestrict) on const char* + string&&.
    std::string text = "[";
    text += detail::join(parts, ", ");
    text += ']';
    if (shorten) {
        text += " (" + detail::elements(count) + ")";
    }
    return text;
}

std::string value_text(const spark_value_t& value) {
    switch (value.type) {
    case SPARK_FIELD_BOOL:
        return value.b ? "true" : "false";
    case SPARK_FIELD_INT:
        return std::to_string(value.i);
    case SPARK_FIELD_FLOAT:
        return detail::format_number(value.f);
    case SPARK_FIELD_STRING:
        return std::string(1, '"').append(value.s).append(1, '"');
    case SPARK_FIELD_INT_ARRAY:
        return array_text(
            value.ints, value.count, [](std::int64_t x) { return std::to_string(x); });
    case SPARK_FIELD_FLOAT_ARRAY:
        return array_text(value.floats, value.count, detail::format_number);
    case SPARK_FIELD_CONFIG:
        return "none"; // a nullable CONFIG field without a nested config (tree() draws those)
    default:
        return "?";
    }
}

std::string line(const std::string& name,
                 const std::string& type,
                 const std::string& units,
                 const std::string& value) {
    return name + ": " + type + (units.empty() ? "" : " [" + units + "]") + " <- " + value;
}

void tree(const module_config& config, const std::string& indent, std::string& out) {
    const auto metadata = config.metadata();
    const auto fields = config.fields();
    std::vector<std::string> base_values{std::to_string(config.seed()),
                                         config.dtype() == SPARK_DTYPE_F64 ? "\"float64\""
                                                                           : "\"float32\"",
                                         detail::format_number(config.dt())};
    const std::size_t base_count = base_values.size();
    for (std::size_t k = 0; k < metadata.size(); ++k) {
        const bool last = k + 1 == metadata.size();
        const auto& meta = metadata[k];
        out += indent + (last ? "└── " : "├── ");
        if (k < base_count) {
            out += line(meta.name, meta.type, meta.units, base_values[k]) + "\n";
            continue;
        }
        const auto& field = fields[k - base_count];
        if (field.nested != nullptr) {
            out += line(meta.name, meta.type, meta.units, field.nested->type().canonical_id) + "\n";
            tree(*field.nested, indent + (last ? "    " : "│   "), out);
        } else {
            out += line(meta.name, meta.type, meta.units, value_text(field.value)) + "\n";
        }
    }
}

} // namespace

std::string module_config::inspect() const {
    std::string out = type().canonical_id + "\n";
    tree(*this, "", out);
    return out;
}

} // namespace spark::runtime
