// SPDX-License-Identifier: Apache-2.0
// The brain area's fixture: an isolated registry with the test plugins ok_cpp (accumulator,
// echo_spikes), throws_in_step and brain_probe (relay, random_spiker, fixed_input, silent_source),
// and small builders for `.scfg` text so that each test shows the whole brain it runs.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/errors.hpp>

#include "fixtures.hpp"
#include "test_plugin_paths.hpp"

namespace spark::test {

/// {"__type__": "port_specs", ...} of a brain input or output.
inline std::string
spec_json(std::string_view payload, std::string_view shape, std::string_view dtype = "float32") {
    return R"({"__type__": "port_specs", "__data__": {"payload_type": {"__payload_type__": ")" +
           std::string(payload) + R"("}, "shape": )" + std::string(shape) +
           R"(, "dtype": {"__type__": "dtype", "name": ")" + std::string(dtype) +
           R"("}, "description": null}})";
}

/// {"__type__": "port_map", ...}.
inline std::string map_json(std::string_view origin, std::string_view port) {
    return R"({"__type__": "port_map", "__data__": {"origin": ")" + std::string(origin) +
           R"(", "port": ")" + std::string(port) + R"("}})";
}

/// "port": [sources...] for a module's inputs, sources as {origin, port} pairs.
inline std::string port_json(std::string_view port,
                             const std::vector<std::pair<std::string, std::string>>& sources) {
    std::string text = "\"" + std::string(port) + "\": [";
    for (std::size_t i = 0; i < sources.size(); ++i) {
        text += (i > 0 ? ", " : "") + map_json(sources[i].first, sources[i].second);
    }
    return text + "]";
}

/// "name": {"__type__": "module_specs", ...}; `inputs` is the inside of the inputs object.
inline std::string module_json(std::string_view name,
                               std::string_view class_ref,
                               std::string_view inputs,
                               std::string_view config = "{}") {
    return "\"" + std::string(name) + R"(": {"__type__": "module_specs", "__data__": {"name": ")" +
           std::string(name) + R"(", "module_cls": {"__module_type__": ")" +
           std::string(class_ref) + R"("}, "inputs": {)" + std::string(inputs) +
           R"(}, "config": )" + std::string(config) + "}}";
}

/// "name": spec for input_map.
inline std::string input_json(std::string_view name, const std::string& spec) {
    return "\"" + std::string(name) + "\": " + spec;
}

/// "name": {"input": ..., "spec": ...} for output_map.
inline std::string output_json(std::string_view name,
                               std::string_view origin,
                               std::string_view port,
                               const std::string& spec) {
    return "\"" + std::string(name) + R"(": {"input": )" + map_json(origin, port) +
           R"(, "spec": )" + spec + "}";
}

inline std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (std::size_t i = 0; i < items.size(); ++i) {
        text += (i > 0 ? ", " : "") + items[i];
    }
    return text;
}

/// A whole `.scfg` document.
inline std::string brain_json(const std::vector<std::string>& inputs,
                              const std::vector<std::string>& outputs,
                              const std::vector<std::string>& modules) {
    return R"({"__type__": "brain_config", "__cfg__": {"input_map": {)" + joined(inputs) +
           R"(}, "output_map": {)" + joined(outputs) + R"(}, "modules_map": {)" + joined(modules) +
           "}}}";
}

/// `text` (a brain document) with "__vendors__": `vendors` (JSON) as the first key of its
/// "__cfg__".
inline std::string with_vendors(std::string text, std::string_view vendors) {
    const std::string cfg = R"("__cfg__": {)";
    const auto at = text.find(cfg);
    BOOST_TEST_REQUIRE(at != std::string::npos);
    text.insert(at + cfg.size(), R"("__vendors__": )" + std::string(vendors) + ", ");
    return text;
}

/// Each issue as "<path>: <message>".
inline std::vector<std::string> lines(const std::vector<spark::runtime::config_issue>& issues) {
    std::vector<std::string> out;
    for (const auto& issue : issues) {
        out.push_back(issue.path + ": " + issue.message);
    }
    return out;
}

/// The issues from_json reports for `text` (none when it parses).
inline std::vector<std::string> parse_issues(std::string_view text) {
    try {
        (void)spark::runtime::brain_config::from_json(text);
    } catch (const spark::runtime::config_error& e) {
        return lines(e.issues());
    }
    return {};
}

struct brain_fixture : registry_fixture {
    brain_fixture() {
        registry.load(test_plugin("ok_cpp"));
        registry.load(test_plugin("throws_in_step"));
        registry.load(test_plugin("brain_probe"));
    }

    [[nodiscard]] spark::runtime::brain make(std::string_view text,
                                             spark::runtime::brain_options options = {}) const {
        return spark::runtime::brain(
            registry, spark::runtime::brain_config::from_json(text), options);
    }

    [[nodiscard]] std::vector<std::string> validate(std::string_view text) const {
        return lines(spark::runtime::brain_config::from_json(text).validate(registry));
    }
};

} // namespace spark::test
