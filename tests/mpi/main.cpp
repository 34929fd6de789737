// SPDX-License-Identifier: Apache-2.0
// test_mpi: one brain over MPI ranks (Spark::runtime_mpi). CTest runs it on 1 rank (`mpi`) and
// with mpirun on 2 and 3 (`mpi_2_ranks`, `mpi_3_ranks`, oversubscribed on 2 cores); every rank
// runs every test case, and each case is collective.
#define BOOST_TEST_MODULE spark_mpi
#include <mpi.h>

#include <boost/test/unit_test.hpp>

namespace {

struct mpi_session {
    mpi_session() { MPI_Init(nullptr, nullptr); }
    ~mpi_session() { MPI_Finalize(); }
    mpi_session(const mpi_session&) = delete;
    mpi_session& operator=(const mpi_session&) = delete;
};

} // namespace

BOOST_TEST_GLOBAL_FIXTURE(mpi_session);
