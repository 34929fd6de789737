// SPDX-License-Identifier: Apache-2.0
#include "config/exact_json.hpp"

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <boost/json/value_stack.hpp>

#include "config/json_text.hpp"

namespace spark::runtime::detail {
namespace {

namespace json = boost::json;
using boost::system::error_code;

/// Boost.JSON's own value-building handler (boost/json/detail/impl/handler.ipp), except that a
/// double is converted from its text.
struct exact_handler {
    static constexpr std::size_t max_object_size = json::object::max_size();
    static constexpr std::size_t max_array_size = json::array::max_size();
    static constexpr std::size_t max_key_size = json::string::max_size();
    static constexpr std::size_t max_string_size = json::string::max_size();

    json::value_stack stack;
    std::string number; // the text of the number being read, when it arrives in parts

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) { return true; }
    bool on_object_end(std::size_t n, error_code&) {
        stack.push_object(n);
        return true;
    }
    bool on_array_begin(error_code&) { return true; }
    bool on_array_end(std::size_t n, error_code&) {
        stack.push_array(n);
        return true;
    }
    bool on_key_part(json::string_view s, std::size_t, error_code&) {
        stack.push_chars(s);
        return true;
    }
    bool on_key(json::string_view s, std::size_t, error_code&) {
        stack.push_key(s);
        return true;
    }
    bool on_string_part(json::string_view s, std::size_t, error_code&) {
        stack.push_chars(s);
        return true;
    }
    bool on_string(json::string_view s, std::size_t, error_code&) {
        stack.push_string(s);
        return true;
    }
    bool on_number_part(json::string_view s, error_code&) {
        number.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t i, json::string_view, error_code&) {
        number.clear();
        stack.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, json::string_view, error_code&) {
        number.clear();
        stack.push_uint64(u);
        return true;
    }
    bool on_double(double approximate, json::string_view s, error_code&) {
        number.append(s.data(), s.size());
        double exact = approximate;
        const char* end = number.data() + number.size();
        const auto [ptr, status] = std::from_chars(number.data(), end, exact);
        // JSON's number grammar is a subset of from_chars's; out of range (1e400) keeps Boost's
        // value (an infinity), as Python's float() does.
        if (status != std::errc() || ptr != end) {
            exact = approximate;
        }
        number.clear();
        stack.push_double(exact);
        return true;
    }
    bool on_bool(bool b, error_code&) {
        stack.push_bool(b);
        return true;
    }
    bool on_null(error_code&) {
        stack.push_null();
        return true;
    }
    bool on_comment_part(json::string_view, error_code&) { return true; }
    bool on_comment(json::string_view, error_code&) { return true; }
};

} // namespace

json::value
parse_json_exact(std::string_view text, const std::string& source, std::uint32_t max_depth) {
    json::parse_options options;
    options.max_depth = max_depth;
    json::basic_parser<exact_handler> parser(options);
    parser.handler().stack.reset();
    error_code error;
    const std::size_t used = parser.write_some(false, text.data(), text.size(), error);
    if (!error && used < text.size()) {
        error = json::error::extra_data;
    }
    if (error) {
        throw_parse_error(text, used, error, source, max_depth);
    }
    return parser.handler().stack.release();
}

} // namespace spark::runtime::detail
