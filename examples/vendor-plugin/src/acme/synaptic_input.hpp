// SPDX-License-Identifier: Apache-2.0
// What acme's two neuron populations share: the population fields (`units`, `inhibitory_rate`,
// `kernel`), the inhibitory identity of each neuron, the kernel W[post, pre] evaluated through the
// host's initializer service, and the delivery of one step's presynaptic spikes through it.
// Spikes arrive in the step they are read (no delays): a module reads its peers' outputs of the
// previous step, so that one step of latency is all there is.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spark/abi/module.h>
#include <spark/abi/types.h>
#include <spark/sdk/buffers.hpp>
#include <spark/sdk/guard.hpp>
#include <spark/sdk/initializer.hpp>
#include <spark/sdk/module.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/random.hpp>
#include <spark/sdk/schema.hpp>

namespace acme {

/// The initializer a kernel uses unless the config says otherwise. Named with its vendor, so that
/// another plugin offering an initializer of the same bare name never makes the default ambiguous.
inline constexpr const char* default_kernel_initializer = "spark.sparse_uniform_initializer";

/// Declares `units`, `inhibitory_rate` and `kernel` (weights in `kernel_units`; the default is
/// default_kernel_initializer with `kernel_overrides`, e.g. `"scale": 100.0`). Returns the kernel
/// field, for further validators.
inline spark::sdk::field_builder& declare_population_fields(spark::sdk::schema& s,
                                                            const char* kernel_units,
                                                            const char* kernel_overrides,
                                                            const std::string& kernel_description) {
    s.field_int_array("units", {})
        .required()
        .positive()
        .length(1, SPARK_MAX_RANK)
        .description("shape of the population, e.g. [100] or [10, 10]");
    s.field_float("inhibitory_rate", 0.2)
        .range(0.0, 1.0)
        .description("share of inhibitory neurons: floor(|units| * rate) of them, chosen by a "
                     "permutation drawn from the seed; their spikes carry bit1");
    return s.field_initializer("kernel", default_kernel_initializer, kernel_overrides)
        .units(kernel_units)
        .nested_kind(SPARK_KIND_INITIALIZER)
        .description(kernel_description);
}

/// 1 for an inhibitory neuron, 0 for an excitatory one, for the n neurons of a population whose
/// config is `cfg`: the first floor(n * inhibitory_rate) entries of a random permutation drawn
/// from the config's seed. Deterministic in (seed, n, rate) on every platform.
[[nodiscard]] inline std::vector<std::uint8_t> inhibitory_mask(const spark::sdk::config_view& cfg,
                                                               std::size_t n) {
    const double rate = cfg.get<double>("inhibitory_rate");
    const auto inhibitory = static_cast<std::size_t>(std::floor(static_cast<double>(n) * rate));
    std::vector<std::uint8_t> mask(n, 0);
    spark::sdk::random_stream stream(cfg.seed());
    const auto order = stream.permutation(n);
    for (std::size_t k = 0; k < inhibitory && k < n; ++k) {
        mask[order[k]] = 1;
    }
    return mask;
}

/// a ⊕ b, e.g. units (2) ⊕ presynaptic shape (3, 4) = (2, 3, 4).
[[nodiscard]] inline spark_shape_t concat_shapes(const spark_shape_t& a, const spark_shape_t& b) {
    if (a.rank + b.rank > SPARK_MAX_RANK) {
        throw spark::sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                       "the kernel shape units " + spark::sdk::shape_string(a) +
                                           " ⊕ input " + spark::sdk::shape_string(b) +
                                           " has rank " + std::to_string(a.rank + b.rank) +
                                           ", more than " + std::to_string(SPARK_MAX_RANK) +
                                           "; flatten the input or the units");
    }
    spark_shape_t s = a;
    for (std::uint32_t i = 0; i < b.rank; ++i) {
        s.dims[a.rank + i] = b.dims[i];
    }
    s.rank = a.rank + b.rank;
    return s;
}

[[nodiscard]] inline std::size_t count_of(const spark_shape_t& shape) {
    return static_cast<std::size_t>(spark::sdk::element_count(shape));
}

/// Which weights a kernel may hold (besides being finite).
enum class weights {
    any_sign,     // currents: a negative weight flips the presynaptic sign
    non_negative, // conductance increments
};

/// A population's synaptic input: the kernel W[o][i] (post-major, W[o * n_pre + i]), the
/// inhibitory mask, and per step the sums of W over the excitatory and the inhibitory presynaptic
/// neurons that spiked (bit0), the sign coming from each input's bit1.
template <typename T>
class synaptic_input {
public:
    synaptic_input(const spark::sdk::config_view& cfg,
                   const spark::sdk::instance_info& info,
                   weights allowed)
        : host_(info.host), units_(cfg.shape("units")),
          mask_(inhibitory_mask(cfg, count_of(units_))), kernel_init_(cfg, "kernel"),
          non_negative_(allowed == weights::non_negative) {}

    [[nodiscard]] const spark_shape_t& units() const noexcept { return units_; }
    [[nodiscard]] std::size_t size() const noexcept { return mask_.size(); }

