// SPDX-License-Identifier: Apache-2.0
#include "config/seeds.hpp"

#include <random>

#include "text.hpp"

namespace spark::runtime::detail {
namespace {

void reseed_below(boost::json::object& object, std::uint64_t seed, const std::string& path) {
    for (auto& entry : object) {
        if (!entry.value().is_object()) {
            continue;
        }
        const std::string here =
            path.empty() ? std::string(entry.key()) : path + "/" + std::string(entry.key());
        auto& nested = entry.value().get_object();
        if (nested.contains("seed")) {
            nested["seed"] = mix_seed(seed ^ stable_hash(here));
        }
        reseed_below(nested, seed, here);
    }
}

} // namespace

std::uint64_t new_seed(std::optional<std::uint64_t> seed, const std::string& name) {
    if (seed) {
        return mix_seed(*seed ^ stable_hash(name));
    }
    std::random_device entropy;
    return (static_cast<std::uint64_t>(entropy()) << 32U) ^ entropy();
}

void reseed(boost::json::object& config, std::uint64_t seed) {
    config["seed"] = seed;
    reseed_below(config, seed, "");
}

} // namespace spark::runtime::detail
