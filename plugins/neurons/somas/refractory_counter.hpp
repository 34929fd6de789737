// SPDX-License-Identifier: Apache-2.0
// The refractory counter every refractory soma keeps (docs/models.md sections 4.2, 4.3, 4.6,
// 4.8): steps since the neuron's last spike, 0 right after it. Upstream's counter is a uint16
// that wraps after 65,536 silent steps, making a silent neuron refractory again; ours is an int32
// that saturates at c + 1, which is identical until the wrap and means "ready" for every
// refractory soma (docs/upstream-differences.md).
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <spark/sdk/guard.hpp>

namespace spark::neurons::detail {

/// The counter after a step: 0 after a spike, else one more, saturating at cooldown + 1.
/// The counter after a step: 0 after a spike, else one more, saturating at c + 1. Written
/// without a branch so that population loops calling it vectorise.
[[nodiscard]] inline std::int32_t
next_counter(std::int32_t r, std::int32_t cooldown, bool fired) noexcept {
    const std::int32_t counted = r > cooldown ? cooldown + 1 : r + 1;
    return fired ? 0 : counted;
}

/// A loaded counter must be >= 0; anything above c + 1 means "ready" and is stored as c + 1.
inline void
check_loaded_counter(std::vector<std::int32_t>& counter, std::int32_t cooldown, const char* owner) {
    for (auto& r : counter) {
        if (r < 0) {
            throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT,
                                    std::string(owner) +
                                        " state 'refractory' must be >= 0 steps, got " +
                                        std::to_string(r));
        }
        r = std::min(r, cooldown + 1);
    }
}

} // namespace spark::neurons::detail
