// SPDX-License-Identifier: Apache-2.0
// Test plugin create_fails: create refuses `limit` > 10 with SPARK_ERR_INVALID_ARGUMENT and the
// message `limit must be <= 10, got <limit>`; otherwise the instance copies in to out.
#include <cstdint>
#include <string>

#include <spark/sdk/plugin.hpp>

namespace {

template <typename T>
class create_fails {
public:
    static constexpr const char* class_ref = "create_fails";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "fails to create when limit is above 10";

    static void declare(spark::sdk::schema& s) {
        s.field_int("limit", 12).description("must be <= 10 for create to succeed");
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array").any();
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").like_port("in");
    }

    explicit create_fails(const spark::sdk::config_view& cfg) {
        const auto limit = cfg.get<std::int64_t>("limit");
        if (limit > 10) {
            throw spark::sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                           "limit must be <= 10, got " + std::to_string(limit));
        }
    }

    void step(const spark::sdk::step_context& ctx) {
        const auto in = ctx.input<T>(0);
        const auto out = ctx.output<T>(0);
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = in[i];
        }
    }
};

} // namespace

SPARK_PLUGIN("test.create_fails",
             "test",
             "1.0.0",
             "a type whose create fails for limit > 10",
             spark::sdk::per_dtype<create_fails>);
