// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the brain-file reader (brain_config::from_file), plain JSON and xz (its
// magic bytes decide), both schemas (af523a5 and upstream 1.0), strict and compat modes. A
// file may be refused only with a config_error; anything else (a crash, a sanitizer report,
// another exception, a hang) is a finding. A brain read without error is written back with
// to_json(), which must not fail either.
#include <cstddef>
#include <cstdint>

#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/errors.hpp>

#include "input_file.hpp"

namespace {

void read_in(const std::filesystem::path& file, spark::runtime::config_mode mode) {
    try {
        const auto brain = spark::runtime::brain_config::from_file(file, mode);
        static_cast<void>(brain.to_json());
    } catch (const spark::runtime::config_error&) {
        // the documented refusal of a bad file
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto file = spark::fuzz::write_input(data, size, ".scfg");
    read_in(file, spark::runtime::config_mode::strict);
    read_in(file, spark::runtime::config_mode::compat);
    return 0;
}
