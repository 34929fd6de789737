// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the checkpoint reader (brain::from_checkpoint, what `spark run --resume`
// reads) over the built-in plugins. Each input is sealed first, its trailer's SHA-256 and end
// magic rewritten to match its bytes (docs/file-format.md section 12.1), so that mutations reach
// the manifest, the layout and the state behind the checksum instead of stopping at it. A
// checkpoint may be refused only with a spark::error (checkpoint_error, or the config_error of a
// brain config it holds); anything else is a finding. One that loads must step.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <openssl/sha.h>

#include <spark/registry/errors.hpp>
#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain.hpp>
#include <spark/runtime/checkpoint.hpp>

#include "builtin_registry.hpp"
#include "input_file.hpp"

namespace {

constexpr std::size_t digest_bytes = 32;
constexpr std::size_t trailer_bytes = digest_bytes + 8; // SHA-256, end magic
constexpr char end_magic[8] = {'S', 'P', 'K', 'C', 'K', 'E', 'N', 'D'};

const spark::registry::plugin_registry& registry() {
    return spark::fuzz::builtin_registry();
}

std::vector<std::uint8_t> sealed(const std::uint8_t* data, std::size_t size) {
    std::vector<std::uint8_t> bytes(data, data + size);
    if (bytes.size() < trailer_bytes) {
        return bytes; // too short to hold a trailer: the reader's "truncated" case
    }
    const std::size_t body = bytes.size() - trailer_bytes;
    SHA256(bytes.data(), body, bytes.data() + body);
    std::copy(std::begin(end_magic),
              std::end(end_magic),
              bytes.begin() + static_cast<std::ptrdiff_t>(body + digest_bytes));
    return bytes;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto bytes = sealed(data, size);
    const auto file = spark::fuzz::write_input(bytes.data(), bytes.size(), ".ckpt");
    try {
        spark::runtime::checkpoint_options options;
        options.brain.executor = spark::runtime::executor_kind::sequential;
        options.accept_other_builds = true; // the seeds were written by another build
        auto brain = spark::runtime::brain::from_checkpoint(registry(), file, options);
        brain.step();
    } catch (const spark::error&) {
        // the documented refusals: checkpoint_error, config_error, graph_error, step_error
    }
    return 0;
}
