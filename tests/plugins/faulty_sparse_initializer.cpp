// SPDX-License-Identifier: Apache-2.0
// Test-only plugin `test.faulty_sparse`: an initializer that offers the sparse fill
// (SPARK_EXT_SPARSE_INITIALIZER) and breaks its row contract in the way its `fault` field names,
// as another vendor's buggy initializer might. A neuron must refuse such a kernel with a message
// naming the row or column, and never write outside what it allocated.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <spark/sdk/plugin.hpp>
#include <spark/sdk/row_sink.hpp>

namespace {

struct faulty_sparse_initializer {
    static constexpr const char* class_ref = "faulty_sparse_initializer";
    static constexpr std::int32_t kind = SPARK_KIND_INITIALIZER;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "a sparse fill that breaks its contract (tests only)";

    static void declare(spark::sdk::schema& s) {
        s.field_string("fault", "row_twice")
            .description("row_twice, row_beyond, column_beyond, columns_descending or throws");
    }

    static void initialize(const spark::sdk::config_view& /*cfg*/, const spark_buffer_t& out) {
        auto* bytes = static_cast<unsigned char*>(out.data);
        std::fill(bytes, bytes + out.count * spark_dtype_size(out.spec.dtype), 0);
    }

    static double density(const spark::sdk::config_view& /*cfg*/) { return 0.1; }

    // Every row gets one weight of 1 at column 0, then the fault.
    static void fill_rows(const spark::sdk::config_view& cfg,
                          const spark_port_spec_t& spec,
                          std::uint64_t row_length,
                          std::uint64_t row_begin,
                          std::uint64_t row_end,
                          spark::sdk::row_sink& sink) {
        const auto fault = cfg.get<std::string>("fault");
        if (fault == "throws") {
            throw spark::sdk::status_error(SPARK_ERR_PLUGIN, "faulty: out of luck");
        }
        if (spec.dtype != SPARK_DTYPE_F32) {
            throw spark::sdk::status_error(SPARK_ERR_UNSUPPORTED, "faulty: float32 only");
        }
        const std::vector<float> ones = {1.0F, 1.0F};
        std::vector<std::uint64_t> columns = {0};
        for (std::uint64_t r = row_begin; r < row_end; ++r) {
            if (r == row_begin && fault == "column_beyond") {
                columns = {row_length};
            } else if (r == row_begin && fault == "columns_descending") {
                columns = {1, 0};
            } else {
                columns = {0};
            }
            sink.row(r, columns.data(), ones.data(), columns.size());
        }
        if (fault == "row_twice") {
            sink.row(row_begin, columns.data(), ones.data(), 1);
        } else if (fault == "row_beyond") {
            sink.row(row_end, columns.data(), ones.data(), 1);
        }
    }

    static void values_at(const spark::sdk::config_view& /*cfg*/,
                          const spark_port_spec_t& spec,
                          spark::sdk::span<const std::uint64_t> indices,
                          void* out) {
        auto* bytes = static_cast<unsigned char*>(out);
        std::fill(bytes, bytes + indices.size() * spark_dtype_size(spec.dtype), 0);
    }
};

} // namespace

SPARK_PLUGIN("test.faulty_sparse",
             "spark_tests",
             "0.1.0",
             "a sparse initializer that breaks its row contract (tests only)",
             faulty_sparse_initializer);
