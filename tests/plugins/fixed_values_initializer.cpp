// SPDX-License-Identifier: Apache-2.0
// Test-only plugin `test.fixed_values`: one initializer type that writes the given numbers in
// row-major order, so a test can hand a component an exact kernel (upstream passes such a kernel
// as a plain array, e.g. the delays [[1, 2], [3, 4]] of scenario S3a). It has no scale /
// min_value / max_value fields, so no component forces init_kwargs on it: the numbers arrive
// unchanged, as upstream's arrays do.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include <spark/sdk/plugin.hpp>

namespace {

struct fixed_values_initializer {
    static constexpr const char* class_ref = "fixed_values_initializer";
    static constexpr std::int32_t kind = SPARK_KIND_INITIALIZER;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "the given values, row-major (tests only)";

    static void declare(spark::sdk::schema& s) {
        s.field_float_array("values", {}).description("one number per element, row-major");
    }

    static void initialize(const spark::sdk::config_view& cfg, const spark_buffer_t& out) {
        const auto values = cfg.floats("values");
        if (values.size() != out.count) {
            throw spark::sdk::status_error(
                SPARK_ERR_INVALID_ARGUMENT,
                "fixed_values_initializer has " + std::to_string(values.size()) +
                    " values for a buffer of " + std::to_string(out.count) + " elements");
        }
        switch (out.spec.dtype) {
        case SPARK_DTYPE_U8:
            return write<std::uint8_t>(values, out);
        case SPARK_DTYPE_I32:
            return write<std::int32_t>(values, out);
        case SPARK_DTYPE_F32:
            return write<float>(values, out);
        case SPARK_DTYPE_F64:
            return write<double>(values, out);
        default:
            throw spark::sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                           "fixed_values_initializer cannot write " +
                                               spark::sdk::dtype_name(out.spec.dtype));
        }
    }

private:
    template <typename E>
    static void write(spark::sdk::span<const double> values, const spark_buffer_t& out) {
        auto elements = spark::sdk::typed<E>(out, "output buffer", "out");
        for (std::size_t k = 0; k < values.size(); ++k) {
            const double v = values[k];
            if constexpr (std::is_integral_v<E>) {
                if (std::trunc(v) != v || v < static_cast<double>(std::numeric_limits<E>::min()) ||
                    v > static_cast<double>(std::numeric_limits<E>::max())) {
                    throw spark::sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                                   "fixed_values_initializer: value " +
                                                       std::to_string(v) +
                                                       " does not fit the integer buffer");
                }
            }
            elements[k] = static_cast<E>(v);
        }
    }
};

} // namespace

SPARK_PLUGIN("test.fixed_values",
             "spark_tests",
             "0.1.0",
             "an initializer writing given values (tests only)",
             fixed_values_initializer);
