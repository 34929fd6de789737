// SPDX-License-Identifier: Apache-2.0
// Function attributes that compile a hot loop's function several times, for baseline x86-64
// (SSE2) and for newer vector units, and pick one when the plugin is loaded (GCC's
// target_clones, an ifunc). The plugin keeps running on any x86-64 CPU, and the loop uses the
// widest vectors the CPU has.
//
// SPARK_VECTOR_CLONES adds an AVX2 clone. AVX2 brings no FMA, so every clone rounds every float
// operation alike: the same bits on every CPU.
// SPARK_VECTOR_CLONES_AVX512 also adds an x86-64-v4 clone (AVX-512 with DQ, whose 64-bit integer
// multiply vectorises counter-based random numbers). x86-64-v4 has FMA, and GCC may fuse a float
// multiply and add into one FMA, which rounds once instead of twice: put it only on loops without
// float multiply-adds, or compile with -ffp-contract=off (Spark's own plugins do).
//
// Both are empty under the sanitizers (their runtime and ifunc resolvers do not mix well) and on
// other compilers and architectures.
#pragma once

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) &&                             \
    !defined(__SANITIZE_ADDRESS__)
#    define SPARK_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#    define SPARK_VECTOR_CLONES_AVX512                                                             \
        __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#    define SPARK_VECTOR_CLONES
#    define SPARK_VECTOR_CLONES_AVX512
#endif
