// SPDX-License-Identifier: Apache-2.0
// The process's peak resident memory (Linux: VmHWM of /proc/self/status), and resetting it to
// the current resident size ("5" to /proc/self/clear_refs), so that a test can measure what one
// call adds at its peak: a copy that a call makes and frees again still shows.
#pragma once
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>

#include <boost/test/unit_test.hpp>

namespace spark::test {

/// The field `name` of /proc/self/status, in bytes (the file gives kB).
inline std::size_t status_bytes(const std::string& name) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(name + ":", 0) == 0) {
            std::istringstream value(line.substr(name.size() + 1));
            std::size_t kb = 0;
            value >> kb;
            return kb * 1024;
        }
    }
    BOOST_FAIL("/proc/self/status has no " + name);
    return 0;
}

/// What the peak resident size grows by while `call` runs.
template <typename Call>
std::size_t peak_growth(Call&& call) {
    {
        std::ofstream clear("/proc/self/clear_refs");
        clear << "5";
        clear.close();
        BOOST_REQUIRE_MESSAGE(clear, "cannot reset the peak resident size");
    }
    const std::size_t before = status_bytes("VmHWM");
    call();
    return status_bytes("VmHWM") - before;
}

} // namespace spark::test
