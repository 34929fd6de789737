// SPDX-License-Identifier: Apache-2.0
// examples/brains/exact_stimuli.scfg through `spark validate` and `spark run`: a brain whose
// inputs are a spike_generator and a current_generator (no brain input, no --input) and whose
// built-in neuron and soma must fire at the steps the equations of docs/models.md give by hand
// (examples/brains/README.md works them out): on both executors, across a checkpoint, with the
// spikes from CSV and .npy files, with the inhibition bit, and with a bad stimulus file.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "run_fixture.hpp"

namespace json = boost::json;
using spark::test::builtin_cli;

namespace {

const std::string example = SPARK_EXACT_STIMULI_BRAIN;
using steps = std::vector<std::uint64_t>;

// Worked out in examples/brains/README.md from docs/models.md sections 4.1, 5.1, 7.4 and 8.4-8.5:
// a listed spike reaches the neuron one step later with 3000 pA, adding 14.63 mV (< 20 mV);
// the spikes at 60 and 61 add up to 29.35 mV at step 62. The soma under 250 pA from step 10
// (read from step 11) reaches 20 mV after 33 steps, then 22 steps after each reset.
const steps stimulus_spikes = {3, 60, 61};
const steps neuron_spikes = {62};
const steps soma_spikes = {43, 65, 87};

/// The steps (rows) of a recorded spike port of one element where bit0 is set.
steps spike_rows(const std::filesystem::path& file) {
    const auto npy = spark::test::read_npy_file(file);
    BOOST_TEST_REQUIRE(npy.header.find("'|u1'") != std::string::npos, npy.header);
    steps rows;
    for (std::size_t k = 0; k < npy.data.size(); ++k) {
        if ((npy.data[k] & 1U) != 0) {
            rows.push_back(k);
        }
    }
    return rows;
}

/// `spark run BRAIN --steps N --record stimulus --record neuron --record soma --out OUT EXTRA`.
spark::test::process_result run(const std::string& brain,
                                const std::string& steps_to,
                                const std::filesystem::path& out,
                                std::vector<std::string> extra = {}) {
    std::vector<std::string> arguments = {"run",
                                          brain,
                                          "--steps",
                                          steps_to,
                                          "--record",
                                          "stimulus",
                                          "--record",
                                          "neuron",
                                          "--record",
                                          "soma",
                                          "--out",
                                          out.string()};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    auto result = builtin_cli(arguments);
    BOOST_TEST_INFO(result.out + result.err);
    BOOST_TEST_REQUIRE(result.exit_code == 0);
    return result;
}

/// The example brain with the stimulus's config changed by `edit`, written into `folder`.
template <typename Edit>
std::string edited_example(const std::filesystem::path& folder, Edit edit) {
    auto brain = json::parse(spark::test::read_text(example));
    auto& modules = brain.at("__cfg__").at("modules_map").as_object();
    edit(modules.at("stimulus").at("__data__").at("config").as_object(),
         modules.at("neuron").at("__data__").at("config").as_object());
    return spark::test::write_file(folder / "brain.scfg", json::serialize(brain));
}

/// The example brain with its spikes read from `file` instead of its steps/indices.
std::string from_file(const std::filesystem::path& folder, const std::string& file) {
    return edited_example(folder, [&](json::object& stimulus, json::object& /*neuron*/) {
        stimulus.erase("steps");
        stimulus.erase("indices");
        stimulus["file"] = file;
    });
}

} // namespace

BOOST_AUTO_TEST_SUITE(exact_stimuli)

