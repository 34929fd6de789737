// SPDX-License-Identifier: Apache-2.0
// distributed_brain over MPI_COMM_WORLD: the same outputs as one process, bit for bit; a module
// failing on one rank stops every rank with its rank, module, type and step; a plugin build that
// differs on one rank is refused before anything is built.
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mpi.h>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/distributed_brain.hpp>

#include "checkpoint_fixture.hpp"
#include "test_plugin_paths.hpp"
#include "text_match.hpp"

namespace {

using spark::runtime::brain_config;
using spark::runtime::distributed_brain;

int world_rank() {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

std::vector<std::byte> bytes_of(const spark::runtime::port_view& view) {
    const auto* data = static_cast<const std::byte*>(view.data);
    return {data, data + view.count * spark_dtype_size(view.spec.dtype)};
}

} // namespace

BOOST_AUTO_TEST_SUITE(distributed)

BOOST_FIXTURE_TEST_CASE(every_rank_computes_what_one_process_computes,
                        spark::test::checkpoint_fixture) {
    const auto config = brain_config::from_json(spark::test::learning_brain());
    auto whole = make(); // the reference, on every rank
    distributed_brain split(registry, config, MPI_COMM_WORLD);
    const int rank = split.rank();
    for (int round = 0; round < 2; ++round) { // the second after reset()
        for (int t = 0; t < 60; ++t) {
            spark::test::drive(whole, static_cast<std::uint64_t>(t));
            spark::test::drive(split.local(), static_cast<std::uint64_t>(t));
            whole.step();
            split.step();
            for (const auto& module : whole.modules()) {
                const auto& placement = split.partition().placement_of(module.name);
                if (!placement.runs_on(rank)) {
                    continue;
                }
                for (const auto& [port, spec] : module.outputs) {
                    // A population's slice: its neurons' elements of the whole output.
                    auto expected = bytes_of(whole.cached(module.name, port));
                    if (const auto* slice = placement.slice_on(rank)) {
                        const auto size = static_cast<std::ptrdiff_t>(spark_dtype_size(spec.dtype));
                        expected = std::vector<std::byte>(
                            expected.begin() +
                                static_cast<std::ptrdiff_t>(slice->neurons.begin) * size,
                            expected.begin() +
                                static_cast<std::ptrdiff_t>(slice->neurons.end) * size);
                    }
                    BOOST_TEST((bytes_of(split.local().cached(module.name, port)) == expected),
                               "rank " << rank << " of " << split.ranks() << ", round " << round
                                       << ", step " << t << ": " << module.name << "." << port);
                }
            }
        }
        whole.reset();
        split.reset();
    }
    BOOST_TEST(split.seconds_waiting() >= 0.0);
}

BOOST_FIXTURE_TEST_CASE(a_module_failing_on_one_rank_stops_every_rank,
                        spark::test::registry_fixture) {
    registry.load(spark::test::test_plugin("ok_cpp"));
    registry.load(spark::test::test_plugin("throws_in_step"));
    using namespace spark::test;
    const auto config = brain_config::from_json(brain_json(
        {input_json("x", spec_json("float_array", "[4]"))},
        {output_json("y", "sum", "out", spec_json("float_array", "[4]"))},
        {module_json("boom", "test.throws_in_step", port_json("in", {{"__call__", "x"}})),
         module_json("sum", "accumulator", port_json("in", {{"boom", "out"}})),
         module_json("sum2", "accumulator", port_json("in", {{"sum", "out"}}))}));
    distributed_brain split(registry, config, MPI_COMM_WORLD);
    const int owner = split.partition().rank_of("boom");
    for (int t = 0; t < 3; ++t) {
        split.step();
    }
    // Step 3 throws on the rank of boom; every rank hears of it in the same exchange.
    BOOST_CHECK_EXCEPTION(split.step(), spark::runtime::step_error, [&](const auto& e) {
        return e.module() == "boom" && e.type_id() == "test.throws_in_step" &&
               e.step_index() == 3 &&
               contains(e.message(), "rank " + std::to_string(owner) + ": ") &&
               contains(e.message(), "step 3 exploded");
    });
    split.reset();
    split.step(); // usable again, on every rank
    BOOST_TEST(split.local().step_index() == 1U);
}

BOOST_FIXTURE_TEST_CASE(a_plugin_build_that_differs_on_one_rank_is_refused,
                        spark::test::registry_fixture) {
    if (world_rank() == 0) {
        registry.load(SPARK_NEURONS_PLUGIN);
    } else {
        // The same plugin with one byte more: another build, by its SHA-256.
        const spark::test::scratch_dir dir;
        const std::filesystem::path built(SPARK_NEURONS_PLUGIN);
        const auto copy = dir.path() / built.filename();
        std::filesystem::copy_file(built, copy);
        const auto manifest = std::filesystem::path(built).replace_extension(".manifest.json");
        std::filesystem::copy_file(manifest, dir.path() / manifest.filename());
        std::ofstream(copy, std::ios::binary | std::ios::app).put('\0');
        registry.load(copy);
    }
    registry.load(SPARK_INTERFACES_PLUGIN);
    registry.load(SPARK_INITIALIZERS_PLUGIN);
    const auto config = brain_config::from_json(spark::test::learning_brain());
    int ranks = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    if (ranks == 1) {
        distributed_brain alone(registry, config, MPI_COMM_WORLD); // nothing to compare with
        return;
    }
    BOOST_CHECK_EXCEPTION(
        distributed_brain(registry, config, MPI_COMM_WORLD), spark::error, [](const auto& e) {
            return spark::test::contains(e.what(), "rank 1 loaded type spark.lif_neuron 1.1.0 ") &&
                   spark::test::contains(e.what(), "every rank must load the same plugin builds");
        });
}

BOOST_AUTO_TEST_SUITE_END()
