// SPDX-License-Identifier: Apache-2.0
// guarded(): every exception becomes a reported message plus a status; nothing escapes.
#include <new>
#include <stdexcept>
#include <string>

#include <boost/test/unit_test.hpp>

#include <spark/sdk/guard.hpp>

#include "fake_host.hpp"

namespace sdk = spark::sdk;

BOOST_AUTO_TEST_SUITE(guard)

BOOST_AUTO_TEST_CASE(success_reports_nothing) {
    spark::test::fake_host host;
    BOOST_TEST(sdk::guarded(host.abi(), [] {}) == SPARK_OK);
    BOOST_TEST(sdk::guarded(host.abi(), [] { return SPARK_ERR_UNSUPPORTED; }) ==
               SPARK_ERR_UNSUPPORTED);
    BOOST_TEST(host.messages().empty());
}

BOOST_AUTO_TEST_CASE(status_error_keeps_its_code_and_message) {
    spark::test::fake_host host;
    const auto status = sdk::guarded(host.abi(), [] {
        throw sdk::status_error(SPARK_ERR_INVALID_ARGUMENT, "limit must be <= 10, got 12");
    });
    BOOST_TEST(status == SPARK_ERR_INVALID_ARGUMENT);
    BOOST_TEST_REQUIRE(host.messages().size() == 1U);
    BOOST_TEST(host.messages()[0].first == SPARK_SEVERITY_ERROR);
    BOOST_TEST(host.messages()[0].second == "limit must be <= 10, got 12");
}

BOOST_AUTO_TEST_CASE(a_status_error_cannot_claim_success) {
    const sdk::status_error e(SPARK_OK, "x");
    BOOST_TEST(e.status() == SPARK_ERR_PLUGIN);
}

BOOST_AUTO_TEST_CASE(other_exceptions_are_plugin_errors) {
    spark::test::fake_host host;
    BOOST_TEST(sdk::guarded(host.abi(), [] {
                   throw std::runtime_error("step 3 exploded: simulated failure");
               }) == SPARK_ERR_PLUGIN);
    BOOST_TEST(host.last_error() == "step 3 exploded: simulated failure");
    BOOST_TEST(sdk::guarded(host.abi(), [] { throw 42; }) == SPARK_ERR_PLUGIN);
    BOOST_TEST(host.last_error() == "unknown exception");
}

BOOST_AUTO_TEST_CASE(allocation_failure_is_out_of_memory) {
    spark::test::fake_host host;
    BOOST_TEST(sdk::guarded(host.abi(), [] { throw std::bad_alloc(); }) == SPARK_ERR_OUT_OF_MEMORY);
    BOOST_TEST(host.last_error() == "out of memory");
    BOOST_TEST(sdk::status_of(std::bad_alloc()) == SPARK_ERR_OUT_OF_MEMORY);
    BOOST_TEST(sdk::status_of(std::logic_error("x")) == SPARK_ERR_PLUGIN);
}

BOOST_AUTO_TEST_CASE(a_missing_host_drops_the_message_but_keeps_the_status) {
    BOOST_TEST(sdk::guarded(nullptr, [] { throw sdk::status_error(SPARK_ERR_STATE, "x"); }) ==
               SPARK_ERR_STATE);
    spark_host_t silent{};
    BOOST_TEST(sdk::guarded(&silent, [] { throw std::runtime_error("x"); }) == SPARK_ERR_PLUGIN);
    BOOST_TEST(!sdk::wants(&silent, SPARK_SEVERITY_ERROR));
}

BOOST_AUTO_TEST_CASE(reporting_helpers_use_their_severity) {
    spark::test::fake_host host;
    sdk::report_warning(host.abi(), "tau is very small");
    sdk::report_info(host.abi(), "info");
    sdk::report_debug(host.abi(), "debug");
    sdk::report_error(host.abi(), std::string("error"));
    BOOST_TEST_REQUIRE(host.messages().size() == 4U);
    BOOST_TEST(host.messages()[0].first == SPARK_SEVERITY_WARNING);
    BOOST_TEST(host.messages()[0].second == "tau is very small");
    BOOST_TEST(host.messages()[1].first == SPARK_SEVERITY_INFO);
    BOOST_TEST(host.messages()[2].first == SPARK_SEVERITY_DEBUG);
    BOOST_TEST(host.messages()[3].first == SPARK_SEVERITY_ERROR);
    host.min_severity = SPARK_SEVERITY_WARNING;
    BOOST_TEST(sdk::wants(host.abi(), SPARK_SEVERITY_WARNING));
    BOOST_TEST(!sdk::wants(host.abi(), SPARK_SEVERITY_INFO));
}

BOOST_AUTO_TEST_SUITE_END()
