// SPDX-License-Identifier: Apache-2.0
// The plain-C plugins: cdemo (examples/c-plugin, built against the installed SDK) and the plugin
// built against the ABI headers as first released (tests/abi/frozen_plugin with tests/abi/v1_0),
// which the live registry must keep loading and running. Expected numbers are worked by hand in
// examples/c-plugin/README.md and tests/abi/README.md.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/registry/errors.hpp>

#include "vendor_models.hpp"

namespace fs = std::filesystem;
using spark::test::check_close;
using spark::test::port;
using spark::test::running_module;

BOOST_FIXTURE_TEST_SUITE(c_plugins, spark::test::vendor_models)

BOOST_AUTO_TEST_CASE(cdemo_spike_counter_counts_each_group_over_its_window) {
    // 4 inputs in 2 groups, a window of 4 steps: counts are sums over the last 4 steps.
    const std::vector<std::vector<std::uint8_t>> spikes = {
        {1, 1, 0, 0}, {0, 1, 1, 0}, {0, 0, 1, 1}, {1, 0, 0, 1}, {0, 0, 0, 0}};
    const std::vector<std::vector<double>> counts = {{2, 0}, {3, 1}, {3, 3}, {4, 4}, {2, 4}};
    for (const char* output : {"count", "rate"}) {
        BOOST_TEST_CONTEXT(output) {
            running_module m(*this,
                             "cdemo.spike_counter",
                             std::string(R"({"num_groups": 2, "window": 4, "dtype": "float64",
                                             "output": ")") +
                                 output + "\"}",
                             {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {4})},
                             1);
            // rate: count * 1000 / (group size 2 * window 4 * dt 1 ms) = count * 125 Hz
            const double scale = std::string(output) == "rate" ? 125.0 : 1.0;
            for (std::size_t k = 0; k < spikes.size(); ++k) {
                for (std::size_t i = 0; i < 4; ++i) {
                    m.in<std::uint8_t>(0)[i] = spikes[k][i];
                }
                m.step(k);
                const auto out = m.out<double>(0);
                check_close({out[0], out[1]}, {counts[k][0] * scale, counts[k][1] * scale}, 1e-12);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(cdemo_spike_counter_can_leave_out_inhibitory_spikes) {
    const std::vector<std::vector<std::uint8_t>> spikes = {
        {1, 1, 0, 0}, {0, 1, 3, 0}, {0, 0, 3, 2}, {1, 0, 0, 1}, {0, 0, 0, 0}};
    const std::vector<std::vector<double>> all = {{2, 0}, {3, 1}, {3, 2}, {4, 3}, {2, 3}};
    const std::vector<std::vector<double>> excitatory = {{2, 0}, {3, 0}, {3, 0}, {4, 1}, {2, 1}};
    for (const bool exclude : {false, true}) {
        running_module m(*this,
                         "cdemo.spike_counter",
                         std::string(R"({"num_groups": 2, "window": 4, "dtype": "float64",
                                         "exclude_inhibitory": )") +
                             (exclude ? "true" : "false") + "}",
                         {port(SPARK_PAYLOAD_SPIKES, SPARK_DTYPE_U8, {4})},
                         1);
        for (std::size_t k = 0; k < spikes.size(); ++k) {
            for (std::size_t i = 0; i < 4; ++i) {
                m.in<std::uint8_t>(0)[i] = spikes[k][i];
            }
            m.step(k);
            const auto out = m.out<double>(0);
            check_close({out[0], out[1]}, exclude ? excitatory[k] : all[k], 1e-12);
        }
    }
}

BOOST_AUTO_TEST_CASE(cdemo_lif_population_fires_as_worked_out_by_hand) {
    // tau_m 4 ms, dt 1 ms, r_m 1: v += (v_rest - v + I) / 4 from -65 mV; threshold -50 mV.
    // I = 20: v = -60, -56.25, -53.4375, -51.328125, then >= -50 at step 4 (period 5 steps);
    // I = 16 fires every 10 steps from step 9; I = 0 never.
    running_module m(*this,
                     "cdemo.lif_population",
                     R"({"units": [4], "tau_m": 4, "dtype": "float64"})",
                     {port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {4})},
                     1);
    const std::vector<double> current = {20, 16, 0, 20};
    std::vector<std::vector<std::uint64_t>> fired(4);
    std::vector<double> v0;
    for (std::uint64_t k = 0; k < 20; ++k) {
        for (std::size_t i = 0; i < 4; ++i) {
            m.in<double>(0)[i] = current[i];
        }
        m.step(k);
        for (std::size_t i = 0; i < 4; ++i) {
            if ((m.out<std::uint8_t>(0)[i] & 1U) != 0) {
                fired[i].push_back(k);
            }
        }
        v0.push_back(m.state_values<double>("v")[0]);
    }
    check_close(std::vector<double>(v0.begin(), v0.begin() + 4),
                {-60.0, -56.25, -53.4375, -51.328125},
                1e-15);
    BOOST_TEST(fired[0] == (std::vector<std::uint64_t>{4, 9, 14, 19}),
               boost::test_tools::per_element());
    BOOST_TEST(fired[1] == (std::vector<std::uint64_t>{9, 19}), boost::test_tools::per_element());
    BOOST_TEST(fired[2].empty());
    BOOST_TEST(fired[3] == fired[0], boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_frozen_abi_headers_are_unchanged) {
    // tests/abi/README.md lists the checksums of each copy as released. A copy holds exactly these
    // headers: one added later would be frozen by nobody.
    using checksums = std::vector<std::pair<std::string, std::string>>;
    const std::vector<std::pair<std::string, checksums>> copies = {
        {"v1_0",
         {{"entry.h", "b26e3c312fc6413710e97ad37b32c8935af1ddcc6189587e1a3ef7303ded5e7f"},
          {"host.h", "6b099793f5e76a5a36b92ae95a4dfa81660f41e04796cf270b61a49983387c98"},
          {"module.h", "e8927a04bb03ceaa68caa56ca49aebaaa726aa39601ed5688a8ab0982446aee1"},
          {"schema.h", "c8e0cb4a4e55968372631f717f49c07ca2bfbc51ff061e41dbc8135a5efca63c"},
          {"services.h", "2d5424e1a3b6b3236f9803e6d611e8a71cdb162ddd462efa022c1dc5300b6f11"},
          {"spark_abi.h", "6cb469c54c7b43bb2c9ec63f739b392a95263a4a25f35ba61a82f10385c009dc"},
          {"status.h", "44cabacad084f569d396ca6a66fe9dfc9d29f9f9fbdea87ae9fa3651a91a7e9f"},
          {"types.h", "6ac801b30bb40231ce0fe10ddb0a022a31f052b6a9a46b07bb3b66ec0c4d4b6f"},
          {"version.h", "d57606da0b3c2649572c2c5a97032534b88a907f4ff3034de0729fb5dce5c242"}}},
        {"v1_1",
         {{"capabilities.h", "dcc615d9db5b6b172a7ff0ca5254e0ede02efdf9599be22b79f8ae1b7eb8f76e"},
          {"entry.h", "b26e3c312fc6413710e97ad37b32c8935af1ddcc6189587e1a3ef7303ded5e7f"},
          {"host.h", "6b099793f5e76a5a36b92ae95a4dfa81660f41e04796cf270b61a49983387c98"},
          {"module.h", "3ad293c59530f33c4041de0a8b93d76925992b72debb559207e6c2a086547cd5"},
          {"properties.h", "12c99566e28ce2fd80b1e9f4f2d8c8bf55a8f08e5bfc7c65ed45acc9eba1b07d"},
          {"schema.h", "c8e0cb4a4e55968372631f717f49c07ca2bfbc51ff061e41dbc8135a5efca63c"},
          {"services.h", "1bf23701d56d5e7304fde16e188db3136b59c7502150a5f7afd96272d8a7bb81"},
          {"spark_abi.h", "a333d6b9e70ddc1414f7e7c126982de8da7a13064adbdc3e8fe9c13b594d2664"},
          {"sparse_initializer.h",
           "3558d4e7139cd496889351a88e6f916b8a657f593246bf7b54609fafe29b63a3"},
          {"status.h", "44cabacad084f569d396ca6a66fe9dfc9d29f9f9fbdea87ae9fa3651a91a7e9f"},
          {"types.h", "6ac801b30bb40231ce0fe10ddb0a022a31f052b6a9a46b07bb3b66ec0c4d4b6f"},
          {"version.h", "d05a34286505e49e6cbfe36759b0c4aebb63d8b0831e6232c7572cbd8eda8db2"}}}};
    for (const auto& [copy, released] : copies) {
        BOOST_TEST_CONTEXT("tests/abi/" << copy) {
            const auto dir = spark::test::source_dir / "tests/abi" / copy / "spark/abi";
            std::size_t headers = 0;
            for (const auto& entry : fs::directory_iterator(dir)) {
                headers += entry.is_regular_file() ? 1U : 0U;
            }
            BOOST_TEST(headers == released.size());
            for (const auto& [file, digest] : released) {
                const auto result =
                    spark::test::run_process("/usr/bin/sha256sum", {(dir / file).string()});
                BOOST_TEST(result.out.substr(0, 64) == digest, file << " was edited");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_plugin_built_against_the_frozen_abi_runs_in_the_live_host) {
    // frozen.affine, bias [1, -1], start_step 1, clamp_negative: y = 2 in + 0.5 + bias[i % 2],
    // negatives clamped, accumulated from step 1 on (tests/abi/README.md, worked example 2).
    running_module m(*this,
                     "frozen.affine",
                     R"({"bias": [1, -1], "start_step": 1, "clamp_negative": true,
                         "dtype": "float64"})",
                     {port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {3})},
                     1);
    const std::vector<std::vector<double>> in = {{1, 2, 3}, {1, 2, -3}, {0.25, -1, 1}};
    const std::vector<std::vector<double>> out = {{0, 0, 0}, {3.5, 3.5, 0}, {5.5, 3.5, 3.5}};
    std::vector<std::vector<unsigned char>> after_step_1;
    for (std::size_t k = 0; k < in.size(); ++k) {
        for (std::size_t i = 0; i < 3; ++i) {
            m.in<double>(0)[i] = in[k][i];
        }
        m.step(k);
        const auto y = m.out<double>(0);
        check_close({y[0], y[1], y[2]}, out[k], 1e-15);
        if (k == 1) {
            after_step_1 = m.checkpoint();
        }
    }
    // its state round-trips through the live host: restore after step 1, repeat step 2
    m.restore(after_step_1);
    m.step(2);
    const auto y = m.out<double>(0);
    check_close({y[0], y[1], y[2]}, out[2], 1e-15);
    BOOST_TEST(m.state_values<std::int32_t>("steps_accumulated")[0] == 2);
}

BOOST_AUTO_TEST_CASE(the_frozen_plugins_errors_reach_the_live_host) {
    auto cfg = config("frozen.affine", R"({"gain": 0})");
    try {
        (void)registry.create(cfg.type(), cfg.abi(), "affine");
        BOOST_FAIL("frozen.affine accepted gain 0");
    } catch (const spark::registry::plugin_error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "frozen.affine 'affine': create failed (SPARK_ERR_INVALID_ARGUMENT): gain must "
                   "not be 0 (the output would ignore 'in'), got 0");
    }
}

BOOST_AUTO_TEST_CASE(the_frozen_initializer_fills_through_the_live_host) {
    auto cfg = config("frozen.ramp", R"({"start": 1.5, "step": -0.5})");
    std::vector<double> values(6, 99.0);
    spark_buffer_t out{};
    out.data = values.data();
    out.count = values.size();
    out.spec = port(SPARK_PAYLOAD_FLOAT, SPARK_DTYPE_F64, {2, 3});
    registry.initialize(cfg.type(), cfg.abi(), out);
    BOOST_TEST(values == (std::vector<double>{1.5, 1.0, 0.5, 0.0, -0.5, -1.0}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
