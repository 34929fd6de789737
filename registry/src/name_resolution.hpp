// SPDX-License-Identifier: Apache-2.0
// Spelling help for unknown type names: edit distance and the closest known names.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spark::registry::detail {

/// Optimal-string-alignment distance (insertions, deletions, substitutions and adjacent
/// transpositions each cost 1), so "decya" is one edit from "decay".
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

/// Upstream's normalize_str (docs/file-format.md §5.2), how upstream stores and looks up registry
/// names: "_" between an acronym and a capitalised word and between a lower-case letter and an
/// upper-case one, runs of spaces and hyphens as "_", all lower case. "ALIFNeuron" ->
/// "alif_neuron", "N2NDelays" -> "n2n_delays"; a snake_case name stays as it is.
[[nodiscard]] std::string upstream_name(std::string_view name);

/// A known name and the forms a user might type for it (e.g. "acme.lif" and "lif").
struct name_candidate {
    std::string name;
    std::vector<std::string> spellings;
};

/// Up to `max_count` candidate names closest to `query` (distance to the nearest spelling), only
/// those close enough to be a plausible typo, nearest first, ties by name.
[[nodiscard]] std::vector<std::string> closest_names(std::string_view query,
                                                     const std::vector<name_candidate>& candidates,
                                                     std::size_t max_count);

} // namespace spark::registry::detail
