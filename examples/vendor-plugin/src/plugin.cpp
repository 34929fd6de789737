// SPDX-License-Identifier: Apache-2.0
// The acme.models plugin: the one exported entry of spark-acme.so and the types it offers, in the
// order `spark plugins list` shows them. Every type runs in float32 or float64, as its config's
// dtype says (per_dtype).
#include <spark/sdk/plugin.hpp>

#include "acme/lif_neuron.hpp"
#include "acme/qif_neuron.hpp"
#include "acme/qif_soma.hpp"
#include "acme/rate_decoder.hpp"

SPARK_PLUGIN("acme.models",
             "acme",
             "1.0.0",
             "acme's neuron models for Spark: quadratic and conductance-based integrate-and-fire "
             "populations, a quadratic integrate-and-fire soma for Spark's neuron compositions, "
             "and a population-rate decoder",
             spark::sdk::per_dtype<acme::qif_neuron>,
             spark::sdk::per_dtype<acme::qif_soma>,
             spark::sdk::per_dtype<acme::lif_neuron>,
             spark::sdk::per_dtype<acme::rate_decoder>);
