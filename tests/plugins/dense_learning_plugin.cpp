// SPDX-License-Identifier: Apache-2.0
// Test-only plugin `test.dense_learning`: spark.neurons' population core (neuron/population.hpp)
// with learning/dense_learning.hpp in place of the event-driven rule policies, so
// test_dense_learning.cpp can run lif_neuron and alif_neuron next to their dense twins and
// compare them bit for bit, and a LIF population learning with Oja's rule. Built from the
// plugin's own headers, like a third party reusing them.
#include <cstdint>

#include <spark/sdk/plugin.hpp>

#include "learning/dense_learning.hpp"
#include "learning/hebbian_rule.hpp"
#include "learning/oja_rule.hpp"
#include "learning/zenke_rule.hpp"
#include "neuron/population.hpp"
#include "somas/leaky_dynamics.hpp"
#include "somas/refractory_dynamics.hpp"

namespace {

using spark::neurons::dense_learning;
using spark::neurons::population;

template <typename T, typename Soma, typename Update>
struct dense_neuron : population<T, Soma, dense_learning<Update>> {
    using base = population<T, Soma, dense_learning<Update>>;
    static constexpr std::int32_t kind = SPARK_KIND_NEURON;
    static constexpr const char* version = "1.0.0";
    static void declare(spark::sdk::schema& s) { base::declare(s); }
    dense_neuron(const spark::sdk::config_view& cfg,
                 const spark::sdk::instance_info& info,
                 const char* name)
        : base(cfg, info, name) {}
};

/// lif_neuron with dense_learning<hebbian_update> instead of hebbian_learning.
template <typename T>
struct dense_lif_neuron
    : dense_neuron<T, spark::neurons::leaky_dynamics<T>, spark::neurons::hebbian_update<T>> {
    static constexpr const char* class_ref = "dense_lif_neuron";
    static constexpr const char* description = "lif_neuron learning through dense_learning";
    dense_lif_neuron(const spark::sdk::config_view& cfg, const spark::sdk::instance_info& info)
        : dense_lif_neuron::dense_neuron(cfg, info, class_ref) {}
};

/// alif_neuron with dense_learning<zenke_update> instead of zenke_learning.
template <typename T>
struct dense_alif_neuron
    : dense_neuron<T, spark::neurons::adaptive_leaky_dynamics<T>, spark::neurons::zenke_update<T>> {
    static constexpr const char* class_ref = "dense_alif_neuron";
    static constexpr const char* description = "alif_neuron learning through dense_learning";
    dense_alif_neuron(const spark::sdk::config_view& cfg, const spark::sdk::instance_info& info)
        : dense_alif_neuron::dense_neuron(cfg, info, class_ref) {}
};

/// A LIF population learning with Oja's rule (no event-driven form exists).
template <typename T>
struct oja_lif_neuron
    : dense_neuron<T, spark::neurons::leaky_dynamics<T>, spark::neurons::oja_update<T>> {
    static constexpr const char* class_ref = "oja_lif_neuron";
    static constexpr const char* description = "a LIF population learning with oja_rule";
    oja_lif_neuron(const spark::sdk::config_view& cfg, const spark::sdk::instance_info& info)
        : oja_lif_neuron::dense_neuron(cfg, info, class_ref) {}
};

} // namespace

SPARK_PLUGIN("test.dense_learning",
             "test",
             "0.1.0",
             "spark.neurons populations with dense_learning rule policies (tests only)",
             spark::sdk::per_dtype<dense_lif_neuron>,
             spark::sdk::per_dtype<dense_alif_neuron>,
             spark::sdk::per_dtype<oja_lif_neuron>);
