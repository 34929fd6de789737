// SPDX-License-Identifier: Apache-2.0
// A large delivery split over the host's workers (SPARK_SERVICE_PARALLEL, neuron/population.hpp)
// gives the same state, bit for bit, as one thread: a test service that offers 3 workers and runs
// the chunks in reverse order drives spark.lif_neuron with full columns (dense kernels, with and
// without learning), with delay groups (n2n delays on a sparse kernel, static, and plastic in the
// grouped layout) and with delivery at emission (a sparser one), inhibitory inputs included,
// against the same neuron without the service. Kernels of 2^20 elements and more are also drawn
// (constant, uniform and sparse uniform initializers) and turned pre-major in parts while the
// neuron builds; square and rectangular kernels give the same bits as without the service.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/abi/spark_abi.h>
#include <spark/registry/plugin_registry.hpp>

#include "models_fixture.hpp"

using spark::test::port;
using spark::test::running_module;

namespace {

/// Offers 3 workers and runs every chunk, last first: a result that depends on the order or the
/// number of chunks shows up as a difference.
struct reversed_chunks {
    spark_parallel_service_t table{};
    std::atomic<std::uint32_t> runs{0};

    reversed_chunks() {
        table.abi_version = SPARK_ABI_VERSION_INIT;
        table.service_data = this;
        table.workers = [](const spark_parallel_service_t*) -> std::uint32_t { return 3; };
        table.run = [](const spark_parallel_service_t* self,
                       std::uint32_t chunks,
                       void(SPARK_ABI * body)(void*, std::uint32_t),
                       void* context) -> spark_status {
            static_cast<reversed_chunks*>(self->service_data)->runs += 1;
            for (std::uint32_t c = chunks; c > 0; --c) {
                body(context, c - 1);
            }
            return SPARK_OK;
        };
    }
};

constexpr std::uint32_t n_pre = 300;
constexpr std::uint32_t n_post = 500; // 300 x 500 = 150,000 synapses: above the split threshold

/// The presynaptic bytes of step k: about half the neurons fire, every fifth one inhibitory (from
/// step 20 on, a different fifth: the inhibition bits change once).
void drive(running_module& m, std::uint64_t k, std::uint32_t pre) {
    auto in = m.in<std::uint8_t>(0);
    const std::uint32_t inhibitory = k < 20 ? 0U : 1U;
    for (std::uint32_t i = 0; i < pre; ++i) {
        const bool fires = ((i * 7U + k * 13U) % 5U) < 3U;
        in[i] = static_cast<std::uint8_t>((fires ? 1U : 0U) | (i % 5U == inhibitory ? 2U : 0U));
    }
}

struct sizes {
    std::uint32_t pre = n_pre;
    std::uint32_t post = n_post;
    bool split_build = false; // the build itself runs chunks (a kernel of >= 2^20 elements)
    std::uint64_t steps = 40;
    // Compare the whole state after every this many steps (and after the last): a difference
    // stays in the state, and a large kernel's checkpoint costs more than its step.
    std::uint64_t compare_every = 1;
};

void same_state_with_and_without_workers(spark::test::models_fixture& f,
                                         const std::string& config,
                                         sizes n = {}) {
    reversed_chunks service;
    const auto spec = port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {n.pre});
    running_module serial(f, "lif_neuron", config, {spec}, 1);
    running_module split(
        f, "lif_neuron", config, {spec}, 1, {{SPARK_SERVICE_PARALLEL, &service.table}});
    BOOST_TEST((service.runs.load() > 0U) == n.split_build);
    BOOST_TEST_REQUIRE((serial.checkpoint() == split.checkpoint()), "after the build");
    std::uint64_t spikes = 0;
    for (std::uint64_t k = 0; k < n.steps; ++k) {
        drive(serial, k, n.pre);
        drive(split, k, n.pre);
        serial.step(k);
        split.step(k);
        for (std::uint32_t o = 0; o < n.post; ++o) {
            spikes += serial.out<std::uint8_t>(0)[o] & 1U;
        }
        if ((k + 1) % n.compare_every == 0 || k + 1 == n.steps) {
            BOOST_TEST_REQUIRE((serial.checkpoint() == split.checkpoint()), "step " << k);
        }
    }
    BOOST_TEST(service.runs.load() > 0U); // the split path ran
    BOOST_TEST(spikes > 0U);              // and the neurons did something
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(parallel_delivery, spark::test::models_fixture)

BOOST_AUTO_TEST_CASE(full_columns_static_weights) {
    same_state_with_and_without_workers(*this, R"({"units": [500], "inhibitory_rate": 0.2,
        "synapses": {"kernel": {"__class_ref__": "uniform_initializer", "scale": 8}},
        "delays": null, "learning_rule": null})");
}

BOOST_AUTO_TEST_CASE(full_columns_with_learning) {
    same_state_with_and_without_workers(*this, R"({"units": [500], "dtype": "float64",
        "synapses": {"kernel": {"__class_ref__": "uniform_initializer", "scale": 8}},
        "delays": null, "learning_rule": {"eta": 0.1}})");
}

BOOST_AUTO_TEST_CASE(delay_groups_on_a_sparse_kernel) {
    same_state_with_and_without_workers(*this, R"({"units": [500],
        "synapses": {"kernel": {"__class_ref__": "sparse_uniform_initializer", "scale": 8,
                                "density": 0.9}},
        "learning_rule": null})");
}

