// SPDX-License-Identifier: Apache-2.0
#include "config/seeds.hpp"

#include <random>
#include <string>

#include "text.hpp"

namespace spark::runtime::detail {
namespace {

void reseed_below(boost::json::object& object, std::uint64_t seed, const std::string& path);

// Lists hold configs too: upstream 1.0's modules_specs.
void reseed_list(boost::json::array& list, std::uint64_t seed, const std::string& path) {
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string here = path + "[" + std::to_string(i) + "]";
        if (list[i].is_object()) {
            auto& nested = list[i].get_object();
            if (nested.contains("seed")) {
                nested["seed"] = mix_seed(seed ^ stable_hash(here));
            }
            reseed_below(nested, seed, here);
        } else if (list[i].is_array()) {
            reseed_list(list[i].get_array(), seed, here);
        }
    }
}

void reseed_below(boost::json::object& object, std::uint64_t seed, const std::string& path) {
    for (auto& entry : object) {
        if (entry.value().is_array()) {
            const std::string here =
                path.empty() ? std::string(entry.key()) : path + "/" + std::string(entry.key());
            reseed_list(entry.value().get_array(), seed, here);
            continue;
        }
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
