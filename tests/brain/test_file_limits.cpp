// SPDX-License-Identifier: Apache-2.0
// What a hostile or damaged file cannot do (docs/file-format.md section 11): pass the limits on a
// string or on the values of a document, repeat a key unnoticed, carry a non-finite number, make
// a message as long as itself, or be a special file that never ends or blocks.
#include <filesystem>
#include <string>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/errors.hpp>

#include "fixtures.hpp"
#include "log_capture.hpp"

#include <sys/stat.h>

using spark::runtime::brain_config;
using spark::runtime::config_error;
using spark::runtime::config_mode;
using spark::runtime::file_limits;

namespace {

/// The problems from_json reports for `text`, each as "<path>: <message>", one per line.
std::string text_refusal(const std::string& text,
                         const file_limits& limits = {},
                         config_mode mode = config_mode::strict) {
    try {
        (void)brain_config::from_json(text, "f.scfg", mode, limits);
    } catch (const config_error& e) {
        std::string lines;
        for (const auto& issue : e.issues()) {
            lines += (lines.empty() ? "" : "\n") + issue.path + ": " + issue.message;
        }
        return lines;
    }
    return "(read without error)";
}

std::string file_refusal(const std::filesystem::path& file) {
    try {
        (void)brain_config::from_file(file);
    } catch (const config_error& e) {
        BOOST_TEST_REQUIRE(e.issues().size() == 1U);
        return e.issues()[0].path + ": " + e.issues()[0].message;
    }
    return "(read without error)";
}

std::string zeros(int n) {
    std::string text;
    for (int i = 0; i < n; ++i) {
        text += i == 0 ? "0" : ",0";
    }
    return text;
}

} // namespace

BOOST_AUTO_TEST_SUITE(file_limits_hold)

BOOST_AUTO_TEST_CASE(the_values_of_a_document_are_counted_as_they_arrive) {
    file_limits limits;
    limits.max_values = 10;
    // Values in reading order: the object (1), the array (2), its elements from 3: element 7 is
    // the 10th value, element 8 the 11th. Positions are where the parser stopped: just after the
    // refused value (element 8 is at columns 24, after `{"a": [` and eight "0,").
    BOOST_TEST(
        text_refusal("{\"a\": [" + zeros(20) + "]}", limits) ==
        "f.scfg: holds more than 10 JSON values (the limit was reached at a[8]; each takes "
        "about 16 bytes once read); raise it with --max-json-values (file_limits::max_values "
        "in the API) if it really is this large (line 1, column 25)");
    // Exactly 10 values parse (and the envelope check speaks instead).
    BOOST_TEST(text_refusal("{\"a\": [" + zeros(8) + "]}", limits).find("JSON values") ==
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_string_or_key_beyond_the_limit_is_refused_with_its_path) {
    file_limits limits;
    limits.max_string_bytes = 8;
    BOOST_TEST(text_refusal(R"({"a": {"b": "123456789"}})", limits) ==
               "f.scfg: a string at a/b is longer than 8 bytes, the limit for one string; raise "
               "it with --max-json-string (file_limits::max_string_bytes in the API) if it really "
               "is this large (line 1, column 23)");
    BOOST_TEST(text_refusal(R"({"a": 1, "123456789": 2})", limits) ==
               "f.scfg: a key in the document is longer than 8 bytes, the limit for one string; "
               "raise it with --max-json-string (file_limits::max_string_bytes in the API) if it "
               "really is this large (line 1, column 20)");
    // 8 bytes pass.
    BOOST_TEST(text_refusal(R"({"a": {"b": "12345678"}})", limits).find("longer") ==
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_repeated_key_is_an_error_in_strict_mode_and_a_warning_in_compat_mode) {
    const std::string text = R"({"__type__": "brain_config", "__cfg__": {"modules_map": {},
        "input_map": {"x": 1, "x": 2}}})";
    BOOST_TEST(text_refusal(text) ==
               "f.scfg: the key 'x' at __cfg__/input_map/x appears twice in its object; a key may "
               "appear once (in --compat mode the last one wins, with a warning) (line 2, column "
               "33)");
    spark::test::captured_log().clear();
    // Compat: a warning with the path; what follows is about the last value (2, no port_specs).
    const auto compat = text_refusal(text, {}, config_mode::compat);
    BOOST_TEST(compat.find("appears twice") == std::string::npos);
    BOOST_TEST(spark::test::captured_log().contains(
        "f.scfg: the key 'x' at __cfg__/input_map/x appears twice in its object (the last one "
        "wins in compat mode)"));
}

BOOST_AUTO_TEST_CASE(non_finite_numbers_are_refused_with_their_path) {
    BOOST_TEST(text_refusal(R"({"a": [1, NaN]})") ==
               "f.scfg: NaN at a[1] (line 1, column 11) is not a finite number; a value must be "
               "finite (Python's json writes NaN and Infinity for float('nan') and "
               "float('inf'))");
    BOOST_TEST(text_refusal(R"({"a": {"b": Infinity}})").find("f.scfg: Infinity at a/b ") == 0U);
    BOOST_TEST(text_refusal(R"({"a": {"b": -Infinity}})").find("f.scfg: -Infinity at a/b ") == 0U);
    // 1e999 is beyond the largest double (about 1.8e308): it would read as infinity.
    BOOST_TEST(text_refusal(R"({"a": 1e999})") ==
               "f.scfg: the number 1e999 at a is too large for a double (it would read as "
               "infinity); a value must be a finite number (line 1, column 12)");
    // The largest double is finite and passes.
    BOOST_TEST(text_refusal(R"({"a": 1.7976931348623157e308})").find("finite") ==
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_message_quotes_at_most_a_short_excerpt_of_a_value) {
    // A 1 MiB string where a dtype name belongs: the message quotes 100 characters and the size.
    const std::string huge(1024 * 1024, 'y');
    const std::string text =
        R"({"__type__": "brain_config", "__cfg__": {"input_map": {"x": {"__type__": "port_specs",
        "__data__": {"payload_type": {"__payload_type__": "float_array"}, "shape": [1],
        "dtype": {"__type__": "dtype", "name": ")" +
        huge + R"("}, "description": null}}}, "output_map": {}, "modules_map": {}}})";
    const auto message = text_refusal(text);
    BOOST_TEST(message.size() < 400U, message.substr(0, 400));
    BOOST_TEST(message.find(std::string(100, 'y') + "... (1048576 bytes)") != std::string::npos,
               message.substr(0, 400));
    BOOST_TEST(message.find(std::string(101, 'y')) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(special_files_are_refused_by_type_without_blocking) {
    BOOST_TEST(file_refusal("/dev/zero") ==
               "/dev/zero: is a character device, not a regular file; give a regular file "
               "(special files have no end or block the reader)");
    const spark::test::scratch_dir dir;
    const auto fifo = dir / "brain.scfg";
    BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    // Opening a FIFO for reading blocks until a writer comes: the test would hang here.
    BOOST_TEST(file_refusal(fifo) ==
               fifo.string() + ": is a FIFO (named pipe), not a regular file; give a regular "
                               "file (special files have no end or block the reader)");
    // A symbolic link to a regular file is followed and read.
    const auto link = dir / "link.scfg";
    std::filesystem::create_symlink(SPARK_EXAMPLE_BRAIN, link);
    BOOST_TEST(file_refusal(link) == "(read without error)");
}

BOOST_AUTO_TEST_SUITE_END()
