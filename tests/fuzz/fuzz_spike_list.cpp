// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: spike_generator's reader of spike lists
// (plugins/interfaces/spike_list_file.hpp), a .npy (k, 2) integer array or a `step,index` CSV text,
// chosen as the generator chooses by extension: here by the .npy magic. A list may be refused only
// with an sdk::status_error; anything else is a finding, and so is a list with more spikes than the
// input has bytes for.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <spark/sdk/guard.hpp>

#include "spike_list_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const bool npy = bytes.substr(0, 6) == std::string_view("\x93NUMPY", 6);
    try {
        const auto list = npy ? spark::interfaces::parse_spike_npy(bytes, "fuzz.npy")
                              : spark::interfaces::parse_spike_csv(bytes, "fuzz.csv");
        // A .npy row takes at least 2 bytes of data, a CSV spike at least "0,0".
        if (list.spikes.size() > size / 2) {
            std::abort();
        }
    } catch (const spark::sdk::status_error&) {
        // the documented refusal of a bad file
    }
    return 0;
}
