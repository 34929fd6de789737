// SPDX-License-Identifier: Apache-2.0
// A brain split over ranks (docs/scaling.md): the placement by estimated cost, and the ranks'
// exchange after every step, run here in one process, giving bit for bit the outputs of the
// whole brain for 1 to 4 ranks.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <spark/runtime/neuron_files.hpp>
#include <spark/runtime/partition.hpp>
#include <spark/sdk/buffers.hpp>

#include "checkpoint_fixture.hpp"
#include "distributed/rank_stepper.hpp"
#include "text_match.hpp"

namespace {

using spark::runtime::brain_config;
using spark::runtime::detail::rank_stepper;

/// Every rank's messages (encoded already), delivered to every other rank, and each rank's own
/// pieces into its proxies.
void deliver(std::vector<rank_stepper>& ranks) {
    for (std::size_t from = 0; from < ranks.size(); ++from) {
        for (std::size_t to = 0; to < ranks.size(); ++to) {
            if (from != to) {
                ranks[to].receive(static_cast<int>(from),
                                  ranks[from].message_for(static_cast<int>(to)));
            }
        }
    }
    for (auto& rank : ranks) {
        rank.finish_exchange();
    }
}

/// Every rank's messages after a step (or reset), delivered.
void exchange(std::vector<rank_stepper>& ranks) {
    for (auto& rank : ranks) {
        rank.encode();
    }
    deliver(ranks);
}

/// A step of every rank as distributed_brain takes it: the modules that send first, their
/// messages encoded, the other modules, then the delivery.
void step_in_parts(std::vector<rank_stepper>& ranks) {
    for (auto& rank : ranks) {
        rank.begin_exchange(true); // as distributed_brain, which may not reach encode()
        rank.local().step_first(rank.first_modules());
        rank.encode(true);
    }
    for (auto& rank : ranks) {
        rank.local().step_rest();
    }
    deliver(ranks);
}

/// Step `t` of every rank: the brain inputs, then the step, alone or in parts, and the exchange.
void step_ranks(std::vector<rank_stepper>& ranks, int t, bool in_parts) {
    for (auto& rank : ranks) {
        spark::test::drive(rank.local(), static_cast<std::uint64_t>(t));
    }
    if (in_parts) {
        step_in_parts(ranks);
        return;
    }
    for (auto& rank : ranks) {
        rank.local().step();
    }
    exchange(ranks);
}

/// A module's output as the whole brain has it: from the rank stepping it, or its slices' outputs
/// side by side.
std::vector<std::byte> output_of(const std::vector<rank_stepper>& ranks,
                                 const spark::runtime::partition_plan& plan,
                                 const std::string& module,
                                 const std::string& port) {
    std::vector<std::byte> out;
    for (const auto& piece : spark::runtime::detail::pieces_of(plan.placement_of(module), 1)) {
        const auto view = ranks[static_cast<std::size_t>(piece.rank)].local().cached(module, port);
        const auto* data = static_cast<const std::byte*>(view.data);
        out.insert(out.end(), data, data + view.count * spark_dtype_size(view.spec.dtype));
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(partition)

BOOST_FIXTURE_TEST_CASE(places_every_module_by_cost_the_same_way_each_time,
                        spark::test::checkpoint_fixture) {
    const auto config = brain_config::from_json(spark::test::learning_brain());
    const auto one = spark::runtime::plan_partition(registry, config, 1);
    for (const auto& placement : one.modules) {
        BOOST_TEST(placement.rank == 0);
    }
    BOOST_TEST(one.imbalance() == 1.0);
    const auto two = spark::runtime::plan_partition(registry, config, 2);
    BOOST_TEST(two.modules.size() == 4U);
    // ex: 24 LIF neurons reading 20 + 8 elements through a 28 x 24 kernel; the largest module.
    BOOST_TEST(two.modules[1].module == "ex");
    BOOST_TEST(two.modules[1].neurons == 24U);
    BOOST_TEST(two.modules[1].synapses == 28U * 24U);
    BOOST_TEST(two.modules[1].input_elements == 28U);
    BOOST_TEST(two.rank_of("ex") == 0); // the costliest first, on rank 0
    BOOST_TEST(two.rank_cost[0] + two.rank_cost[1] == one.rank_cost[0]);
    BOOST_TEST(two.imbalance() >= 1.0);
    const auto again = spark::runtime::plan_partition(registry, config, 2);
    for (std::size_t m = 0; m < two.modules.size(); ++m) {
        BOOST_TEST(again.modules[m].rank == two.modules[m].rank);
    }
    const auto report = spark::runtime::partition_report(two);
    for (const char* expected : {"rank 0:", "rank 1:", "ex: 24 neurons, 672 synapses", "balance"}) {
        BOOST_TEST(spark::test::contains(report, expected), report);
    }
    BOOST_CHECK_THROW((void)spark::runtime::plan_partition(registry, config, 0), spark::error);
    BOOST_CHECK_THROW((void)two.rank_of("nobody"), spark::error);
}

BOOST_FIXTURE_TEST_CASE(a_population_costlier_than_a_ranks_share_runs_in_slices,
                        spark::test::checkpoint_fixture) {
    const auto config = brain_config::from_json(spark::test::learning_brain());
    // 2 ranks: ex (94 of the brain's ~205 units of work) fits a rank's share, so it runs whole.
    BOOST_TEST(
        spark::runtime::plan_partition(registry, config, 2).placement_of("ex").slices.empty());
    for (const int k : {3, 4}) {
        const auto plan = spark::runtime::plan_partition(registry, config, k);
        const auto& ex = plan.placement_of("ex");
        // Contiguous ranges in rank order that cover its 24 neurons, one per rank, their costs
        // adding up to the population's.
        BOOST_TEST_REQUIRE(ex.slices.size() >= 2U);
        std::uint64_t next = 0;
        double cost = 0;
        for (std::size_t s = 0; s < ex.slices.size(); ++s) {
            BOOST_TEST(ex.slices[s].neurons.begin == next);
            BOOST_TEST(ex.slices[s].neurons.end > ex.slices[s].neurons.begin);
            BOOST_TEST((s == 0 || ex.slices[s].rank > ex.slices[s - 1].rank));
            BOOST_TEST(ex.runs_on(ex.slices[s].rank));
            next = ex.slices[s].neurons.end;
            cost += ex.slices[s].cost;
        }
        BOOST_TEST(next == 24U);
        BOOST_TEST(cost == ex.cost, boost::test_tools::tolerance(1e-9));
        BOOST_TEST(plan.imbalance() < 1.1, k << " ranks"); // whole modules could not do better
        BOOST_CHECK_THROW((void)plan.rank_of("ex"), spark::error);
        const auto report = spark::runtime::partition_report(plan);
        BOOST_TEST(spark::test::contains(report, "ex neurons [0, "), report);
        BOOST_TEST(spark::test::contains(report, ") of 24: "), report);
    }
    // A population a brain output reads directly is produced on one rank: it stays whole.
    using namespace spark::test;
    auto json = boost::json::parse(learning_brain()).as_object();
    json["__cfg__"].as_object()["output_map"].as_object()["ex_spikes"] =
        boost::json::parse(
            "{" + output_json("ex_spikes", "ex", "out_spikes", spec_json("spike_array", "[24]")) +
            "}")
            .as_object()
            .at("ex_spikes");
    const auto read = brain_config::from_json(boost::json::serialize(json));
    BOOST_TEST(spark::runtime::plan_partition(registry, read, 3).placement_of("ex").slices.empty());
}

BOOST_FIXTURE_TEST_CASE(a_module_whose_build_decides_its_shape_stays_with_its_readers,
                        spark::test::checkpoint_fixture) {
    // Upstream 1.0's tutorial brain: the topological spiker's output shape (4 x 128) comes from
    // its build, so the spiker and the four populations reading it form one group; the
    // integrator, which reads the populations (shapes from their units), is the other.
    const auto v1 = std::filesystem::path(SPARK_TEST_DATA_DIR) / "upstream-v1";
    (void)spark::runtime::register_neuron_file(
        registry, "alif_mod_neuron", v1 / "alif_mod_neuron.plain.scfg");
    auto config = brain_config::from_file(v1 / "ab_brain.plain.scfg");
    for (const char* input : {"mod_a_ex", "mod_b_ex", "mod_a_in", "mod_b_in"}) {
        config.set_input_shape(input, {1});
    }
    config.set_input_shape("signal", {4});
    const auto plan = spark::runtime::plan_partition(registry, config, 2);
    const int spiker = plan.rank_of("spiker");
    for (const char* reader : {"A_excitatory", "A_inhibitory", "B_excitatory", "B_inhibitory"}) {
        BOOST_TEST(plan.rank_of(reader) == spiker, reader);
    }
    BOOST_TEST(plan.rank_of("integrator") != spiker);
    // Two groups: a third rank would hold nothing.
    BOOST_CHECK_EXCEPTION((void)spark::runtime::plan_partition(registry, config, 3),
                          spark::error,
                          [](const spark::error& e) {
                              return spark::test::contains(e.what(),
                                                           "can be placed on at most 2 ranks") &&
                                     spark::test::contains(e.what(), "mpirun -n 2 or fewer");
                          });
}

BOOST_FIXTURE_TEST_CASE(ranks_give_the_whole_brains_outputs_bit_for_bit,
                        spark::test::checkpoint_fixture) {
    const auto config = brain_config::from_json(spark::test::learning_brain());
    constexpr int steps = 60;
    // The whole brain, every module's outputs after every step.
    auto whole = make();
    std::vector<std::vector<std::vector<std::byte>>> expected(steps);
    const auto record = [](const spark::runtime::port_view& view) {
        const auto* data = static_cast<const std::byte*>(view.data);
        return std::vector<std::byte>(data, data + view.count * spark_dtype_size(view.spec.dtype));
    };
    for (int t = 0; t < steps; ++t) {
        spark::test::drive(whole, static_cast<std::uint64_t>(t));
        whole.step();
        for (const auto& module : whole.modules()) {
            for (const auto& [port, spec] : module.outputs) {
                expected[static_cast<std::size_t>(t)].push_back(
                    record(whole.cached(module.name, port)));
            }
        }
    }
    for (int k = 1; k <= 4; ++k) {
        const auto plan = spark::runtime::plan_partition(registry, config, k);
        std::vector<rank_stepper> ranks;
        for (int r = 0; r < k; ++r) {
            ranks.emplace_back(registry, config, plan, r);
        }
        // The second round after reset(), each step in parts: the senders first, their messages
        // encoded while the others have not stepped yet.
        for (int round = 0; round < 2; ++round) {
            exchange(ranks);
            for (int t = 0; t < steps; ++t) {
                step_ranks(ranks, t, round == 1);
                std::size_t entry = 0;
                for (const auto& module : whole.modules()) {
                    for (const auto& [port, spec] : module.outputs) {
                        const auto got = output_of(ranks, plan, module.name, port);
                        BOOST_TEST((got == expected[static_cast<std::size_t>(t)][entry]),
                                   k << " ranks, round " << round << ", step " << t << ": "
                                     << module.name << "." << port);
                        ++entry;
                    }
                }
            }
            for (auto& rank : ranks) {
                rank.reset();
            }
        }
        if (k > 1) {
            std::uint64_t sent = 0;
            for (const auto& rank : ranks) {
                sent += rank.last_bytes_sent();
            }
            BOOST_TEST(sent > 0U); // the ranks did exchange (after the last reset: the masks)
        }
    }
}

BOOST_FIXTURE_TEST_CASE(the_root_receives_what_it_observes_as_one_process_has_it,
                        spark::test::checkpoint_fixture) {
    using spark::runtime::detail::observation;
    const auto config = brain_config::from_json(spark::test::learning_brain());
    auto whole = make();
    const auto plan = spark::runtime::plan_partition(registry, config, 3);
    std::vector<rank_stepper> ranks;
    for (int r = 0; r < 3; ++r) {
        ranks.emplace_back(registry, config, plan, r);
    }
    // Every output port, and two properties of ex: its potentials and its learning kernel.
    std::vector<observation> list;
    const auto pieces = [&](const std::string& module, const spark_port_spec_t& spec) {
        return spark::runtime::detail::pieces_of(plan.placement_of(module),
                                                 spark::sdk::element_count(spec.shape));
    };
    for (const auto& module : whole.modules()) {
        for (const auto& [port, spec] : module.outputs) {
            list.push_back({module.name, port, false, pieces(module.name, spec), spec});
        }
    }
    // ex runs in slices (it costs more than a third of the brain): each holds its neurons'
    // potentials and their rows of the kernel.
    BOOST_TEST_REQUIRE(plan.placement_of("ex").slices.size() == 3U);
    for (const char* property : {"soma.potential", "synapses.kernel"}) {
        const auto spec = whole.property_spec("ex", property);
        list.push_back({"ex", property, true, pieces("ex", spec), spec});
    }
    constexpr int root = 1; // holds a slice of ex and receives the others'
    for (auto& rank : ranks) {
        rank.observe(list, root);
    }
    const auto bytes = [](const void* data, const spark_port_spec_t& spec) {
        const auto* first = static_cast<const std::byte*>(data);
        return std::vector<std::byte>(
            first, first + spark::sdk::element_count(spec.shape) * spark_dtype_size(spec.dtype));
    };
    for (int round = 0; round < 2; ++round) { // the second after reset()
        exchange(ranks);
        for (int t = 0; t < 40; ++t) {
            spark::test::drive(whole, static_cast<std::uint64_t>(t));
            whole.step();
            for (auto& rank : ranks) {
                spark::test::drive(rank.local(), static_cast<std::uint64_t>(t));
                rank.local().step();
            }
            exchange(ranks);
            for (std::size_t i = 0; i < list.size(); ++i) {
                const auto& o = list[i];
                const auto expected = o.property
                                          ? whole.read_property(o.module, o.name)
                                          : bytes(whole.cached(o.module, o.name).data, o.spec);
                const auto got = ranks[root].observed(i);
                BOOST_TEST((std::vector<std::byte>(got.begin(), got.end()) == expected),
                           "round " << round << ", step " << t << ": " << o.module << "."
                                    << o.name);
            }
        }
        whole.reset();
        for (auto& rank : ranks) {
            rank.reset();
        }
    }
}

namespace {

/// learning_brain() with static synapses and delays of at least 2 steps between the populations
/// (ex: 3 steps per synapse, inh: 2 steps per presynaptic neuron), and no readout: every module
/// that reads across ranks can take its spikes late.
std::string delayed_brain() {
    using namespace spark::test;
    const std::string ex_config =
        R"({"units": [24], "inhibitory_rate": 0.0, "learning_rule": null,
            "delays": {"max_delay": 5.0,
                       "delays": {"__class_ref__": "constant_initializer", "max_value": 3.0}},
            "synapses": {"kernel": {"__class_ref__": "uniform_initializer", "scale": 300.0}}})";
    const std::string in_config =
        R"({"units": [8], "inhibitory_rate": 1.0, "learning_rule": null,
            "delays": {"__class_ref__": "n_delays", "max_delay": 4.0,
                       "delays": {"__class_ref__": "constant_initializer", "max_value": 2.0}},
            "synapses": {"kernel": {"__class_ref__": "uniform_initializer", "scale": 200.0}}})";
    return brain_json(
        {input_json("drive", spec_json("float_array", "[20]"))},
        {},
        {module_json("input",
                     "poisson_spiker",
                     port_json("signal", {{"__call__", "drive"}}),
                     R"({"max_freq": 300.0})"),
         module_json("ex",
                     "lif_neuron",
                     port_json("in_spikes", {{"input", "spikes"}, {"inh", "out_spikes"}}),
                     ex_config),
         module_json(
             "inh", "lif_neuron", port_json("in_spikes", {{"ex", "out_spikes"}}), in_config)});
}

} // namespace

