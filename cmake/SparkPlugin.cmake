# SPDX-License-Identifier: Apache-2.0
# spark_add_plugin(<name> SOURCES <files...> [OUTPUT_DIRECTORY <dir>] [INSTALL])
#
# Builds a Spark plugin: a MODULE library `spark-<name>` (file `spark-<name>.so`) linked to
# Spark::sdk only, with hidden visibility so that the one symbol marked SPARK_EXPORT
# (`spark_plugin_entry`) is all the library exports, and `--no-undefined` so that a plugin reaching
# for host symbols fails at link time instead of at load time. Installed with the SDK: this is what
# third parties call too.
include_guard(GLOBAL)

function(spark_add_plugin name)
    cmake_parse_arguments(PARSE_ARGV 1 arg "INSTALL" "OUTPUT_DIRECTORY" "SOURCES")
    if(NOT arg_SOURCES)
        message(FATAL_ERROR "spark_add_plugin(${name}): SOURCES is required")
    endif()
    set(target spark-${name})
    add_library(${target} MODULE ${arg_SOURCES})
    target_link_libraries(${target} PRIVATE Spark::sdk)
    set_target_properties(${target} PROPERTIES
        PREFIX ""
        C_VISIBILITY_PRESET hidden
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON)
    if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
        target_link_options(${target} PRIVATE "LINKER:--no-undefined")
        # Hidden visibility does not reach the standard library's templates (libstdc++ declares
        # namespace std with default visibility), so a plugin would also export every std
        # template it instantiates, some as STB_GNU_UNIQUE, which makes the library impossible
        # to unload. A version script keeps exactly the entry symbol.
        set(version_script ${CMAKE_CURRENT_BINARY_DIR}/${target}.exports)
        file(CONFIGURE OUTPUT ${version_script}
             CONTENT "{\n  global: spark_plugin_entry;\n  local: *;\n};\n")
        target_link_options(${target} PRIVATE "LINKER:--version-script=${version_script}")
        set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${version_script})
    endif()
    if(arg_OUTPUT_DIRECTORY)
        set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${arg_OUTPUT_DIRECTORY})
    endif()
    if(TARGET spark_build_options)
        # In-tree: our warnings and sanitizers (not exported, third parties choose their own).
        target_link_libraries(${target} PRIVATE spark_build_options)
    endif()
    if(arg_INSTALL)
        install(TARGETS ${target} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/spark/plugins)
    endif()
endfunction()
