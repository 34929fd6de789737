// SPDX-License-Identifier: Apache-2.0
// Typed access to a validated config: `cfg.get<double>("potential_tau")`, arrays, strings, nested
// configs, plus the base fields every config carries (seed, dtype, dt). Fields are found by the
// names of the type's schema; a wrong name or type is a plugin bug and throws status_error.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <spark/abi/module.h>
#include <spark/abi/schema.h>
#include <spark/sdk/buffers.hpp>
#include <spark/sdk/guard.hpp>
#include <spark/sdk/schema.hpp>

namespace spark::sdk {

/// A read-only view of a host-validated spark_config_t, with the schema it belongs to. Borrowed:
/// valid during the create() call it was made for (copy what you keep, as the constructor of a
/// module does).
class config_view {
public:
    /// `fields` / `field_count` are the type's schema; the config must have one value per field.
    /// Throws SPARK_ERR_INVALID_ARGUMENT when the values do not match the schema.
    config_view(const spark_field_desc_t* fields,
                std::uint32_t field_count,
                const spark_config_t& config)
        : fields_(fields), field_count_(field_count), config_(config) {
        if (config.count != field_count || (field_count > 0 && config.values == nullptr)) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               "config has " + std::to_string(config.count) +
                                   " values but the type declares " + std::to_string(field_count) +
                                   " fields; pass one value per field in schema order");
        }
        for (std::uint32_t i = 0; i < field_count; ++i) {
            const auto declared = fields[i].type;
            const auto given = config.values[i].type;
            // An initializer field holds either a number (FLOAT) or an initializer's config
            // (CONFIG).
            const bool ok =
                given == declared || (declared == SPARK_FIELD_INITIALIZER &&
                                      (given == SPARK_FIELD_FLOAT || given == SPARK_FIELD_CONFIG));
            if (!ok) {
                throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                                   "config value " + std::to_string(i) + " ('" + fields[i].name +
                                       "') is a " + detail::field_type_name(given) +
                                       " but the field is a " + detail::field_type_name(declared) +
                                       "; pass values in schema order");
            }
            if (given == SPARK_FIELD_CONFIG && declared == SPARK_FIELD_CONFIG &&
                config.values[i].config == nullptr &&
                (fields[i].flags & SPARK_FIELD_NULLABLE) == 0) {
                throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                                   "config value '" + std::string(fields[i].name) +
                                       "' holds none but the field is not nullable; pass its "
                                       "nested config");
            }
            if (is_array(given) && config.values[i].count > 0 &&
                (given == SPARK_FIELD_INT_ARRAY ? config.values[i].ints == nullptr
                                                : config.values[i].floats == nullptr)) {
                throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                                   "config value '" + std::string(fields[i].name) + "' has " +
                                       std::to_string(config.values[i].count) +
                                       " elements but no data");
            }
        }
        if (config.dtype != SPARK_DTYPE_F32 && config.dtype != SPARK_DTYPE_F64) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               "config dtype must be float32 or float64, got " +
                                   dtype_name(config.dtype));
        }
        if (!(config.dt > 0.0)) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               "config dt must be > 0 ms, got " +
                                   detail::json_number_or_inf(config.dt));
        }
    }

    /// The value of field `name` as T: bool; any integer type (range-checked); float or double
    /// (from a float or an int field); std::string or std::string_view (borrowed); std::vector of
    /// int64_t, double or float (from the matching array field, or a float array as float).
    template <typename T>
    [[nodiscard]] T get(std::string_view name) const {
        const spark_value_t& v = value(name);
        if constexpr (std::is_same_v<T, bool>) {
            expect(name, v, SPARK_FIELD_BOOL, "bool");
            return v.b;
        } else if constexpr (std::is_integral_v<T>) {
            expect(name, v, SPARK_FIELD_INT, "integer");
            if constexpr (std::is_signed_v<T>) {
                if (v.i < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
                    v.i > static_cast<std::int64_t>(std::numeric_limits<T>::max())) {
                    out_of_range(name, v.i);
                }
            } else {
                if (v.i < 0 || static_cast<std::uint64_t>(v.i) > std::numeric_limits<T>::max()) {
                    out_of_range(name, v.i);
                }
            }
            return static_cast<T>(v.i);
        } else if constexpr (std::is_floating_point_v<T>) {
            if (v.type == SPARK_FIELD_INT) {
                return static_cast<T>(v.i);
            }
            expect(name, v, SPARK_FIELD_FLOAT, "float");
            return static_cast<T>(v.f);
        } else if constexpr (std::is_same_v<T, std::string> ||
                             std::is_same_v<T, std::string_view>) {
            expect(name, v, SPARK_FIELD_STRING, "string");
            return T(v.s != nullptr ? v.s : "");
        } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>>) {
            const auto s = ints(name);
            return T(s.begin(), s.end());
        } else if constexpr (std::is_same_v<T, std::vector<double>> ||
                             std::is_same_v<T, std::vector<float>>) {
            T result;
            for (const double x : floats(name)) {
                result.push_back(static_cast<typename T::value_type>(x));
            }
            return result;
        } else {
            static_assert(sizeof(T) == 0,
                          "config_view::get supports bool, integers, float, double, "
                          "std::string(_view) and std::vector of int64_t, double or float");
        }
    }

    /// An int-array field's elements (borrowed).
    [[nodiscard]] span<const std::int64_t> ints(std::string_view name) const {
        const spark_value_t& v = value(name);
        expect(name, v, SPARK_FIELD_INT_ARRAY, "int array");
        return {v.ints, v.count};
    }
    /// A float-array field's elements (borrowed).
    [[nodiscard]] span<const double> floats(std::string_view name) const {
        const spark_value_t& v = value(name);
        expect(name, v, SPARK_FIELD_FLOAT_ARRAY, "float array");
        return {v.floats, v.count};
    }
    /// The shape given by an int-array field such as `units`.
    [[nodiscard]] spark_shape_t shape(std::string_view name) const {
        return make_shape(ints(name));
    }
    /// A nested config (CONFIG field, or an INITIALIZER field holding a config); its class_ref
    /// names the type. A nullable CONFIG field holding none throws SPARK_ERR_PLUGIN: ask
    /// has_config() first.
    [[nodiscard]] const spark_config_t& nested(std::string_view name) const {
        const std::uint32_t i = index_of(name);
        const spark_value_t& v = config_.values[i];
        expect(name, v, SPARK_FIELD_CONFIG, "nested config");
        if (v.config == nullptr) {
            if ((fields_[i].flags & SPARK_FIELD_NULLABLE) != 0) {
                throw status_error(SPARK_ERR_PLUGIN,
                                   "config field '" + std::string(name) +
                                       "' holds none; check has_config() first");
            }
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               "config field '" + std::string(name) + "' has no nested config");
        }
        return *v.config;
    }
    /// Whether a CONFIG field holds a nested config: false when a nullable field holds none
    /// (upstream's None), true otherwise. Reading another field type throws SPARK_ERR_PLUGIN.
    [[nodiscard]] bool has_config(std::string_view name) const {
        const spark_value_t& v = value(name);
        expect(name, v, SPARK_FIELD_CONFIG, "nested config");
        return v.config != nullptr;
    }

    /// The raw value of field `name`; throws SPARK_ERR_PLUGIN for a name the schema lacks.
    [[nodiscard]] const spark_value_t& value(std::string_view name) const {
        return config_.values[index_of(name)];
    }
    [[nodiscard]] bool has(std::string_view name) const noexcept {
        for (std::uint32_t i = 0; i < field_count_; ++i) {
            if (name == fields_[i].name) {
                return true;
            }
        }
        return false;
    }

    [[nodiscard]] std::uint64_t seed() const noexcept { return config_.seed; }
    /// SPARK_DTYPE_F32 or SPARK_DTYPE_F64 (checked on construction).
    [[nodiscard]] std::int32_t dtype() const noexcept { return config_.dtype; }
    /// Time step [ms], > 0 (checked on construction).
    [[nodiscard]] double dt() const noexcept { return config_.dt; }
    [[nodiscard]] std::string_view class_ref() const noexcept {
        return config_.class_ref != nullptr ? config_.class_ref : "";
    }
    [[nodiscard]] const spark_config_t& raw() const noexcept { return config_; }

