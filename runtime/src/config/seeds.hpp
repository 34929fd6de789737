// SPDX-License-Identifier: Apache-2.0
// New seeds for configs (upstream's with_new_seeds / refresh_seeds), internal.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

namespace spark::runtime::detail {

/// A seed from `seed` and a name (reproducible), or from the OS's entropy without `seed`.
[[nodiscard]] std::uint64_t new_seed(std::optional<std::uint64_t> seed, const std::string& name);

/// Sets `config`'s "seed" to `seed`, and every "seed" of the nested objects below it to one
/// derived from `seed` and the key path to it ("soma", "synapses/kernel").
void reseed(boost::json::object& config, std::uint64_t seed);

} // namespace spark::runtime::detail
