// SPDX-License-Identifier: Apache-2.0
// brain::from_checkpoint() refuses every damaged, foreign or edited checkpoint with an error that
// names the file and the cause (and the module and the array): each test edits the bytes of a
// real checkpoint (flips a byte, truncates it, bumps its version, changes a shape or a dtype,
// renames a module or an array, moves an array outside the file or onto another, claims arrays
// larger than the file) and re-seals it with a correct SHA-256 where the test is about what lies
// behind the checksum.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <openssl/evp.h>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/checkpoint.hpp>

#include "checkpoint_fixture.hpp"
#include "log_capture.hpp"

namespace json = boost::json;
using spark::runtime::brain;
using spark::runtime::checkpoint_error;
using spark::runtime::checkpoint_options;
using spark::runtime::checkpoint_problem;
using spark::test::read_bytes;
using spark::test::write_bytes;

namespace {

// The frame as docs/file-format.md section 12 lays it out.
constexpr std::size_t manifest_length_at = 16;
constexpr std::size_t manifest_at = 24;
constexpr std::size_t trailer = 40;

std::uint64_t u64_at(const std::vector<unsigned char>& bytes, std::size_t at) {
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i) {
        value = (value << 8) | bytes[at + static_cast<std::size_t>(i)];
    }
    return value;
}

/// Writes a correct SHA-256 of everything before the trailer into the trailer.
void reseal(std::vector<unsigned char>& bytes) {
    std::array<unsigned char, 32> digest{};
    unsigned int length = 0;
    BOOST_TEST_REQUIRE(
        EVP_Digest(
            bytes.data(), bytes.size() - trailer, digest.data(), &length, EVP_sha256(), nullptr) ==
        1);
    std::copy(digest.begin(), digest.end(), bytes.end() - trailer);
}

json::object manifest_of(const std::vector<unsigned char>& bytes) {
    const auto length = u64_at(bytes, manifest_length_at);
    return json::parse(
               std::string(bytes.begin() + manifest_at,
                           bytes.begin() + static_cast<std::ptrdiff_t>(manifest_at + length)))
        .as_object();
}

/// The manifest replaced by `manifest` (padded with blanks to the old length: the arrays stay
/// where they are), re-sealed. Longer numbers are made up for by shortening the first module's
/// "file", which only informs.
void replace_manifest(std::vector<unsigned char>& bytes, json::object manifest) {
    const auto length = u64_at(bytes, manifest_length_at);
    auto text = json::serialize(manifest);
    if (text.size() > length) {
        auto& file =
            manifest["modules"].as_array()[0].as_object()["provenance"].as_object()["file"];
        std::string shorter(file.as_string());
        BOOST_TEST_REQUIRE(shorter.size() >= text.size() - length);
        shorter.resize(shorter.size() - (text.size() - length));
        file = shorter;
        text = json::serialize(manifest);
    }
    BOOST_TEST_REQUIRE(text.size() <= length);
    text.resize(length, ' ');
    std::copy(text.begin(), text.end(), bytes.begin() + manifest_at);
    reseal(bytes);
}

json::object& module_named(json::object& manifest, const std::string& name) {
    for (auto& m : manifest["modules"].as_array()) {
        if (m.as_object()["name"].as_string() == name) {
            return m.as_object();
        }
    }
    BOOST_FAIL("no module " + name);
    throw;
}

/// The first state array of `module` of shape [24] (the excitatory population's potential-like
/// arrays).
json::object& array_of_24(json::object& module) {
    for (auto& a : module["state"].as_array()) {
        const auto& shape = a.as_object()["shape"].as_array();
        if (shape.size() == 1 && shape[0].to_number<std::uint64_t>() == 24 &&
            a.as_object()["dtype"].as_string() == "float32") {
            return a.as_object();
        }
    }
    BOOST_FAIL("no float32 (24) array");
    throw;
}

struct refusal_fixture : spark::test::checkpoint_fixture {
    spark::test::scratch_dir dir;
    std::filesystem::path file = dir / "brain.ckpt";
    std::vector<unsigned char> bytes;