private:
    /// The schema position of field `name`; throws SPARK_ERR_PLUGIN for a name the schema lacks.
    [[nodiscard]] std::uint32_t index_of(std::string_view name) const {
        for (std::uint32_t i = 0; i < field_count_; ++i) {
            if (name == fields_[i].name) {
                return i;
            }
        }
        std::string known;
        for (std::uint32_t i = 0; i < field_count_; ++i) {
            known += (i == 0 ? "" : ", ") + std::string(fields_[i].name);
        }
        throw status_error(SPARK_ERR_PLUGIN,
                           "config has no field '" + std::string(name) +
                               "' (fields: " + (known.empty() ? std::string("none") : known) + ")");
    }
    static bool is_array(std::int32_t type) {
        return type == SPARK_FIELD_INT_ARRAY || type == SPARK_FIELD_FLOAT_ARRAY;
    }
    static void
    expect(std::string_view name, const spark_value_t& v, std::int32_t type, const char* as) {
        if (v.type != type) {
            throw status_error(SPARK_ERR_PLUGIN,
                               "config field '" + std::string(name) + "' is a " +
                                   detail::field_type_name(v.type) + ", read as " + as);
        }
    }
    [[noreturn]] static void out_of_range(std::string_view name, std::int64_t value) {
        throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                           "config field '" + std::string(name) +
                               "' is out of range for this module, got " + std::to_string(value));
    }

    const spark_field_desc_t* fields_;
    std::uint32_t field_count_;
    const spark_config_t& config_;
};

} // namespace spark::sdk