BOOST_AUTO_TEST_CASE(the_example_validates_without_inputs_and_fires_at_the_worked_out_steps) {
    const auto valid = builtin_cli({"validate", example});
    BOOST_TEST(valid.exit_code == 0, valid.out + valid.err);
    BOOST_TEST(valid.out == "OK\n");

    const spark::test::scratch_dir dir;
    const auto sequential =
        run(example, "100", dir / "sequential", {"--executor", "sequential"}).out;
    BOOST_TEST(spike_rows(dir / "sequential" / "stimulus.spikes.npy") == stimulus_spikes,
               boost::test_tools::per_element());
    BOOST_TEST(spike_rows(dir / "sequential" / "neuron.out_spikes.npy") == neuron_spikes,
               boost::test_tools::per_element());
    BOOST_TEST(spike_rows(dir / "sequential" / "soma.spikes.npy") == soma_spikes,
               boost::test_tools::per_element());
    BOOST_TEST(spark::test::has_line(sequential, "stimulus spark.spike_generator 1 3 30.00"),
               sequential);

    // The generators hang off the flow graph's start like every module: the same bits.
    run(example, "100", dir / "graph", {"--executor", "flow_graph", "--threads", "2"});
    for (const char* file : {"stimulus.spikes.npy", "neuron.out_spikes.npy", "soma.spikes.npy"}) {
        BOOST_TEST_CONTEXT(file) {
            BOOST_TEST((spark::test::read_npy_file(dir / "sequential" / file).data ==
                        spark::test::read_npy_file(dir / "graph" / file).data));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_run_resumed_from_a_checkpoint_keeps_the_stimulus_steps) {
    const spark::test::scratch_dir dir;
    const auto checkpoint = (dir / "job.ckpt").string();
    // Interrupted at step 61, between the two spikes that fire the neuron together.
    run(example, "61", dir / "first", {"--checkpoint", checkpoint});
    run(example, "100", dir / "second", {"--resume", checkpoint});
    const auto shifted = [](const steps& all, std::uint64_t from) {
        steps out;
        for (const auto s : all) {
            if (s >= from) {
                out.push_back(s - from);
            }
        }
        return out;
    };
    BOOST_TEST(spike_rows(dir / "second" / "stimulus.spikes.npy") == shifted(stimulus_spikes, 61),
               boost::test_tools::per_element());
    BOOST_TEST(spike_rows(dir / "second" / "neuron.out_spikes.npy") == shifted(neuron_spikes, 61),
               boost::test_tools::per_element());
    BOOST_TEST(spike_rows(dir / "second" / "soma.spikes.npy") == shifted(soma_spikes, 61),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(spikes_from_csv_and_npy_files_fire_the_neuron_at_the_same_step) {
    const spark::test::scratch_dir dir;
    // The example's spikes out of order; the .npy as int32 rows (step, index).
    const auto csv = spark::test::write_file(dir / "spikes.csv", "step,index\n61,0\n3,0\n60,0\n");
    std::string npy_data;
    for (const std::int32_t v : {60, 0, 3, 0, 61, 0}) {
        for (unsigned b = 0; b < 4; ++b) {
            npy_data += static_cast<char>((static_cast<std::uint32_t>(v) >> (8U * b)) & 0xFFU);
        }
    }
    std::string header = "{'descr': '<i4', 'fortran_order': False, 'shape': (3, 2), }";
    while ((10 + header.size() + 1) % 64 != 0) {
        header += ' ';
    }
    header += '\n';
    const auto npy =
        spark::test::write_file(dir / "spikes.npy",
                                std::string("\x93NUMPY\x01\x00", 8) +
                                    static_cast<char>(header.size()) + '\0' + header + npy_data);
    int n = 0;
    for (const auto& file : {csv, npy}) {
        BOOST_TEST_CONTEXT(file) {
            const auto folder = dir / std::to_string(n++);
            std::filesystem::create_directory(folder);
            run(from_file(folder, file), "100", folder / "out");
            BOOST_TEST(spike_rows(folder / "out" / "stimulus.spikes.npy") == stimulus_spikes,
                       boost::test_tools::per_element());
            BOOST_TEST(spike_rows(folder / "out" / "neuron.out_spikes.npy") == neuron_spikes,
                       boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_relative_stimulus_file_is_found_next_to_the_brain_file) {
    const spark::test::scratch_dir dir;
    const auto folder = dir / "brains";
    std::filesystem::create_directory(folder);
    spark::test::write_file(folder / "spikes.csv", "step,index\n3,0\n60,0\n61,0\n");
    // `spark` runs in the test's working directory, not in the brain's folder.
    BOOST_TEST_REQUIRE(std::filesystem::current_path() != folder);
    run(from_file(folder, "spikes.csv"), "100", dir / "out");
    BOOST_TEST(spike_rows(dir / "out" / "stimulus.spikes.npy") == stimulus_spikes,
               boost::test_tools::per_element());
    BOOST_TEST(spike_rows(dir / "out" / "neuron.out_spikes.npy") == neuron_spikes,
               boost::test_tools::per_element());
    // A missing one is named by its absolute path, in the brain's folder.
    const auto other = dir / "other";
    std::filesystem::create_directory(other);
    const auto missing = builtin_cli({"validate", from_file(other, "../brains/none.csv")});
    BOOST_TEST(missing.exit_code == 1);
    BOOST_TEST(missing.out.find("file '" + (dir / "brains" / "none.csv").string() +
                                "': does not exist") != std::string::npos,
               missing.out + missing.err);
    // describe says which string fields are paths.
    const auto described = builtin_cli({"plugins", "describe", "spike_generator"});
    BOOST_TEST(described.out.find("string (path)") != std::string::npos, described.out);
}

BOOST_AUTO_TEST_CASE(the_inhibition_bit_turns_a_firing_input_into_a_silencing_one) {
    const spark::test::scratch_dir dir;
    // 5000 pA for one step adds (1 - exp(-1/20)) * 0.1 * 5000 = 24.39 mV > 20: each arrival at
    // 4, 61 and 62 fires (at 62 from the reset potential: 0.951 * 10 + 24.39 = 33.9).
    const auto strong = [&](bool inhibitory) {
        const auto folder = dir / (inhibitory ? "inhibitory" : "excitatory");
        std::filesystem::create_directory(folder);
        return edited_example(folder, [&](json::object& stimulus, json::object& neuron) {
            stimulus["inhibitory"] = inhibitory;
            neuron["synapses"].as_object()["kernel"] = 5000.0;
        });
    };
    run(strong(false), "100", dir / "excitatory" / "out");
    BOOST_TEST(spike_rows(dir / "excitatory" / "out" / "neuron.out_spikes.npy") ==
                   (steps{4, 61, 62}),
               boost::test_tools::per_element());
    // Inhibitory spikes subtract their weight: the potential only goes down.
    run(strong(true), "100", dir / "inhibitory" / "out");
    // A recording keeps bit0 only (the spikes); the neuron's silence shows the bit arrived.
    BOOST_TEST(spike_rows(dir / "inhibitory" / "out" / "stimulus.spikes.npy") == stimulus_spikes,
               boost::test_tools::per_element());
    BOOST_TEST(spike_rows(dir / "inhibitory" / "out" / "neuron.out_spikes.npy").empty());
}

BOOST_AUTO_TEST_CASE(a_stimulus_file_with_an_index_out_of_range_fails_before_the_first_step) {
    const spark::test::scratch_dir dir;
    const auto csv = spark::test::write_file(dir / "spikes.csv", "step,index\n3,0\n60,1\n");
    const auto brain = from_file(dir.path(), csv);
    const std::string message =
        "spark.spike_generator 'stimulus': create failed (SPARK_ERR_INVALID_ARGUMENT): file '" +
        csv +
        "' line 3: index 1 is out of range for units (1) (1 element, flat indices 0 to 0); give "
        "an index in that range or larger units";
    const auto validate = builtin_cli({"validate", brain});
    BOOST_TEST(validate.exit_code == 1);
    BOOST_TEST(validate.out.find("brain/stimulus: " + message) != std::string::npos, validate.out);
    const auto ran = builtin_cli({"run", brain, "--steps", "10"});
    BOOST_TEST(ran.exit_code != 0);
    BOOST_TEST(ran.err.find(message) != std::string::npos, ran.err);
}

BOOST_AUTO_TEST_SUITE_END()
