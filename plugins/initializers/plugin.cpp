// SPDX-License-Identifier: Apache-2.0
// The spark.initializers plugin: upstream's initializer types, run by modules through the host's
// initializer service (SPARK_SERVICE_INITIALIZERS) or by the host directly.
#include <spark/sdk/plugin.hpp>

#include "initializer_types.hpp"

SPARK_PLUGIN("spark.initializers",
             "spark",
             "0.1.0",
             "constant, uniform and sparse uniform array initializers",
             spark::initializers::constant_initializer,
             spark::initializers::uniform_initializer,
             spark::initializers::sparse_uniform_initializer,
             spark::initializers::normalized_sparse_uniform_initializer);
