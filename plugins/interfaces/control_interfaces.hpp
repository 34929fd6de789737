// SPDX-License-Identifier: Apache-2.0
// Upstream's control interfaces (docs/models.md section 8.3): payload plumbing without
// dynamics, for any payload (SPARK_PAYLOAD_ANY ports): spikes keep their inhibition bits, floats
// their dtype. The brain already flattens and concatenates the sources wired into one port, so
// each type here works on that one flat input.
//   concat          the input as it is (flat)
//   concat_reshape  the input reshaped to `reshape` (same element count, checked at build)
//   sampler         `sample_size` elements drawn once, with replacement, from the module's seed
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <spark/sdk/plugin.hpp>
#include <spark/sdk/random.hpp>

namespace spark::interfaces {

namespace detail {

inline void declare_any_input(sdk::schema& s) {
    s.input("inputs", SPARK_PAYLOAD_ANY, "spark_payload")
        .any()
        .description("any payload; several sources arrive flattened and concatenated in order");
}

/// Bytes per element of a buffer.
inline std::size_t element_bytes(const spark_buffer_t& buffer) {
    return spark_dtype_size(buffer.spec.dtype);
}

/// The input's bytes to the output: concatenation (the host gathers the sources into one
/// contiguous input) and reshaping only relabel them.
inline void copy_input_to_output(const sdk::step_context& ctx) {
    const auto& in = ctx.input_buffer(0);
    const auto& out = ctx.output_buffer(0);
    std::memcpy(out.data, in.data, in.count * element_bytes(in));
}

/// Output `out_shape` with the input's payload kind and dtype.
inline void set_output_like_input(sdk::build_context& b, const spark_shape_t& out_shape) {
    const spark_port_spec_t& in = b.input(0);
    b.output(0) = sdk::make_spec(in.payload_kind, in.dtype, out_shape);
}

} // namespace detail

class concat {
public:
    static constexpr const char* class_ref = "concat";
    static constexpr std::int32_t kind = SPARK_KIND_CONTROL_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "its sources flattened and concatenated, any payload; spikes keep their inhibition bits";

    static void declare(sdk::schema& s) {
        s.field_int("num_inputs", 0)
            .non_negative()
            .description("upstream's number of inputs; not needed (any number of sources is "
                         "concatenated), kept so upstream's configs load");
        detail::declare_any_input(s);
        s.output("output", SPARK_PAYLOAD_ANY, "spark_payload")
            .like_port("inputs")
            .description("the concatenation, same payload kind and dtype");
    }

    explicit concat(const sdk::config_view& /*cfg*/) {}

    void step(const sdk::step_context& ctx) { detail::copy_input_to_output(ctx); }
};

class concat_reshape {
public:
    static constexpr const char* class_ref = "concat_reshape";
    static constexpr std::int32_t kind = SPARK_KIND_CONTROL_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "its sources flattened, concatenated and reshaped, any payload; spikes keep their "
        "inhibition bits";
    static constexpr const char* example_config = R"({"reshape": [2, 4]})"; // for 8 inputs

    static void declare(sdk::schema& s) {
        s.field_int("num_inputs", 0)
            .non_negative()
            .description("upstream's number of inputs; not needed, kept so upstream's configs "
                         "load");
        s.field_int_array("reshape", {})
            .required()
            .positive()
            .length(1, SPARK_MAX_RANK)
            .description("the output shape; its element count must equal the input's");
        detail::declare_any_input(s);
        s.output("output", SPARK_PAYLOAD_ANY, "spark_payload")
            .computed("reshape")
            .description("the concatenation in shape `reshape`, same payload kind and dtype");
    }

    explicit concat_reshape(const sdk::config_view& cfg) : shape_(cfg.shape("reshape")) {}

    void build(sdk::build_context& b) {
        const std::uint64_t in = sdk::element_count(b.input(0).shape);
        const std::uint64_t out = sdk::element_count(shape_);
        if (in != out) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    "reshape " + sdk::shape_string(shape_) + " holds " +
                                        std::to_string(out) + " elements but the inputs hold " +
                                        std::to_string(in) +
                                        "; give a shape with as many elements");
        }
        detail::set_output_like_input(b, shape_);
    }

    void step(const sdk::step_context& ctx) { detail::copy_input_to_output(ctx); }

private:
    spark_shape_t shape_;
};

class sampler {
public:
    static constexpr const char* class_ref = "sampler";
    static constexpr std::int32_t kind = SPARK_KIND_CONTROL_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "sample_size elements of its input, picked once at build (uniformly, with replacement, "
        "from the seed), any payload; spikes keep their inhibition bits";
    static constexpr const char* example_config = R"({"sample_size": 4})";

    static void declare(sdk::schema& s) {
        s.field_int("sample_size", 1)
            .required()
            .positive()
            .description("how many elements to pick");
        detail::declare_any_input(s);
        s.output("output", SPARK_PAYLOAD_ANY, "spark_payload")
            .computed("(sample_size,)")
            .description("the picked elements in pick order, same payload kind and dtype");
        s.output("indices", SPARK_PAYLOAD_INT, "int_array")
            .computed("(sample_size,)")
            .description("which input element each output element is (constant)");
    }

    explicit sampler(const sdk::config_view& cfg)
        : size_(static_cast<std::size_t>(cfg.get<std::int64_t>("sample_size"))), seed_(cfg.seed()) {
    }

    void build(sdk::build_context& b) {
        const std::uint64_t n = sdk::element_count(b.input(0).shape);
        if (n == 0) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    "the inputs hold no element to sample from; wire a source");
        }
        // Upstream's randint(key, sample_size, 0, N): uniform, with replacement, fixed at build.
        sdk::random_stream draws(seed_);
        picks_.resize(size_);
        for (auto& pick : picks_) {
            pick = static_cast<std::int32_t>(draws.below(n));
        }
        const auto shape = sdk::make_shape({static_cast<std::int64_t>(size_)});
        detail::set_output_like_input(b, shape);
        b.output(1) = sdk::make_spec(SPARK_PAYLOAD_INT, SPARK_DTYPE_I32, shape);
    }

    void reset(const sdk::output_buffers& out) {
        const auto indices = out.get<std::int32_t>(1);
        std::copy(picks_.begin(), picks_.end(), indices.begin());
    }

    void step(const sdk::step_context& ctx) {
        const auto& in = ctx.input_buffer(0);
        const auto& out = ctx.output_buffer(0);
        const std::size_t bytes = detail::element_bytes(in);
        const auto* from = static_cast<const unsigned char*>(in.data);
        auto* to = static_cast<unsigned char*>(out.data);
        for (std::size_t k = 0; k < size_; ++k) {
            std::memcpy(to + k * bytes, from + static_cast<std::size_t>(picks_[k]) * bytes, bytes);
        }
        const auto indices = ctx.output<std::int32_t>(1);
        std::copy(picks_.begin(), picks_.end(), indices.begin());
    }

private:
    std::size_t size_;
    std::uint64_t seed_;
    std::vector<std::int32_t> picks_;
};

} // namespace spark::interfaces
