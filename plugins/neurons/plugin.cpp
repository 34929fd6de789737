// SPDX-License-Identifier: Apache-2.0
// The spark.neurons plugin: every type it offers, in the order `spark plugins describe` lists them.
#include <spark/sdk/plugin.hpp>

#include "delays/n2n_delays.hpp"
#include "delays/n_delays.hpp"
#include "learning/hebbian_rule.hpp"
#include "learning/oja_rule.hpp"
#include "learning/quadruplet_rule.hpp"
#include "learning/three_factor_hebbian_rule.hpp"
#include "learning/zenke_rule.hpp"
#include "neuron/neuron_types.hpp"
#include "somas/adaptive_leaky_soma.hpp"
#include "somas/exponential_soma.hpp"
#include "somas/izhikevich_soma.hpp"
#include "somas/leaky_soma.hpp"
#include "somas/strict_refractory_leaky_soma.hpp"
#include "synapses/linear_synapses.hpp"
#include "synapses/traced_synapses.hpp"

SPARK_PLUGIN("spark.neurons",
             "spark",
             "0.1.0",
             "neuron populations (LIF, ALIF, AdEx, Izhikevich) and their components",
             spark::sdk::per_dtype<spark::neurons::lif_neuron>,
             spark::sdk::per_dtype<spark::neurons::alif_neuron>,
             spark::sdk::per_dtype<spark::neurons::ad_ex_neuron>,
             spark::sdk::per_dtype<spark::neurons::izhikevich_neuron>,
             spark::sdk::per_dtype<spark::neurons::leaky_soma>,
             spark::sdk::per_dtype<spark::neurons::refractory_leaky_soma>,
             spark::sdk::per_dtype<spark::neurons::adaptive_leaky_soma>,
             spark::sdk::per_dtype<spark::neurons::strict_refractory_leaky_soma>,
             spark::sdk::per_dtype<spark::neurons::exponential_soma>,
             spark::sdk::per_dtype<spark::neurons::refractory_exponential_soma>,
             spark::sdk::per_dtype<spark::neurons::adaptive_exponential_soma>,
             spark::sdk::per_dtype<spark::neurons::simplified_adaptive_exponential_soma>,
             spark::sdk::per_dtype<spark::neurons::izhikevich_soma>,
             spark::sdk::per_dtype<spark::neurons::linear_synapses>,
             spark::sdk::per_dtype<spark::neurons::traced_synapses>,
             spark::sdk::per_dtype<spark::neurons::rd_traced_synapses>,
             spark::sdk::per_dtype<spark::neurons::rfs_traced_synapses>,
             spark::neurons::n_delays,
             spark::neurons::n2n_delays,
             spark::sdk::per_dtype<spark::neurons::hebbian_rule>,
             spark::sdk::per_dtype<spark::neurons::zenke_rule>,
             spark::sdk::per_dtype<spark::neurons::oja_rule>,
             spark::sdk::per_dtype<spark::neurons::three_factor_hebbian_rule>,
             spark::sdk::per_dtype<spark::neurons::quadruplet_rule>,
             spark::sdk::per_dtype<spark::neurons::quadruplet_rule_tensor>);
