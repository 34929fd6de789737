// SPDX-License-Identifier: Apache-2.0
// The spark.interfaces plugin: a brain's input and output interfaces (signals to spikes and back).
#include <spark/sdk/plugin.hpp>

#include "control_interfaces.hpp"
#include "current_generator.hpp"
#include "exponential_integrator.hpp"
#include "linear_spiker.hpp"
#include "poisson_spiker.hpp"
#include "spike_generator.hpp"
#include "topological_spikers.hpp"

SPARK_PLUGIN("spark.interfaces",
             "spark",
             "0.1.0",
             "input, output and control interfaces: Poisson, linear and topological spikes from "
             "signals, spikes and currents at given steps, signals from spikes, concatenation "
             "and sampling",
             spark::sdk::per_dtype<spark::interfaces::poisson_spiker>,
             spark::sdk::per_dtype<spark::interfaces::linear_spiker>,
             spark::sdk::per_dtype<spark::interfaces::topological_poisson_spiker>,
             spark::sdk::per_dtype<spark::interfaces::topological_linear_spiker>,
             spark::sdk::per_dtype<spark::interfaces::exponential_integrator>,
             spark::interfaces::spike_generator,
             spark::sdk::per_dtype<spark::interfaces::current_generator>,
             spark::interfaces::concat,
             spark::interfaces::concat_reshape,
             spark::interfaces::sampler);