    /// The output spec of every acme population: spikes shaped `units`.
    [[nodiscard]] spark_port_spec_t output_spec() const {
        return spark::sdk::make_spec(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, units_);
    }

    /// Sizes everything for the input spec `in` and evaluates the kernel.
    void build(const spark_port_spec_t& in) {
        n_pre_ = count_of(in.shape);
        kernel_shape_ = concat_shapes(units_, in.shape);
        load_kernel();
        excitatory_fired_.reserve(n_pre_);
        inhibitory_fired_.reserve(n_pre_);
    }

    /// Back to the configured kernel if a checkpoint replaced it; writes step -1's output:
    /// silence carrying the inhibition bits.
    void reset(spark::sdk::span<std::uint8_t> out) {
        if (kernel_replaced_) {
            load_kernel();
        }
        excitatory_fired_.clear();
        inhibitory_fired_.clear();
        for (std::size_t o = 0; o < out.size(); ++o) {
            out[o] = label(o, false);
        }
    }

    /// Lists this step's presynaptic spikes (bit0), split by their sign (bit1).
    void collect(spark::sdk::span<const std::uint8_t> in) {
        excitatory_fired_.clear();
        inhibitory_fired_.clear();
        for (std::size_t i = 0; i < in.size(); ++i) {
            if ((in[i] & 1U) != 0) {
                ((in[i] & 2U) != 0 ? inhibitory_fired_ : excitatory_fired_).push_back(i);
            }
        }
    }

    /// Σ W[o][i] over the excitatory presynaptic neurons that spiked, in input order.
    [[nodiscard]] T excitatory_sum(std::size_t o) const noexcept {
        return sum(kernel_.data() + o * n_pre_, excitatory_fired_);
    }
    /// Σ W[o][i] over the inhibitory presynaptic neurons that spiked, in input order.
    [[nodiscard]] T inhibitory_sum(std::size_t o) const noexcept {
        return sum(kernel_.data() + o * n_pre_, inhibitory_fired_);
    }

    /// Neuron o's output byte: bit0 = spiked, bit1 = inhibitory.
    [[nodiscard]] std::uint8_t label(std::size_t o, bool spiked) const noexcept {
        return static_cast<std::uint8_t>((spiked ? 1U : 0U) | (mask_[o] != 0 ? 2U : 0U));
    }

    /// Adds "kernel" (units ⊕ input shape, post-major as W[post, pre]).
    void state(spark::sdk::state_list& s) { s.add("kernel", kernel_, kernel_shape_); }

    /// A checkpoint wrote the kernel: check it; reset() goes back to the configured one.
    void state_loaded() {
        check_kernel("the restored kernel");
        kernel_replaced_ = true;
    }

private:
    void load_kernel() {
        kernel_.assign(count_of(kernel_shape_), T(0));
        if (!kernel_.empty()) {
            spark_buffer_t out{};
            out.data = kernel_.data();
            out.count = kernel_.size();
            out.spec =
                spark::sdk::make_spec(SPARK_PAYLOAD_FLOAT, spark::sdk::dtype_of<T>, kernel_shape_);
            kernel_init_.fill(host_, out);
        }
        check_kernel("kernel");
        kernel_replaced_ = false;
    }

    // The host names the type and the instance; the message names the weight and the fix.
    void check_kernel(const char* what) const {
        for (std::size_t k = 0; k < kernel_.size(); ++k) {
            const auto w = static_cast<double>(kernel_[k]);
            const bool bad = !std::isfinite(w) || (non_negative_ && w < 0.0);
            if (bad) {
                throw spark::sdk::status_error(
                    SPARK_ERR_INVALID_ARGUMENT,
                    std::string(what) + " holds " + spark::sdk::detail::json_number_or_inf(w) +
                        " for postsynaptic neuron " + std::to_string(k / n_pre_) +
                        " and presynaptic neuron " + std::to_string(k % n_pre_) +
                        " (flattened indices); " +
                        (non_negative_
                             ? "conductance increments must be finite and >= 0 (an input's bit1 "
                               "chooses the inhibitory conductance), e.g. give the initializer "
                               "a positive scale or min_value 0.0"
                             : "weights must be finite"));
            }
        }
    }

    /// Σ row[i] over `fired`, in order.
    [[nodiscard]] static T sum(const T* row, const std::vector<std::size_t>& fired) noexcept {
        T total = T(0);
        for (const std::size_t i : fired) {
            total += row[i];
        }
        return total;
    }

    const spark_host_t* host_; // the instance's host, alive until destroy
    spark_shape_t units_;
    std::vector<std::uint8_t> mask_; // 1 = inhibitory
    spark::sdk::initializer_value kernel_init_;
    bool non_negative_;

    std::size_t n_pre_ = 0;
    spark_shape_t kernel_shape_{};
    std::vector<T> kernel_; // W[o * n_pre + i]
    bool kernel_replaced_ = false;
    std::vector<std::size_t> excitatory_fired_; // this step's spiking excitatory inputs
    std::vector<std::size_t> inhibitory_fired_; // this step's spiking inhibitory inputs
};

} // namespace acme
