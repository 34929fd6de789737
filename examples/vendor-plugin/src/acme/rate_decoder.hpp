// SPDX-License-Identifier: Apache-2.0
// `acme.rate_decoder`: an output interface reading population rates. The n input neurons are split
// into num_outputs contiguous groups in input order (group j holds floor(n / K) neurons, plus one
// for j < n mod K); per step each output is its group's rate [Hz] through an exponential window:
//
//   r_j ← α · r_j + (1 - α) · c_j / (n_j · dt / 1000),   α = exp(-dt / tau)
//
// where c_j counts the group's spikes (bit0; the inhibition bit is ignored) and n_j is its size.
// A group firing on every step settles at 1000 / dt Hz.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spark/sdk/plugin.hpp>

namespace acme {

template <typename T>
class rate_decoder {
public:
    static constexpr const char* class_ref = "rate_decoder";
    static constexpr std::int32_t kind = SPARK_KIND_OUTPUT_INTERFACE;
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description =
        "population rates in Hz of num_outputs contiguous groups of the input neurons, smoothed "
        "by an exponential window of time constant tau";

    static constexpr std::size_t spikes_in = 0; // input port
    static constexpr std::size_t rates_out = 0; // output port

    static void declare(spark::sdk::schema& s) {
        s.field_int("num_outputs", 1)
            .positive()
            .description("number of groups (and outputs); at most the number of input neurons");
        s.field_float("tau", 20.0)
            .units("ms")
            .positive()
            .description("time constant of the exponential window over which rates are averaged");
        s.input("spikes", SPARK_PAYLOAD_SPIKES, "spike_array")
            .any()
            .description("spikes of the neurons read out (bit0; the inhibition bit is ignored)");
        s.output("rates", SPARK_PAYLOAD_FLOAT, "float_array")
            .computed("(num_outputs,)")
            .description("each group's smoothed population rate [Hz]");
    }

    explicit rate_decoder(const spark::sdk::config_view& cfg)
        : outputs_(cfg.get<std::uint32_t>("num_outputs")), dt_(cfg.dt()),
          alpha_(std::exp(-cfg.dt() / cfg.get<double>("tau"))),
          shape_(spark::sdk::make_shape({static_cast<std::int64_t>(outputs_)})) {}

    void contract(spark::sdk::contract_context& c) { c.output(rates_out) = spec(c.dtype()); }

    void build(spark::sdk::build_context& b) {
        const auto n =
            static_cast<std::size_t>(spark::sdk::element_count(b.input(spikes_in).shape));
        if (outputs_ > n) {
            throw spark::sdk::status_error(
                SPARK_ERR_INVALID_ARGUMENT,
                "num_outputs is " + std::to_string(outputs_) + " but input 'spikes' has only " +
                    std::to_string(n) + " neuron" + (n == 1 ? "" : "s") +
                    "; every output needs a group of at least one neuron: set num_outputs to at "
                    "most " +
                    std::to_string(n) + " or wire more neurons to 'spikes'");
        }
        // Group j: neurons [first_[j], first_[j + 1]).
        const std::size_t base = n / outputs_;
        const std::size_t extra = n % outputs_;
        first_.assign(outputs_ + 1, 0);
        gain_.assign(outputs_, T(0));
        for (std::size_t j = 0; j < outputs_; ++j) {
            const std::size_t size = base + (j < extra ? 1 : 0);
            first_[j + 1] = first_[j] + size;
            // (1 - α) / (n_j dt / 1000): the rate one spike adds, weighted by the window.
            gain_[j] = static_cast<T>((1.0 - alpha_) * 1000.0 / (static_cast<double>(size) * dt_));
        }
        decay_ = static_cast<T>(alpha_);
        rate_.assign(outputs_, T(0));
        b.output(rates_out) = spec(b.dtype());
    }

    // Rates restart at 0 Hz; step -1's output stays as the SDK zero-filled it.
    void reset(const spark::sdk::output_buffers& /*out*/) {
        std::fill(rate_.begin(), rate_.end(), T(0));
    }

    void step(const spark::sdk::step_context& ctx) {
        const auto spikes = ctx.input<std::uint8_t>(spikes_in);
        const auto rates = ctx.output<T>(rates_out);
        for (std::size_t j = 0; j < outputs_; ++j) {
            std::uint32_t count = 0;
            for (std::size_t i = first_[j]; i < first_[j + 1]; ++i) {
                count += spikes[i] & 1U;
            }
            rate_[j] = decay_ * rate_[j] + gain_[j] * static_cast<T>(count);
            rates[j] = rate_[j];
        }
    }

    /// "rate" (num_outputs,) [Hz].
    void state(spark::sdk::state_list& s) { s.add("rate", rate_, shape_); }

    void state_loaded() {
        for (std::size_t j = 0; j < rate_.size(); ++j) {
            const auto r = static_cast<double>(rate_[j]);
            if (!std::isfinite(r) || r < 0.0) {
                throw spark::sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                               "restored rate[" + std::to_string(j) + "] is " +
                                                   spark::sdk::detail::json_number_or_inf(r) +
                                                   "; a rate must be finite and >= 0 Hz");
            }
        }
    }

private:
    [[nodiscard]] spark_port_spec_t spec(std::int32_t dtype) const {
        return spark::sdk::make_spec(SPARK_PAYLOAD_FLOAT, dtype, shape_);
    }

    std::uint32_t outputs_;
    double dt_;    // [ms]
    double alpha_; // exp(-dt / tau)
    spark_shape_t shape_;

    std::vector<std::size_t> first_; // group j is [first_[j], first_[j + 1])
    std::vector<T> gain_;            // (1 - α) · 1000 / (n_j · dt) [Hz per spike]
    T decay_ = T(0);                 // α
    std::vector<T> rate_;            // r_j [Hz]
};

} // namespace acme
