// SPDX-License-Identifier: Apache-2.0
// test_mpi_cli: `mpirun -n K spark run` against `spark run` in one process (SPARK_MPI). The test
// itself is one process; it starts mpirun.
#define BOOST_TEST_MODULE spark_mpi_cli
#include <boost/test/unit_test.hpp>
