// SPDX-License-Identifier: Apache-2.0
// SPARK_VECTOR_CLONES on a hot loop's function compiles it twice, for baseline x86-64 (SSE2) and
// for AVX2, and picks one when the plugin is loaded (GCC's target_clones, an ifunc). The plugin
// keeps running on any x86-64 CPU, and a neuron loop does 8 floats per instruction where AVX2
// exists. AVX2 does not bring FMA, so both clones round every operation alike: results are the
// same bits on either. Off under the sanitizers (their runtime and ifunc resolvers do not mix
// well) and on other compilers and architectures.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) &&                             \
    !defined(__SANITIZE_ADDRESS__)
#    define SPARK_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#    define SPARK_VECTOR_CLONES
#endif
