// SPDX-License-Identifier: Apache-2.0
// Compiled as C++17 (tests/sdk/CMakeLists.txt): every SDK header, a complete float-generic module
// type with every optional member, and its plugin, to prove the helpers stay C++17.
#include "cxx17_check.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

#include <spark/sdk/buffers.hpp>
#include <spark/sdk/guard.hpp>
#include <spark/sdk/module.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/plugin.hpp>
#include <spark/sdk/schema.hpp>

#if __cplusplus != 201703L
#    error "this file must be compiled as C++17"
#endif

namespace {

template <typename T>
class scaler {
public:
    static constexpr const char* class_ref = "scaler";
    static constexpr std::int32_t kind = SPARK_KIND_COMPONENT;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "scales its input";

    static void declare(spark::sdk::schema& s) {
        s.field_float("factor", 2.0).range(0.0, 10.0).units("1");
        s.field_int_array("units", {2}).length(1, 8);
        s.input("in", SPARK_PAYLOAD_FLOAT, "float_array");
        s.output("out", SPARK_PAYLOAD_FLOAT, "float_array").from_field("units");
    }
    scaler(const spark::sdk::config_view& cfg, const spark::sdk::instance_info& info)
        : factor_(cfg.get<T>("factor")), host_(info.host) {}
    void build(spark::sdk::build_context& b) {
        state_.assign(spark::sdk::element_count(b.output(0).shape), T{});
    }
    void reset(const spark::sdk::output_buffers& out) { (void)out.get<T>(0); }
    void step(const spark::sdk::step_context& ctx) {
        const auto in = ctx.input<T>(0);
        const auto out = ctx.output<T>(0);
        for (std::size_t i = 0; i < out.size() && i < in.size(); ++i) {
            out[i] = factor_ * in[i];
        }
        spark::sdk::visit_dtype(spark::sdk::dtype_of<T>, [](auto zero) { (void)zero; });
    }
    void state(spark::sdk::state_list& s) {
        s.add("state", state_.data(), spark::sdk::make_shape({2}));
    }
    void state_loaded() { spark::sdk::report_warning(host_, "state loaded"); }
    void contract(spark::sdk::contract_context& c) { (void)c; }
    const void* extension(std::string_view id) { return id.empty() ? nullptr : this; }

private:
    T factor_;
    const spark_host_t* host_;
    std::vector<T> state_;
};

struct info17 {
    static constexpr const char* vendor = "cxx17";
};
using plugin17 = spark::sdk::plugin<info17, spark::sdk::per_dtype<scaler>>;

} // namespace

long spark_test_cxx17_standard() {
    return __cplusplus;
}

std::string spark_test_cxx17_describe() {
    if (plugin17::init(nullptr) != SPARK_OK) {
        return "init failed";
    }
    std::uint32_t n = 0;
    const auto* types = plugin17::types(&n);
    std::string text =
        std::string(types[0]->vendor) + "." + types[0]->class_ref + " " +
        types[0]->fields[0].default_json + " " + types[0]->fields[1].default_json + " contract=" +
        (spark::sdk::detail::has_contract<spark::sdk::per_dtype<scaler>>::value ? "yes" : "no");
    plugin17::deinit();
    return text;
}
