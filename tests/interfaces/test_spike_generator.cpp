// SPDX-License-Identifier: Apache-2.0
// spark.spike_generator (docs/models.md section 8.4): spikes exactly at the listed steps and
// flat indices, from the config, a CSV file and .npy files of several integer types and layouts,
// with and without the inhibition bit; the same rows after reset and from a fresh instance that
// starts at a later step (a resumed run); and every bad input with the message that names it.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/errors.hpp>

#include "fixtures.hpp"
#include "generator_probe.hpp"
#include "interfaces_fixture.hpp"

using spark::test::generator_probe;
using spark::test::integer_bytes;
using spark::test::npy_bytes;
using spark::test::write_bytes;

namespace {

using spikes = std::vector<std::uint8_t>;

// Units (2, 3), spikes (step, flat index) listed out of order as (4, 5), (0, 2), (4, 0), (7, 5).
// By section 8.4, step k's output has a 1 exactly at the indices listed for step k.
constexpr const char* units_2x3 = R"("units": [2, 3])";
const std::map<std::uint64_t, spikes> listed_rows = {
    {0, {0, 0, 1, 0, 0, 0}},
    {4, {1, 0, 0, 0, 0, 1}},
    {7, {0, 0, 0, 0, 0, 1}},
};
constexpr std::uint64_t run_steps = 12;

/// Step k's expected output: the listed row, or silence; `bit1` = 2 for an inhibitory generator.
spikes expected_row(std::uint64_t k, std::uint8_t bit1 = 0) {
    const auto found = listed_rows.find(k);
    spikes row = found != listed_rows.end() ? found->second : spikes(6, 0);
    for (auto& s : row) {
        s = static_cast<std::uint8_t>(s | bit1);
    }
    return row;
}

/// Steps k = first .. run_steps - 1 and checks each output against expected_row.
void check_rows(generator_probe<std::uint8_t>& g, std::uint64_t first = 0, std::uint8_t bit1 = 0) {
    for (std::uint64_t k = first; k < run_steps; ++k) {
        const auto expected = expected_row(k, bit1);
        BOOST_TEST(g.step(k) == expected, boost::test_tools::per_element());
    }
}

struct spike_fixture : spark::test::interfaces_fixture {
    spark::test::scratch_dir dir;

    /// The message of creating a spike generator with `overrides`, or "" when it is created.
    std::string create_error(const std::string& overrides) {
        try {
            generator_probe<std::uint8_t> g(*this, "spike_generator", overrides);
        } catch (const spark::error& e) {
            return e.what();
        }
        return "";
    }
    /// A config reading `file` (escaped for JSON: our scratch paths have no quotes).
    static std::string from_file(const std::string& file, const std::string& units = units_2x3) {
        return "{" + units + R"(, "file": ")" + file + R"("})";
    }
    std::string csv(const std::string& name, const std::string& text) {
        return write_bytes(dir / name, text);
    }
};

/// Whether `text` contains `part`, with both in the failure message.
boost::test_tools::predicate_result contains(const std::string& text, const std::string& part) {
    if (text.find(part) != std::string::npos) {
        return true;
    }
    boost::test_tools::predicate_result result(false);
    result.message() << "\"" << text << "\" lacks \"" << part << "\"";
    return result;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(spike_generator, spike_fixture)

BOOST_AUTO_TEST_CASE(emits_config_spikes_at_their_steps_and_indices_in_any_order) {
    generator_probe<std::uint8_t> g(
        *this, "spike_generator", std::string("{") + units_2x3 + R"(, "steps": [4, 0, 4, 7],
            "indices": [5, 2, 0, 5]})");
    BOOST_TEST(g.out_spec.payload_kind == SPARK_PAYLOAD_SPIKES);
    BOOST_TEST(g.out_spec.dtype == SPARK_DTYPE_U8);
    BOOST_TEST_REQUIRE(g.out_spec.shape.rank == 2U);
    BOOST_TEST(g.out_spec.shape.dims[0] == 2U);
    BOOST_TEST(g.out_spec.shape.dims[1] == 3U);
    // reset wrote the outputs of "step -1": silence.
    BOOST_TEST(g.out == spikes(6, 0), boost::test_tools::per_element());
    check_rows(g);
}

BOOST_AUTO_TEST_CASE(inhibitory_sets_bit1_on_every_element_spiking_or_not) {
    generator_probe<std::uint8_t> g(
        *this, "spike_generator", std::string("{") + units_2x3 + R"(, "steps": [4, 0, 4, 7],
            "indices": [5, 2, 0, 5], "inhibitory": true})");
    BOOST_TEST(g.out == spikes(6, 2), boost::test_tools::per_element());
    check_rows(g, 0, 2);
}