    refusal_fixture() {
        auto b = make({spark::runtime::executor_kind::sequential, 0});
        for (std::uint64_t s = 0; s < 10; ++s) {
            spark::test::drive(b, s);
            b.step();
        }
        b.checkpoint(file);
        bytes = read_bytes(file);
    }

    /// What loading `edited` throws: its problem and message.
    std::pair<checkpoint_problem, std::string> refusal(const std::vector<unsigned char>& edited,
                                                       const checkpoint_options& options = {}) {
        write_bytes(file, edited);
        try {
            (void)brain::from_checkpoint(registry, file, options);
        } catch (const checkpoint_error& e) {
            BOOST_TEST(e.file() == file);
            BOOST_TEST(std::string(e.what()).find(file.string() + ": ") == 0);
            return {e.problem(), e.what()};
        }
        BOOST_FAIL("the checkpoint loaded");
        return {};
    }
};

bool has(const std::string& text, const std::string& part) {
    if (text.find(part) == std::string::npos) {
        BOOST_TEST_MESSAGE("'" << part << "' is not in: " << text);
        return false;
    }
    return true;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(checkpoint_refusals, refusal_fixture)

BOOST_AUTO_TEST_CASE(the_unedited_checkpoint_loads) {
    BOOST_TEST(brain::from_checkpoint(registry, file).step_index() == 10U);
}

BOOST_AUTO_TEST_CASE(a_flipped_byte_fails_the_checksum) {
    for (const std::size_t at : {std::size_t{3}, manifest_at + 5, bytes.size() - trailer - 1}) {
        auto edited = bytes;
        edited[at] ^= 0x10;
        const auto [problem, message] = refusal(edited);
        BOOST_TEST_CONTEXT("byte " << at) {
            // The magic's byte makes it no checkpoint; every other byte fails the checksum.
            BOOST_TEST((problem == (at == 3 ? checkpoint_problem::not_a_checkpoint
                                            : checkpoint_problem::checksum)));
        }
        if (at != 3) {
            BOOST_TEST(has(message, "fails its checksum"));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_truncated_file_is_named_truncated) {
    for (const std::size_t keep :
         {bytes.size() - 1, bytes.size() / 2, std::size_t{30}, std::size_t{5}}) {
        const std::vector<unsigned char> edited(bytes.begin(),
                                                bytes.begin() + static_cast<std::ptrdiff_t>(keep));
        const auto [problem, message] = refusal(edited);
        BOOST_TEST_CONTEXT("kept " << keep << " bytes") {
            BOOST_TEST((problem == checkpoint_problem::truncated));
            BOOST_TEST(has(message, "truncated"));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_newer_format_version_is_refused) {
    auto edited = bytes;
    edited[8] = 2; // u32 version, little-endian
    reseal(edited);
    const auto [problem, message] = refusal(edited);
    BOOST_TEST((problem == checkpoint_problem::newer_version));
    BOOST_TEST(has(message, "format version 2, newer than this build reads (up to 1)"));
}

BOOST_AUTO_TEST_CASE(another_file_is_not_a_checkpoint) {
    const std::string text = "{\"__type__\": \"brain_config\"} and more text to be long enough ...";
    const auto [problem, message] = refusal({text.begin(), text.end()});
    BOOST_TEST((problem == checkpoint_problem::not_a_checkpoint));
    BOOST_TEST(has(message, "is not a Spark checkpoint"));
}

BOOST_AUTO_TEST_CASE(a_manifest_length_beyond_the_file_is_refused) {
    auto edited = bytes;
    edited[manifest_length_at + 5] = 0x7f; // about 2^47 bytes
    reseal(edited);
    const auto [problem, message] = refusal(edited);
    BOOST_TEST((problem == checkpoint_problem::malformed));
    BOOST_TEST(has(message, "more than the file holds"));
}

BOOST_AUTO_TEST_CASE(a_changed_shape_names_the_module_and_the_array) {
    auto manifest = manifest_of(bytes);
    auto& array = array_of_24(module_named(manifest, "ex"));
    const std::string name(array["name"].as_string());
    array["shape"] = json::array{12};
    array["bytes"] = 48;
    auto edited = bytes;
    replace_manifest(edited, manifest);
    const auto [problem, message] = refusal(edited);
    BOOST_TEST((problem == checkpoint_problem::mismatch));
    BOOST_TEST(has(message,
                   "module 'ex' (spark.lif_neuron) state array '" + name +
                       "' has shape (12) in the checkpoint but (24) in the brain"));
}

BOOST_AUTO_TEST_CASE(a_changed_dtype_names_the_module_and_the_array) {
    auto manifest = manifest_of(bytes);
    auto& array = array_of_24(module_named(manifest, "ex"));
    const std::string name(array["name"].as_string());
    array["dtype"] = "int32"; // the same size: only the dtype differs
    auto edited = bytes;
    replace_manifest(edited, manifest);
    const auto [problem, message] = refusal(edited);
    BOOST_TEST((problem == checkpoint_problem::mismatch));
    BOOST_TEST(has(message, "state array '" + name + "' is int32 in the checkpoint but float32"));
}

BOOST_AUTO_TEST_CASE(a_length_that_is_not_the_shape_s_is_refused) {
    auto manifest = manifest_of(bytes);
    auto& array = array_of_24(module_named(manifest, "ex"));
    array["bytes"] = 100;
    auto edited = bytes;
    replace_manifest(edited, manifest);
    const auto [problem, message] = refusal(edited);
    BOOST_TEST((problem == checkpoint_problem::malformed));
    BOOST_TEST(has(message, "says 100 bytes but its dtype and shape make 96"));
}

BOOST_AUTO_TEST_CASE(a_renamed_module_is_refused) {
    auto manifest = manifest_of(bytes);
    module_named(manifest, "ex")["name"] = "ey";
    auto edited = bytes;
    replace_manifest(edited, manifest);
    const auto [problem, message] = refusal(edited);
    BOOST_TEST((problem == checkpoint_problem::mismatch));
    BOOST_TEST(has(message, "module 1 is 'ey' in the checkpoint but 'ex' in the brain"));
}

BOOST_AUTO_TEST_CASE(a_renamed_array_is_refused) {
    auto manifest = manifest_of(bytes);
    auto& array = array_of_24(module_named(manifest, "ex"));
    const std::string name(array["name"].as_string());
    array["name"] = "elsewhere";
    auto edited = bytes;
    replace_manifest(edited, manifest);
    const auto [problem, message] = refusal(edited);
    BOOST_TEST((problem == checkpoint_problem::mismatch));
    BOOST_TEST(has(message, "is named 'elsewhere' in the checkpoint but '" + name + "'"));
}

BOOST_AUTO_TEST_CASE(an_array_outside_the_file_is_refused) {
    auto manifest = manifest_of(bytes);
    array_of_24(module_named(manifest, "ex"))["offset"] = bytes.size();
    auto edited = bytes;
    replace_manifest(edited, manifest);
    const auto [problem, message] = refusal(edited);
    BOOST_TEST((problem == checkpoint_problem::malformed));
    BOOST_TEST(has(message, "outside the file's arrays"));
}

BOOST_AUTO_TEST_CASE(overlapping_arrays_are_refused) {
    auto manifest = manifest_of(bytes);
    auto& module = module_named(manifest, "ex");
    auto& arrays = module["state"].as_array();
    BOOST_TEST_REQUIRE(arrays.size() >= 2U);
    arrays[1].as_object()["offset"] = arrays[0].as_object()["offset"];
    auto edited = bytes;
    replace_manifest(edited, manifest);
    const auto [problem, message] = refusal(edited);
    BOOST_TEST((problem == checkpoint_problem::malformed));
    BOOST_TEST(has(message, "overlap in the file"));
}

BOOST_AUTO_TEST_CASE(arrays_larger_than_the_file_are_refused_before_allocating) {
    // 4 GB where the file has a few KB; then a shape whose byte count overflows 64 bits.
    const std::vector<std::pair<json::array, std::string>> cases = {
        {json::array{1000000000}, "outside the file's arrays"},
        {json::array{4000000000U, 4000000000U, 4}, "has a shape too large for any file"}};
    for (const auto& [shape, expected] : cases) {
        auto manifest = manifest_of(bytes);
        auto& array = array_of_24(module_named(manifest, "ex"));
        array["shape"] = shape;
        array["bytes"] = shape.size() == 1 ? std::uint64_t{4000000000U} : std::uint64_t{1};
        auto edited = bytes;
        replace_manifest(edited, manifest);
        const auto [problem, message] = refusal(edited);
        BOOST_TEST((problem == checkpoint_problem::malformed));
        BOOST_TEST(has(message, expected));
    }
}

BOOST_AUTO_TEST_CASE(a_missing_type_names_the_module_and_the_type) {
    spark::test::registry_fixture without_interfaces;
    without_interfaces.registry.load(SPARK_NEURONS_PLUGIN);
    without_interfaces.registry.load(SPARK_INITIALIZERS_PLUGIN);
    try {
        (void)brain::from_checkpoint(without_interfaces.registry, file);
        BOOST_FAIL("the checkpoint loaded");
    } catch (const checkpoint_error& e) {
        BOOST_TEST((e.problem() == checkpoint_problem::missing_type));
        BOOST_TEST(has(e.what(),
                       "module 'input' (spark.poisson_spiker) has type "
                       "'spark.poisson_spiker', which no loaded plugin provides"));
    }
}

BOOST_AUTO_TEST_CASE(another_build_is_refused_unless_accepted_with_a_warning) {
    auto manifest = manifest_of(bytes);
    auto& provenance = module_named(manifest, "ex")["provenance"].as_object();
    const std::string now(provenance["sha256"].as_string());
    const std::string then(now.size(), '0');
    provenance["sha256"] = then;
    auto edited = bytes;
    replace_manifest(edited, manifest);
    const auto [problem, message] = refusal(edited);
    BOOST_TEST((problem == checkpoint_problem::other_build));
    BOOST_TEST(has(message,
                   "module 'ex' (spark.lif_neuron): file SHA-256 '" + then + "' when written, '" +
                       now + "' now"));
    BOOST_TEST(has(message, "accept_other_builds"));

    checkpoint_options accept;
    accept.accept_other_builds = true;
    const auto loaded = brain::from_checkpoint(registry, file, accept);
    BOOST_TEST(loaded.step_index() == 10U);
    BOOST_TEST(spark::test::captured_log().contains(
        "spark.runtime",
        "resuming with another build: module 'ex' (spark.lif_neuron): file SHA-256"));
}

BOOST_AUTO_TEST_CASE(state_a_module_refuses_is_named_with_its_reason) {
    // The excitatory population's delay line cursor (int32) set beyond its rows: the plugin's
    // state_loaded() refuses it.
    auto manifest = manifest_of(bytes);
    std::uint64_t offset = 0;
    for (const auto& a : module_named(manifest, "ex")["state"].as_array()) {
        if (a.as_object().at("name").as_string() == "cursor") {
            offset = a.as_object().at("offset").to_number<std::uint64_t>();
        }
    }
    BOOST_TEST_REQUIRE(offset > 0U);
    auto edited = bytes;
    edited[offset] = 0xe8; // 1000, little-endian
    edited[offset + 1] = 0x03;
    reseal(edited);
    const auto [problem, message] = refusal(edited);
    BOOST_TEST((problem == checkpoint_problem::rejected));
    BOOST_TEST(has(message, "module 'ex' refuses its saved state: "));
    BOOST_TEST(has(message, "'cursor' must be in [0, "));
}

BOOST_AUTO_TEST_SUITE_END()
