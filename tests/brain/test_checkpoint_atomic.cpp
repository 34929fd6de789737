// SPDX-License-Identifier: Apache-2.0
// Checkpoints are written atomically (runtime/src/atomic_file.cpp): a writer killed mid-write
// (SIGKILL) or stopped by a full disk (RLIMIT_FSIZE, so that writes fail with EFBIG) leaves the
// previous checkpoint intact; the failed write's error names the file and the OS's reason; the
// temporary file a killed writer leaves is replaced by the next write, not piled up.
#include <array>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/checkpoint.hpp>

#include "atomic_file.hpp"
#include "checkpoint_fixture.hpp"

#include <sys/resource.h>
#include <sys/wait.h>

using spark::runtime::brain;
using spark::runtime::checkpoint_error;
using spark::runtime::detail::atomic_file_error;
using spark::runtime::detail::atomic_file_writer;
using spark::test::read_bytes;

namespace {

/// A brain with a sparse 1500 x 1500 kernel of half the synapses: a checkpoint of about 9 MB,
/// long enough to write that a kill lands in the middle of it.
std::string large_brain() {
    using namespace spark::test;
    return brain_json(
        {input_json("drive", spec_json("float_array", "[1500]"))},
        {},
        {module_json("input", "poisson_spiker", port_json("signal", {{"__call__", "drive"}})),
         module_json("pop",
                     "lif_neuron",
                     port_json("in_spikes", {{"input", "spikes"}}),
                     R"({"units": [1500], "inhibitory_rate": 0.0, "delays": null,
                         "synapses": {"kernel": {"__class_ref__": "sparse_uniform_initializer",
                                                 "scale": 1.0, "density": 0.5}}})")});
}

std::size_t files_in(const std::filesystem::path& folder) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) {
        ++n;
    }
    return n;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(checkpoint_atomic, spark::test::checkpoint_fixture)

BOOST_AUTO_TEST_CASE(a_full_disk_leaves_the_previous_checkpoint_and_names_the_reason) {
    auto b = make({spark::runtime::executor_kind::sequential, 0});
    const spark::test::scratch_dir dir;
    const auto file = dir / "brain.ckpt";
    b.checkpoint(file);
    const auto previous = read_bytes(file);
    spark::test::drive(b, 0);
    b.step();
    const auto limit = static_cast<rlim_t>(previous.size() / 2);
    const pid_t child = ::fork();
    BOOST_TEST_REQUIRE(child >= 0);
    if (child == 0) {
        // The child's file size limit: writes past it fail with EFBIG instead of killing it.
        std::signal(SIGXFSZ, SIG_IGN);
        const rlimit small{limit, limit};
        if (::setrlimit(RLIMIT_FSIZE, &small) != 0) {
            ::_exit(3);
        }
        try {
            b.checkpoint(file, true);
        } catch (const checkpoint_error& e) {
            const std::string text = e.what();
            const bool named =
                text.find(file.string() + ": cannot write the file: File too large") == 0;
            ::_exit(named && e.problem() == spark::runtime::checkpoint_problem::io ? 0 : 1);
        } catch (...) {
            ::_exit(4);
        }
        ::_exit(2); // it wrote past the limit
    }
    int status = 0;
    BOOST_TEST_REQUIRE(::waitpid(child, &status, 0) == child);
    BOOST_TEST_REQUIRE(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0); // 1: another message, 2: no failure
    BOOST_TEST((read_bytes(file) == previous));
    BOOST_TEST(files_in(dir.path()) == 1U); // the failed write's temporary is gone
    BOOST_TEST(brain::from_checkpoint(registry, file).step_index() == 0U);
}

BOOST_AUTO_TEST_CASE(a_killed_writer_leaves_a_loadable_checkpoint_and_no_pile_of_temporaries) {
    const auto b = brain(registry,
                         spark::runtime::brain_config::from_json(large_brain()),
                         {spark::runtime::executor_kind::sequential, 0});
    const spark::test::scratch_dir dir;
    const auto file = dir / "large.ckpt";
    b.checkpoint(file);
    const auto size = std::filesystem::file_size(file);
    BOOST_TEST_REQUIRE(size > 8'000'000U);
    int mid_write = 0;
    for (const int ms : {0, 1, 3, 8, 20, 50}) {
        // The child says when it starts writing (a fork of a large process takes a while), so
        // that the kill lands at `ms` into its writes.
        std::array<int, 2> ready{};
        BOOST_TEST_REQUIRE(::pipe(ready.data()) == 0);
        const pid_t child = ::fork();
        BOOST_TEST_REQUIRE(child >= 0);
        if (child == 0) {
            ::close(ready[0]);
            const char go = 1;
            if (::write(ready[1], &go, 1) != 1) {
                ::_exit(2);
            }
            for (;;) {
                try {
                    b.checkpoint(file, true);
                } catch (...) {
                    ::_exit(1);
                }
            }
        }
        ::close(ready[1]);
        char go = 0;
        BOOST_TEST_REQUIRE(::read(ready[0], &go, 1) == 1);
        ::close(ready[0]);
        // Then from the moment a write is under way.
        const auto temporary = spark::runtime::detail::temporary_path_of(file);
        for (int wait = 0; wait < 20000 && !std::filesystem::exists(temporary); ++wait) {
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        ::kill(child, SIGKILL);
        int status = 0;
        BOOST_TEST_REQUIRE(::waitpid(child, &status, 0) == child);
        BOOST_TEST_CONTEXT("killed after " << ms << " ms") {
            BOOST_TEST_REQUIRE(WIFSIGNALED(status)); // not an exit: no write failed
            BOOST_TEST(std::filesystem::file_size(file) == size);
            BOOST_TEST(brain::from_checkpoint(registry, file).step_index() == 0U);
            // At most the one temporary of the file's writers, whatever the number of kills.
            BOOST_TEST(files_in(dir.path()) <= 2U);
        }
        mid_write +=
            std::filesystem::exists(spark::runtime::detail::temporary_path_of(file)) ? 1 : 0;
    }
    // Some kill landed inside a write (it left the temporary), so the loads above saw the
    // previous checkpoint while a new one was half written.
    BOOST_TEST(mid_write > 0);
    // The next write takes the killed writer's temporary over and renames it away.
    b.checkpoint(file, true);
    BOOST_TEST(files_in(dir.path()) == 1U);
}

BOOST_AUTO_TEST_CASE(a_second_writer_of_the_same_file_is_refused_while_the_first_writes) {
    const spark::test::scratch_dir dir;
    const auto file = dir / "f.bin";
    atomic_file_writer first(file);
    first.write("first");
    BOOST_CHECK_EXCEPTION(
        atomic_file_writer{file}, atomic_file_error, [&](const atomic_file_error& e) {
            return std::string(e.what()).find(file.string() + ": another process is writing it") ==
                   0;
        });
    first.commit();
    BOOST_TEST(spark::test::read_text_file(file) == "first");
    atomic_file_writer second(file);
    second.write("second");
    second.commit();
    BOOST_TEST(spark::test::read_text_file(file) == "second");
    BOOST_TEST(files_in(dir.path()) == 1U);
}

BOOST_AUTO_TEST_CASE(a_writer_destroyed_without_commit_leaves_the_old_file) {
    const spark::test::scratch_dir dir;
    const auto file = dir / "f.bin";
    {
        atomic_file_writer w(file);
        w.write("old");
        w.commit();
    }
    {
        atomic_file_writer w(file);
        w.write("half of the new");
    }
    BOOST_TEST(spark::test::read_text_file(file) == "old");
    BOOST_TEST(files_in(dir.path()) == 1U);
}

BOOST_AUTO_TEST_SUITE_END()
