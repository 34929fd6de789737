// SPDX-License-Identifier: Apache-2.0
// The spark.interfaces plugin: a brain's input and output interfaces (signals to spikes and back).
#include <spark/sdk/plugin.hpp>

#include "exponential_integrator.hpp"
#include "poisson_spiker.hpp"

SPARK_PLUGIN("spark.interfaces",
             "spark",
             "0.1.0",
             "input and output interfaces: Poisson spikes from signals, signals from spikes",
             spark::sdk::per_dtype<spark::interfaces::poisson_spiker>,
             spark::sdk::per_dtype<spark::interfaces::exponential_integrator>);
