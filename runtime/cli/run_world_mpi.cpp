// SPDX-License-Identifier: Apache-2.0
// The world of the ranks mpirun started (SPARK_MPI): one brain over MPI_COMM_WORLD through
// Spark::runtime_mpi's distributed_brain. Rank 0 leads: it prints and writes the files, reading
// what it records from the other ranks through the brain's exchange; the other ranks hold their
// error output until a collective check asks for it, so that one problem is printed once.
#include <cstdlib>
#include <iostream>
#include <mpi.h>
#include <sstream>

#include <spark/runtime/distributed_brain.hpp>

#include "run_world.hpp"

namespace spark::cli {
namespace {

class brain_part final : public run_target {
public:
    explicit brain_part(runtime::distributed_brain brain) : brain_(std::move(brain)) {}

    runtime::brain& local() override { return brain_.local(); }
    const std::vector<runtime::module_info>& modules() const override { return brain_.modules(); }
    const std::vector<std::pair<std::string, spark_port_spec_t>>& input_specs() const override {
        return brain_.input_specs();
    }
    const std::vector<std::pair<std::string, spark_port_spec_t>>& output_specs() const override {
        return brain_.output_specs();
    }
    spark_port_spec_t property_spec(const std::string& module,
                                    const std::string& property) const override {
        return brain_.property_spec(module, property);
    }

    void step() override {
        brain_.step();
        bytes_sent_ += brain_.last_bytes_sent();
    }
    void watch(const std::vector<watched_value>& values) override {
        std::vector<runtime::observed_value> list;
        for (const auto& v : values) {
            list.push_back({v.module, v.name, v.property});
        }
        brain_.observe(std::move(list), 0);
    }
    const void* watched(std::size_t i) override { return brain_.observed(i).data(); }

    void request_stop(int signal) override { brain_.request_stop(signal); }
    std::optional<int> stop_agreed() const override { return brain_.stop_requested(); }
    std::pair<std::uint64_t, double> exchange_cost() const override {
        return {bytes_sent_, brain_.seconds_waiting()};
    }
    std::uint32_t exchange_window() const override { return brain_.window(); }

private:
    runtime::distributed_brain brain_;
    std::uint64_t bytes_sent_ = 0;
};

class mpi_ranks final : public run_world {
public:
    mpi_ranks() {
        int provided = 0;
        // Only the thread that runs `spark run` calls MPI; the brain's workers never do.
        MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
        MPI_Comm_size(MPI_COMM_WORLD, &ranks_);
        if (rank_ != 0) {
            cerr_ = std::cerr.rdbuf(held_.rdbuf());
        }
    }
    mpi_ranks(const mpi_ranks&) = delete;
    mpi_ranks& operator=(const mpi_ranks&) = delete;
    ~mpi_ranks() override {
        // No rank ends before rank 0 has written the files: mpirun stops the whole job as soon
        // as one rank exits with a failure.
        MPI_Barrier(MPI_COMM_WORLD);
        if (cerr_ != nullptr) {
            std::cerr.rdbuf(cerr_);
        }
        MPI_Finalize();
    }

    int rank() const override { return rank_; }
    int ranks() const override { return ranks_; }

    bool all_ok(bool ok) override {
        std::string mine(1, ok ? '1' : '0');
        mine += held_.str();
        const auto texts = runtime::gather_texts(MPI_COMM_WORLD, mine);
        held_.str({});
        for (std::size_t r = 0; r < texts.size(); ++r) {
            if (texts[r][0] == '1') {
                continue;
            }
            if (rank_ == 0 && r != 0) { // rank 0 printed its own
                std::cerr << "spark: rank " << r << " stopped:\n" << texts[r].substr(1);
            }
            return false;
        }
        return true;
    }

    std::unique_ptr<run_target> build(const registry::plugin_registry& registry,
                                      const runtime::brain_config& config,
                                      const runtime::brain_options& options) override {
        return std::make_unique<brain_part>(
            runtime::distributed_brain(registry, config, MPI_COMM_WORLD, options));
    }

    [[noreturn]] void abort(const std::string& message) override {
        if (cerr_ != nullptr) {
            std::cerr.rdbuf(cerr_);
        }
        std::cerr << "spark: rank " << rank_ << ": " << message
                  << "\nspark: the other ranks cannot go on without it; stopping them all\n"
                  << std::flush;
        MPI_Abort(MPI_COMM_WORLD, 1);
        std::abort(); // MPI_Abort does not return
    }

    std::vector<std::string> gather(const std::string& mine) override {
        auto texts = runtime::gather_texts(MPI_COMM_WORLD, mine);
        if (rank_ != 0) {
            texts.clear();
        }
        return texts;
    }

private:
    int rank_ = 0;
    int ranks_ = 1;
    std::ostringstream held_;
    std::streambuf* cerr_ = nullptr;
};

} // namespace

std::unique_ptr<run_world> mpi_world() {
    return std::make_unique<mpi_ranks>();
}

} // namespace spark::cli
