// SPDX-License-Identifier: Apache-2.0
#include "config/exact_json.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_set>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <boost/json/value_stack.hpp>

#include <spark/runtime/errors.hpp>

#include "config/json_text.hpp"
#include "config/message_text.hpp"
#include "log.hpp"

namespace spark::runtime::detail {
namespace {

namespace json = boost::json;
using boost::system::error_code;

/// One open object or array, for the path of the value being read.
struct open_container {
    bool object = false;
    std::uint64_t index = 0;              // arrays: the element being read
    std::string key;                      // objects: the key of the value being read
    std::unordered_set<std::string> keys; // objects: the keys seen so far
};

/// Boost.JSON's own value-building handler (boost/json/detail/impl/handler.ipp), except that a
/// double is converted from its text, plus the checks of parse_json_exact. A failed check stores
/// its message and stops the parser (returns false with an error code set).
struct exact_handler {
    static constexpr std::size_t max_object_size = json::object::max_size();
    static constexpr std::size_t max_array_size = json::array::max_size();
    static constexpr std::size_t max_key_size = json::string::max_size();
    static constexpr std::size_t max_string_size = json::string::max_size();

    json::value_stack stack;
    std::string number; // the text of the number being read, when it arrives in parts
    std::string key;    // the text of the key being read, when it arrives in parts
    const file_limits* limits = nullptr;
    config_mode mode = config_mode::strict;
    std::string source;
    std::vector<open_container> open;
    std::uint64_t values = 0;
    std::string failure; // set when a check stopped the parser

    /// "__cfg__/modules_map/A/config/units[0]": where the value being read sits.
    [[nodiscard]] std::string path() const {
        std::string text;
        for (const auto& container : open) {
            if (container.object) {
                if (!container.key.empty()) { // empty between a value and the next key
                    text += (text.empty() ? "" : "/") + excerpt(container.key);
                }
            } else {
                text += "[" + std::to_string(container.index) + "]";
            }
        }
        return text.empty() ? "the document" : text;
    }

    bool stop(error_code& ec, std::string message) {
        failure = std::move(message);
        ec = json::error::exception; // any error: the message above is what is reported
        return false;
    }