// Plastic with per-synapse delays: the grouped layout (neuron/population.hpp), whose delivery reads
// the live kernel in list order.
BOOST_AUTO_TEST_CASE(grouped_layout_with_learning) {
    same_state_with_and_without_workers(*this, R"({"units": [500], "inhibitory_rate": 0.2,
        "synapses": {"kernel": {"__class_ref__": "sparse_uniform_initializer", "scale": 8,
                                "density": 0.9}},
        "delays": {"max_delay": 4},
        "learning_rule": {"eta": 0.1}})");
}

// Static, sparse and delayed: delivery at emission (neuron/pending_current.hpp), split both when
// this step's spikes scatter (1,200 x 60 % x 30 % x 500 = 108,000 events) and when the first step
// rebuilds the currents on their way. The change of inhibition bits at step 20 rebuilds nothing:
// the spikes in flight keep their emission's sign. (Scale 4: at scale 3 the neurons then stay
// silent; the arrival step's sign used to give them a burst there.)
BOOST_AUTO_TEST_CASE(delivery_at_emission_on_a_sparse_delayed_kernel) {
    same_state_with_and_without_workers(*this,
                                        R"({"units": [500], "inhibitory_rate": 0.2,
        "synapses": {"kernel": {"__class_ref__": "sparse_uniform_initializer", "scale": 4,
                                "density": 0.3}},
        "delays": {"max_delay": 6},
        "learning_rule": null})",
                                        {.pre = 1200});
}

// Hebbian learning in the grouped layout (learning/hebbian_pending.hpp) delivers in postsynaptic
// ranges, each settling its sub-run of every arriving group (neuron/population.hpp), and splits
// the periodic settle of every synapse by presynaptic range.
BOOST_AUTO_TEST_CASE(hebbian_rows_and_arrivals_in_parts) {
    same_state_with_and_without_workers(
        *this,
        R"({"units": [1000],
        "synapses": {"kernel": {"__class_ref__": "sparse_uniform_initializer", "scale": 1,
                                "density": 0.9}},
        "delays": {"max_delay": 4},
        "learning_rule": {"eta": 0.1}})",
        {.pre = 4000, .post = 1000, .split_build = true, .steps = 30, .compare_every = 10});
}

// Zenke's rule splits its per-synapse work too (learning/zenke_learning.hpp): every target trace
// (600 x 500 = 300,000 synapses), the rows of the neurons that fired and the arrivals at silent
// ones, split by postsynaptic range. In the grouped layout (per-synapse delays), pre-major (no
// delays) and with static weights (eta 0: only the moving targets step).
BOOST_AUTO_TEST_CASE(zenke_rule_grouped_pre_major_and_static) {
    for (const char* rule : {R"("delays": {"max_delay": 4}, "learning_rule": {"eta": 0.5,)",
                             R"("delays": null, "learning_rule": {"eta": 0.5,)",
                             R"("delays": {"max_delay": 4}, "learning_rule": {"eta": 0,)"}) {
        BOOST_TEST_CONTEXT(rule) {
            same_state_with_and_without_workers(
                *this,
                std::string(R"({"units": [500], "inhibitory_rate": 0.2,
                "synapses": {"kernel": {"__class_ref__": "uniform_initializer", "scale": 8}},)") +
                    rule + R"( "__class_ref__": "zenke_rule"}})",
                {.pre = 600, .compare_every = 5});
        }
    }
}

// 1,024 x 1,024 = 2^20 weights: drawn in parts and turned in place in parts.
BOOST_AUTO_TEST_CASE(square_kernel_drawn_and_turned_in_parts) {
    same_state_with_and_without_workers(
        *this,
        R"({"units": [1024], "inhibitory_rate": 0.2,
        "synapses": {"kernel": {"__class_ref__": "uniform_initializer", "scale": 8}},
        "delays": null, "learning_rule": null})",
        {.pre = 1024, .post = 1024, .split_build = true, .steps = 12});
}

// 1,100 presynaptic x 1,000 postsynaptic neurons: turned into a second buffer, in parts.
BOOST_AUTO_TEST_CASE(rectangular_kernel_drawn_and_turned_in_parts) {
    same_state_with_and_without_workers(
        *this,
        R"({"units": [1000], "inhibitory_rate": 0.2,
        "synapses": {"kernel": {"__class_ref__": "uniform_initializer", "scale": 8}},
        "delays": null, "learning_rule": {"eta": 0.1}})",
        {.pre = 1100, .post = 1000, .split_build = true, .steps = 12});
}

BOOST_AUTO_TEST_CASE(constant_and_sparse_kernels_filled_in_parts) {
    same_state_with_and_without_workers(
        *this,
        R"({"units": [1024],
        "synapses": {"kernel": {"__class_ref__": "constant_initializer", "scale": 3}},
        "delays": null, "learning_rule": null})",
        {.pre = 1030, .post = 1024, .split_build = true, .steps = 12});
    // Density 0.9 keeps the kernel dense: its background and kept draws are filled by lines.
    same_state_with_and_without_workers(
        *this,
        R"({"units": [1024],
        "synapses": {"kernel": {"__class_ref__": "sparse_uniform_initializer", "scale": 8,
                                "density": 0.9}},
        "delays": null, "learning_rule": null})",
        {.pre = 1030, .post = 1024, .split_build = true, .steps = 12});
}

BOOST_AUTO_TEST_SUITE_END()
