// SPDX-License-Identifier: Apache-2.0
#include "name_resolution.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace spark::registry::detail {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    const std::size_t rows = a.size() + 1;
    const std::size_t cols = b.size() + 1;
    std::vector<std::size_t> d(rows * cols);
    const auto at = [cols](std::size_t i, std::size_t j) { return i * cols + j; };
    for (std::size_t i = 0; i < rows; ++i) {
        d[at(i, 0)] = i;
    }
    for (std::size_t j = 0; j < cols; ++j) {
        d[at(0, j)] = j;
    }
    for (std::size_t i = 1; i < rows; ++i) {
        for (std::size_t j = 1; j < cols; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            std::size_t best =
                std::min({d[at(i - 1, j)] + 1, d[at(i, j - 1)] + 1, d[at(i - 1, j - 1)] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                best = std::min(best, d[at(i - 2, j - 2)] + 1);
            }
            d[at(i, j)] = best;
        }
    }
    return d[at(rows - 1, cols - 1)];
}

std::vector<std::string> closest_names(std::string_view query,
                                       const std::vector<name_candidate>& candidates,
                                       std::size_t max_count) {
    // A third of the query's length (at least 2) keeps real typos and drops unrelated names.
    const std::size_t limit = std::max<std::size_t>(2, query.size() / 3);
    std::vector<std::pair<std::size_t, std::string>> scored;
    for (const auto& candidate : candidates) {
        std::size_t best = std::numeric_limits<std::size_t>::max();
        for (const auto& spelling : candidate.spellings) {
            best = std::min(best, edit_distance(query, spelling));
        }
        if (best <= limit) {
            scored.emplace_back(best, candidate.name);
        }
    }
    std::sort(scored.begin(), scored.end());
    std::vector<std::string> names;
    for (auto& [distance, name] : scored) {
        if (names.size() == max_count) {
            break;
        }
        names.push_back(std::move(name));
    }
    return names;
}

std::string upstream_name(std::string_view name) {
    const auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
    const auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (c == ' ' || c == '-') {
            if (out.empty() || out.back() != '_') {
                out += '_';
            }
            continue;
        }
        if (i > 0 && upper(c)) {
            const char before = name[i - 1];
            const bool after_lower = lower(before);
            // "ALIFNeuron": the N starts a capitalised word after an acronym.
            const bool ends_acronym = upper(before) && i + 1 < name.size() && lower(name[i + 1]);
            if (after_lower || ends_acronym) {
                out += '_';
            }
        }
        out += upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

} // namespace spark::registry::detail