    /// Counts a value starting now; false (stopped) beyond the limit.
    bool begin_value(error_code& ec) {
        if (++values > limits->max_values) {
            return stop(ec,
                        "holds more than " + std::to_string(limits->max_values) +
                            " JSON values (the limit was reached at " + path() +
                            "; each takes about 16 bytes once read); " +
                            raise_hint("max-json-values", "file_limits::max_values"));
        }
        return true;
    }
    /// A value has been read: the next one of an array has the next index.
    void end_value() {
        if (open.empty()) {
            return;
        }
        if (open.back().object) {
            open.back().key.clear(); // a key being read next is not yet part of the path
        } else {
            ++open.back().index;
        }
    }
    bool check_string(std::size_t size, error_code& ec, std::string_view what) {
        if (size > limits->max_string_bytes) {
            return stop(ec,
                        "a " + std::string(what) + (what == "key" ? " in " : " at ") + path() +
                            " is longer than " + size_text(limits->max_string_bytes) +
                            ", the limit for one string; " +
                            raise_hint("max-json-string", "file_limits::max_string_bytes"));
        }
        return true;
    }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code& ec) {
        if (!begin_value(ec)) {
            return false;
        }
        open.push_back({true, 0, {}, {}});
        return true;
    }
    bool on_object_end(std::size_t n, error_code&) {
        open.pop_back();
        stack.push_object(n); // a repeated key (compat mode): the last one wins
        end_value();
        return true;
    }
    bool on_array_begin(error_code& ec) {
        if (!begin_value(ec)) {
            return false;
        }
        open.push_back({false, 0, {}, {}});
        return true;
    }
    bool on_array_end(std::size_t n, error_code&) {
        open.pop_back();
        stack.push_array(n);
        end_value();
        return true;
    }
    bool on_key_part(json::string_view s, std::size_t n, error_code& ec) {
        if (!check_string(n, ec, "key")) {
            return false;
        }
        key.append(s.data(), s.size());
        stack.push_chars(s);
        return true;
    }
    bool on_key(json::string_view s, std::size_t n, error_code& ec) {
        if (!check_string(n, ec, "key")) {
            return false;
        }
        key.append(s.data(), s.size());
        auto& object = open.back();
        object.key = key;
        if (!object.keys.insert(key).second) {
            const std::string message =
                "the key '" + excerpt(key) + "' at " + path() + " appears twice in its object";
            if (mode == config_mode::strict) {
                return stop(ec,
                            message + "; a key may appear once (in --compat mode the last one "
                                      "wins, with a warning)");
            }
            logger().warn("{}: {} (the last one wins in compat mode)", source, message);
        }
        key.clear();
        stack.push_key(s);
        return true;
    }
    bool on_string_part(json::string_view s, std::size_t n, error_code& ec) {
        if (n == s.size() && !begin_value(ec)) { // the first part starts the value
            return false;
        }
        if (!check_string(n, ec, "string")) {
            return false;
        }
        stack.push_chars(s);
        return true;
    }
    bool on_string(json::string_view s, std::size_t n, error_code& ec) {
        if (n == s.size() && !begin_value(ec)) { // in one piece: not counted by a part
            return false;
        }
        if (!check_string(n, ec, "string")) {
            return false;
        }
        stack.push_string(s);
        end_value();
        return true;
    }
    bool on_number_part(json::string_view s, error_code&) {
        number.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t i, json::string_view, error_code& ec) {
        number.clear();
        if (!begin_value(ec)) {
            return false;
        }
        stack.push_int64(i);
        end_value();
        return true;
    }
    bool on_uint64(std::uint64_t u, json::string_view, error_code& ec) {
        number.clear();
        if (!begin_value(ec)) {
            return false;
        }
        stack.push_uint64(u);
        end_value();
        return true;
    }
    bool on_double(double approximate, json::string_view s, error_code& ec) {
        number.append(s.data(), s.size());
        if (!begin_value(ec)) {
            return false;
        }
        double exact = approximate;
        const char* end = number.data() + number.size();
        const auto [ptr, status] = std::from_chars(number.data(), end, exact);
        // JSON's number grammar is a subset of from_chars's; out of range (1e400) keeps Boost's
        // value (an infinity), refused below.
        if (status != std::errc() || ptr != end) {
            exact = approximate;
        }
        if (!std::isfinite(exact)) {
            return stop(ec,
                        "the number " + excerpt(number) + " at " + path() +
                            " is too large for a double (it would read as infinity); a value "
                            "must be a finite number");
        }
        number.clear();
        stack.push_double(exact);
        end_value();
        return true;
    }
    bool on_bool(bool b, error_code& ec) {
        if (!begin_value(ec)) {
            return false;
        }
        stack.push_bool(b);
        end_value();
        return true;
    }
    bool on_null(error_code& ec) {
        if (!begin_value(ec)) {
            return false;
        }
        stack.push_null();
        end_value();
        return true;
    }
    bool on_comment_part(json::string_view, error_code&) { return true; }
    bool on_comment(json::string_view, error_code&) { return true; }
};

/// The non-finite token Python's json writes ("NaN", "Infinity", "-Infinity") where the parser
/// stopped, or "".
std::string_view non_finite_token(std::string_view text, std::size_t used) {
    for (const std::string_view token : {"-Infinity", "Infinity", "NaN"}) {
        // The parser may stop on the token's first byte or just after a leading '-'.
        for (const std::size_t back : {std::size_t{0}, std::size_t{1}}) {
            if (used >= back && text.substr(used - back, token.size()) == token) {
                return token;
            }
        }
    }
    return {};
}

} // namespace

json::value parse_json_exact(std::string_view text,
                             const std::string& source,
                             const file_limits& limits,
                             config_mode mode) {
    json::parse_options options;
    options.max_depth = limits.max_depth;
    json::basic_parser<exact_handler> parser(options);
    auto& handler = parser.handler();
    handler.stack.reset();
    handler.limits = &limits;
    handler.mode = mode;
    handler.source = source;
    error_code error;
    const std::size_t used = parser.write_some(false, text.data(), text.size(), error);
    if (!error && used < text.size()) {
        error = json::error::extra_data;
    }
    if (!handler.failure.empty()) {
        throw config_error({{source, handler.failure + " (" + position_text(text, used) + ")"}});
    }
    if (error) {
        if (const auto token = non_finite_token(text, used); !token.empty()) {
            throw config_error(
                {{source,
                  std::string(token) + " at " + handler.path() + " (" + position_text(text, used) +
                      ") is not a finite number; a value must be finite (Python's "
                      "json writes NaN and Infinity for float('nan') and "
                      "float('inf'))"}});
        }
        throw_parse_error(text, used, error, source, limits.max_depth);
    }
    return handler.stack.release();
}

} // namespace spark::runtime::detail
