# SPDX-License-Identifier: Apache-2.0
# Warnings and sanitizers for in-tree targets only: a non-exported INTERFACE target linked PRIVATE.
add_library(spark_build_options INTERFACE)
target_compile_options(spark_build_options INTERFACE
    $<$<COMPILE_LANGUAGE:C,CXX>:-Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow>
    $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual>)
if(SPARK_WARNINGS_AS_ERRORS)
    target_compile_options(spark_build_options INTERFACE -Werror)
endif()
if(SPARK_SANITIZERS)
    target_compile_options(spark_build_options INTERFACE
        -fsanitize=${SPARK_SANITIZERS} -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(spark_build_options INTERFACE -fsanitize=${SPARK_SANITIZERS})
endif()
if(SPARK_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SPARK_FUZZ needs clang (libFuzzer ships with it), but the C++ compiler is "
                        "${CMAKE_CXX_COMPILER_ID}: configure with -DCMAKE_CXX_COMPILER=clang++ "
                        "-DCMAKE_C_COMPILER=clang, or use the asan preset, which does")
endif()
