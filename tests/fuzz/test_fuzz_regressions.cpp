// SPDX-License-Identifier: Apache-2.0
// Every input that once broke a reader (tests/data/fuzz-regressions/<target>/, README.md there
// says how each was found) is refused with the reader's documented error and a message that says
// what is wrong, in every build (dev with gcc too, where libFuzzer does not exist).
#include <cstdint>
#include <filesystem>
#include <string>
#include <tuple>

#include <boost/test/unit_test.hpp>

#include <spark/registry/errors.hpp>
#include <spark/registry/plugin_manifest.hpp>

#include "npy.hpp"
#include "text_match.hpp"

using spark::test::contains;

namespace {

const std::filesystem::path regressions = SPARK_FUZZ_REGRESSIONS_DIR;

/// The message read_npy refuses `name` with; fails the test when it accepts the file.
std::string npy_refusal(const std::string& name) {
    const auto file = regressions / "npy" / name;
    BOOST_TEST_REQUIRE(std::filesystem::exists(file), file);
    try {
        const auto array = spark::cli::read_npy(file);
        BOOST_ERROR(name << " was accepted with " << array.count() << " elements");
    } catch (const spark::error& e) {
        return e.what();
    }
    return {};
}

} // namespace

BOOST_AUTO_TEST_SUITE(npy_reader)

// The message alone does not show that nothing was allocated first (the old reader allocated
// 4 GiB, then said the same): the asan build's fuzz_npy test replays this file with libFuzzer's
// 2 GiB allocation limit, which fails on such an allocation.
BOOST_AUTO_TEST_CASE(a_header_longer_than_the_file_is_refused_before_it_is_allocated) {
    const auto message = npy_refusal("header-length-4gib.npy");
    BOOST_TEST(contains(message, "header-length-4gib.npy: the file ends inside its header"),
               message);
}

BOOST_AUTO_TEST_CASE(a_shape_needing_more_data_than_the_file_holds_is_refused_before_allocating) {
    // 144 bytes: a 128-byte header (10 lead bytes + a 118-byte dict), then 16 bytes of data.
    BOOST_TEST(std::filesystem::file_size(regressions / "npy" / "shape-petabytes.npy") == 144U);
    const auto message = npy_refusal("shape-petabytes.npy");
    BOOST_TEST(contains(message, "the file holds 16 bytes of data, its header's shape needs more"),
               message);
}

BOOST_AUTO_TEST_CASE(a_shape_whose_element_count_wraps_around_64_bits_is_refused) {
    // 2^32 * 2^32 = 2^64 elements of one byte, which is 0 modulo 2^64: no data "needed".
    const auto message = npy_refusal("shape-product-wraps.npy");
    BOOST_TEST(contains(message, "the file holds 0 bytes of data, its header's shape needs more"),
               message);
}

BOOST_AUTO_TEST_CASE(a_size_beyond_64_bits_is_refused_instead_of_wrapping_to_a_small_one) {
    // 18446744073709551626 = 2^64 + 10, which wrapped to 10 and matched the 10 data bytes.
    const auto message = npy_refusal("shape-size-wraps.npy");
    BOOST_TEST(contains(message, "the header's shape '(18446744073709551626,)' is not a tuple"),
               message);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(manifest_reader)

// fuzz_manifest found it: the built-in interfaces manifest with concat_reshape and sampler listed
// twice, the copies different, was read; compared with itself it then "disagreed" with itself.
// type-listed-twice is the same defect made by hand (constant_initializer again, another version).
BOOST_AUTO_TEST_CASE(a_type_listed_twice_is_refused_naming_both_entries) {
    const auto dir = regressions / "manifest";
    for (const auto& [file, id, first, second] :
         {std::tuple{"type-listed-twice.manifest.json",
                     "spark.constant_initializer",
                     "types[0]",
                     "types[4]"},
          std::tuple{"crash-eb872ddf0d52767b390547327868c6d6b49f23f3.manifest.json",
                     "spark.concat_reshape",
                     "types[3]",
                     "types[6]"}}) {
        try {
            const auto manifest = spark::registry::read_manifest(dir / file);
            BOOST_ERROR(file << " was read with " << manifest.types.size() << " types");
        } catch (const spark::registry::manifest_error& e) {
            const std::string message = e.what();
            BOOST_TEST(contains(message,
                                std::string("lists type ") + id + " twice (" + first + " and " +
                                    second + ")"),
                       message);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