BOOST_FIXTURE_TEST_CASE(ranks_exchange_once_per_window_with_the_same_bits,
                        spark::test::checkpoint_fixture) {
    // delayed_brain(): the shortest delay between ranks is inh's 2 steps (ex's are 3), so spikes
    // may come 2 steps late and the ranks exchange once every 3 steps. The delayed example brain:
    // 3 steps everywhere, sparse kernels (delivery at emission), a population reading itself and
    // both populations in slices: once every 4 steps.
    const std::vector<std::pair<brain_config, std::uint32_t>> brains{
        {brain_config::from_json(delayed_brain()), 3U},
        {brain_config::from_file(SPARK_DELAYED_EXAMPLE), 4U}};
    for (const auto& [config, expected_window] : brains) {
        constexpr int steps = 50;
        spark::runtime::brain whole(registry, config);
        std::vector<std::vector<std::vector<std::byte>>> expected(steps);
        for (int t = 0; t < steps; ++t) {
            spark::test::drive(whole, static_cast<std::uint64_t>(t));
            whole.step();
            for (const auto& module : whole.modules()) {
                for (const auto& [port, spec] : module.outputs) {
                    const auto view = whole.cached(module.name, port);
                    const auto* data = static_cast<const std::byte*>(view.data);
                    expected[static_cast<std::size_t>(t)].emplace_back(
                        data, data + view.count * spark_dtype_size(view.spec.dtype));
                }
            }
        }
        for (int k = 2; k <= 3; ++k) {
            const auto plan = spark::runtime::plan_partition(registry, config, k);
            std::vector<rank_stepper> ranks;
            std::uint32_t window = UINT32_MAX;
            for (int r = 0; r < k; ++r) {
                ranks.emplace_back(registry, config, plan, r);
                window = std::min(window, ranks.back().longest_window());
            }
            BOOST_TEST_REQUIRE(window == expected_window, k << " ranks");
            for (auto& rank : ranks) {
                rank.set_window(window);
            }
            for (int round = 0; round < 2; ++round) { // the second after reset(), in parts
                exchange(ranks);
                std::size_t messages = 0;
                for (int t = 0; t < steps; ++t) {
                    step_ranks(ranks, t, round == 1);
                    for (const auto& rank : ranks) {
                        messages += rank.destinations().size();
                    }
                    std::size_t entry = 0;
                    for (const auto& module : whole.modules()) {
                        for (const auto& [port, spec] : module.outputs) {
                            BOOST_TEST((output_of(ranks, plan, module.name, port) ==
                                        expected[static_cast<std::size_t>(t)][entry]),
                                       "window " << window << ", " << k << " ranks, round " << round
                                                 << ", step " << t << ": " << module.name << "."
                                                 << port);
                            ++entry;
                        }
                    }
                }
                // Messages went after every window's last step only (nothing is observed).
                BOOST_TEST(messages > 0U);
                BOOST_TEST(messages <= static_cast<std::size_t>(k * (k - 1)) * (steps / window));
                for (auto& rank : ranks) {
                    rank.reset();
                }
            }
        }
    }
    // A window longer than a rank can take is refused, naming the longest.
    const auto config = brain_config::from_json(delayed_brain());
    const auto plan = spark::runtime::plan_partition(registry, config, 2);
    rank_stepper rank(registry, config, plan, 0);
    BOOST_CHECK_EXCEPTION(
        rank.set_window(rank.longest_window() + 1), spark::error, [&](const auto& e) {
            return spark::test::contains(e.what(),
                                         "can exchange once every " +
                                             std::to_string(rank.longest_window()) +
                                             " steps at most");
        });
}

BOOST_FIXTURE_TEST_CASE(a_message_that_does_not_fit_is_refused, spark::test::checkpoint_fixture) {
    const auto config = brain_config::from_json(spark::test::learning_brain());
    const auto plan = spark::runtime::plan_partition(registry, config, 2); // ex whole
    BOOST_TEST_REQUIRE(plan.rank_of("inh") != plan.rank_of("ex"));
    rank_stepper reader(registry, config, plan, plan.rank_of("inh"));
    const std::vector<std::byte> truncated(3);
    BOOST_CHECK_EXCEPTION(
        reader.receive(plan.rank_of("ex"), truncated), spark::error, [](const auto& e) {
            return spark::test::contains(e.what(), "ends early (ex.out_spikes)");
        });
}

BOOST_AUTO_TEST_SUITE_END()
