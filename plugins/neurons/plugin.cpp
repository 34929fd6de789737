// SPDX-License-Identifier: Apache-2.0
// The spark.neurons plugin: every type it offers, in the order `spark plugins describe` lists them.
#include <spark/sdk/plugin.hpp>

#include "somas/leaky_soma.hpp"

SPARK_PLUGIN("spark.neurons",
             "spark",
             "0.1.0",
             "LIF neurons and their components",
             spark::sdk::per_dtype<spark::neurons::leaky_soma>);
