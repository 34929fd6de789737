// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the CLI's .npy reader (read_npy, what `spark run --input NAME=FILE.npy` and
// `spark raster` read). A file may be refused only with a spark::error; anything else is a
// finding. Every element of an array read without error is read once (npy_array::at), so a
// header that promises more data than it holds cannot go unnoticed.
#include <cstddef>
#include <cstdint>

#include <spark/registry/errors.hpp>

#include "input_file.hpp"
#include "npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto file = spark::fuzz::write_input(data, size, ".npy");
    try {
        const auto array = spark::cli::read_npy(file);
        double sum = 0;
        for (std::uint64_t i = 0; i < array.count(); ++i) {
            sum += array.at(i);
        }
        static_cast<void>(sum);
    } catch (const spark::error&) {
        // the documented refusal of a bad file
    }
    return 0;
}