BOOST_AUTO_TEST_CASE(stays_silent_after_the_last_listed_step_and_without_a_list) {
    generator_probe<std::uint8_t> g(*this, "spike_generator", R"({"units": [3], "steps": [2],
        "indices": [1]})");
    BOOST_TEST(g.step(2) == (spikes{0, 1, 0}), boost::test_tools::per_element());
    for (const std::uint64_t k : {3ULL, 4ULL, 1000ULL, 1000000ULL}) {
        BOOST_TEST(g.step(k) == spikes(3, 0), boost::test_tools::per_element());
    }
    generator_probe<std::uint8_t> empty(*this, "spike_generator", R"({"units": [3]})");
    for (std::uint64_t k = 0; k < 5; ++k) {
        BOOST_TEST(empty.step(k) == spikes(3, 0), boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(has_no_state_and_gives_the_same_rows_after_reset_and_from_a_later_step) {
    const std::string overrides =
        std::string("{") + units_2x3 + R"(, "steps": [4, 0, 4, 7], "indices": [5, 2, 0, 5]})";
    generator_probe<std::uint8_t> g(*this, "spike_generator", overrides);
    BOOST_TEST(g.instance.state().empty());
    check_rows(g);
    g.reset();
    BOOST_TEST(g.out == spikes(6, 0), boost::test_tools::per_element());
    check_rows(g);
    // A run resumed from a checkpoint at step 4: a fresh instance whose first step has index 4.
    generator_probe<std::uint8_t> resumed(*this, "spike_generator", overrides);
    check_rows(resumed, 4);
}

BOOST_AUTO_TEST_CASE(reads_a_csv_file) {
    // A byte order mark, CRLF line ends, blanks around the numbers and a blank line.
    const auto file =
        csv("spikes.csv", "\xEF\xBB\xBFstep, index\r\n4,5\r\n\r\n0, 2\n 4 ,0\n7,5\n\n");
    generator_probe<std::uint8_t> g(*this, "spike_generator", from_file(file));
    check_rows(g);
    const auto inhibitory =
        "{" + std::string(units_2x3) + R"(, "file": ")" + file + R"(", "inhibitory": true})";
    generator_probe<std::uint8_t> bits(*this, "spike_generator", inhibitory);
    check_rows(bits, 0, 2);
}

BOOST_AUTO_TEST_CASE(reads_npy_files_of_any_integer_type_and_layout) {
    // Rows (4, 5), (0, 2), (4, 0), (7, 5): C order lists them row by row, Fortran column by column.
    const std::vector<std::int64_t> c_order = {4, 5, 0, 2, 4, 0, 7, 5};
    const std::vector<std::int64_t> f_order = {4, 0, 4, 7, 5, 2, 0, 5};
    const struct {
        const char* name;
        std::string bytes;
    } files[] = {
        {"i8.npy", npy_bytes("<i8", "(4, 2)", integer_bytes(c_order, 8))},
        {"u1.npy", npy_bytes("|u1", "(4, 2)", integer_bytes(c_order, 1))},
        {"i4_v2.npy", npy_bytes("<i4", "(4, 2)", integer_bytes(c_order, 4), false, 2)},
        {"big_i2_fortran.npy", npy_bytes(">i2", "(4, 2)", integer_bytes(f_order, 2, true), true)},
        {"u8_fortran_v3.npy", npy_bytes("<u8", "(4, 2)", integer_bytes(f_order, 8), true, 3)},
    };
    for (const auto& f : files) {
        BOOST_TEST_CONTEXT(f.name) {
            generator_probe<std::uint8_t> g(
                *this, "spike_generator", from_file(write_bytes(dir / f.name, f.bytes)));
            check_rows(g);
        }
    }
    // An empty list, shape (0, 2): silence.
    generator_probe<std::uint8_t> empty(
        *this,
        "spike_generator",
        from_file(write_bytes(dir / "empty.npy", npy_bytes("<i8", "(0, 2)", ""))));
    BOOST_TEST(empty.step(0) == spikes(6, 0), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(refuses_config_lists_it_cannot_follow) {
    // A rule of the schema (ABI 1.2): refused before the constructor runs, at the field's path.
    BOOST_TEST(issues("spike_generator", R"({"units": [4], "steps": [1, 2], "indices": [0]})") ==
                   std::vector<std::string>{
                       "probe/indices: len(indices) == len(steps) must hold (spike k is at "
                       "steps[k], indices[k]), got len(indices) = 1, len(steps) = 2; change "
                       "probe/indices or probe/steps"},
               boost::test_tools::per_element());
    BOOST_TEST(contains(create_error(R"({"units": [4], "steps": [1, 2], "indices": [0, 4]})"),
                        "the config's spike 1 (steps[1], indices[1]): index 4 is out of range for "
                        "units (4) (4 elements, flat indices 0 to 3); give an index in that range "
                        "or larger units"));
    BOOST_TEST(contains(create_error(R"({"units": [4], "steps": [2, 5, 2], "indices": [1, 0, 1]})"),
                        "the config's spike 2 (steps[2], indices[2]) repeats the spike of the "
                        "config's spike 0 (steps[0], indices[0]) (step 2, index 1); an element "
                        "spikes at most once per step: remove the duplicate"));
    const auto file = csv("one.csv", "step,index\n0,0\n");
    BOOST_TEST(contains(
        create_error(R"({"units": [4], "steps": [1], "indices": [0], "file": ")" + file + "\"}"),
        "the spikes are given twice, in file '" + file +
            "' and in steps/indices; give one of them (leave steps and indices empty to read "
            "the file)"));
    // The schema's validators refuse what never reaches the module.
    BOOST_TEST(
        !issues("spike_generator", R"({"units": [4], "steps": [-1], "indices": [0]})").empty());
    BOOST_TEST(
        !issues("spike_generator", R"({"units": [4], "steps": [1], "indices": [-2]})").empty());
    BOOST_TEST(issues("spike_generator", "{}") ==
                   std::vector<std::string>{"probe/units: units is required and has no default"},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(refuses_missing_and_unknown_files) {
    const auto missing = (dir / "missing.csv").string();
    BOOST_TEST(contains(create_error(from_file(missing)),
                        "file '" + missing +
                            "': does not exist (a relative path starts from the "
                            "folder of the brain file, or from the working directory, "));
    const auto text = write_bytes(dir / "spikes.txt", "step,index\n");
    BOOST_TEST(contains(create_error(from_file(text)),
                        "file '" + text + "': has neither a .npy nor a .csv extension"));
    const auto folder = dir / "folder.csv";
    std::filesystem::create_directory(folder);
    BOOST_TEST(contains(create_error(from_file(folder.string())), "is not a regular file"));
}

BOOST_AUTO_TEST_CASE(refuses_malformed_csv_files_naming_the_line) {
    const struct {
        const char* text;
        std::string message;
    } cases[] = {
        {"", "': is empty; write one spike per line as 'step,index'"},
        {"3,1\n", "': line 1 is '3,1', not the header 'step,index'; write one spike per line"},
        {"index,step\n", "': line 1 is 'index,step', not the header 'step,index'"},
        {"step,index\n1,0\n\n2;1\n", "': line 4 is '2;1', not two fields; write one spike"},
        {"step,index\n1,2,3\n", "': line 2 is '1,2,3', not two fields"},
        {"step,index\n1.5,0\n", "': line 2: step '1.5' is not a whole number; write one spike"},
        {"step,index\n1,x\n", "': line 2: index 'x' is not a whole number"},
        {"step,index\n99999999999999999999,0\n", "': line 2: step '99999999999999999999' is not"},
        {"step,index\n0,1\n-1,0\n",
         "' line 3: step -1 is negative; steps count from 0, the first step after reset"},
        {"step,index\n0,1\n5,6\n",
         "' line 3: index 6 is out of range for units (2, 3) (6 elements, flat indices 0 to 5); "
         "give an index in that range or larger units"},
        {"step,index\n3,1\n0,0\n3,1\n",
         "' line 4 repeats the spike of file '{}' line 2 (step 3, index 1); an element spikes at "
         "most once per step: remove the duplicate"},
    };
    int n = 0;
    for (const auto& c : cases) {
        const auto file = csv("bad" + std::to_string(n++) + ".csv", c.text);
        std::string message = c.message;
        if (const auto at = message.find("{}"); at != std::string::npos) {
            message.replace(at, 2, file);
        }
        BOOST_TEST(contains(
            create_error(from_file(file)),
            "spark.spike_generator 'probe': create failed (SPARK_ERR_INVALID_ARGUMENT): file '" +
                file + message));
    }
}

BOOST_AUTO_TEST_CASE(refuses_npy_files_of_another_type_or_shape_naming_the_row) {
    const auto pairs = integer_bytes({0, 1, 2, 3}, 8);
    const struct {
        std::string bytes;
        std::string message;
    } cases[] = {
        {"step,index\n", "': is not a .npy file (it does not start with \\x93NUMPY)"},
        {npy_bytes("<f8", "(2, 2)", std::string(32, '\0')),
         "': element type '<f8' holds floats; the columns are step indices, not times, so save "
         "them as integers (times t in ms become steps round(t / dt)); save the spikes as "
         "integers, e.g. np.save(file, np.asarray(spikes, dtype=np.int64))"},
        {npy_bytes("|b1", "(2, 2)", std::string(4, '\0')),
         "': element type '|b1' is not an integer type; save the spikes as integers"},
        {npy_bytes("<i8", "(4,)", pairs),
         "': has shape (4,); a spike list has shape (k, 2): one row per spike, columns step and "
         "index (np.column_stack([steps, indices]))"},
        {npy_bytes("<i8", "(2, 2, 1)", pairs), "': has shape (2, 2, 1); a spike list has shape"},
        {npy_bytes("<i4", "(2, 2)", pairs),
         "': holds 32 bytes of data; its header's shape (2, 2) needs 16 (the file is cut short or "
         "not one array)"},
        {npy_bytes("<i8", "(2, 2)", pairs.substr(0, 24)),
         "': holds 24 bytes of data; its header's shape (2, 2) needs 32"},
        {npy_bytes("<i8", "(2, 2)", integer_bytes({0, 1, 3, 9}, 8)),
         "' row 1: index 9 is out of range for units (2, 3) (6 elements, flat indices 0 to 5)"},
        {npy_bytes("|i1", "(2, 2)", integer_bytes({0, 1, -3, 2}, 1)),
         "' row 1: step -3 is negative; steps count from 0"},
        {npy_bytes("<u8", "(1, 2)", integer_bytes({-1, 0}, 8)),
         "': row 0 holds a value beyond 2^63 - 1"},
    };
    int n = 0;
    for (const auto& c : cases) {
        const auto file = write_bytes(dir / ("bad" + std::to_string(n++) + ".npy"), c.bytes);
        BOOST_TEST(contains(
            create_error(from_file(file)),
            "spark.spike_generator 'probe': create failed (SPARK_ERR_INVALID_ARGUMENT): file '" +
                file + c.message));
    }
}

BOOST_AUTO_TEST_SUITE_END()
