# SPDX-License-Identifier: Apache-2.0
# spark_add_plugin(<name> SOURCES <files...> [OUTPUT_DIRECTORY <dir>] [INSTALL] [NO_MANIFEST])
#
# Builds a Spark plugin: a MODULE library `spark-<name>` (file `spark-<name>.so`) linked to
# Spark::sdk only, with hidden visibility so that the one symbol marked SPARK_EXPORT
# (`spark_plugin_entry`) is all the library exports, and `--no-undefined` so that a plugin reaching
# for host symbols fails at link time instead of at load time. Installed with the SDK: this is what
# third parties call too.
#
# After linking, the plugin's manifest `spark-<name>.manifest.json` is written next to it by
# spark_manifest (cmake/spark_manifest.c, built once per project from source: the SDK needs only a
# compiler): the plugin's id, vendor, version, ABI and every type with its fields and ports. The
# registry refuses a library whose manifest disagrees with it (a stale or foreign sidecar), and
# `spark plugins list --manifests` lists plugins without loading their code. INSTALL installs both
# into <libdir>/spark/plugins. NO_MANIFEST skips it (test plugins that are broken on purpose).
include_guard(GLOBAL)
include(GNUInstallDirs)

set(SPARK_MANIFEST_SOURCE ${CMAKE_CURRENT_LIST_DIR}/spark_manifest.c
    CACHE INTERNAL "the manifest writer's source, installed next to SparkPlugin.cmake")

# The manifest writer, built from source with whichever of C and C++ the project enabled (its
# source is valid as both).
function(_spark_manifest_writer out_target)
    if(NOT TARGET spark_manifest)
        add_executable(spark_manifest ${SPARK_MANIFEST_SOURCE})
        get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
        if(NOT "C" IN_LIST languages)
            set_source_files_properties(${SPARK_MANIFEST_SOURCE}
                TARGET_DIRECTORY spark_manifest PROPERTIES LANGUAGE CXX)
        endif()
        target_link_libraries(spark_manifest PRIVATE Spark::sdk ${CMAKE_DL_LIBS})
        if("CXX" IN_LIST languages)
            # Linked as C++: in a sanitized clang build, that also links the C++ half of UBSan
            # (its vptr check), which the C++ plugins it loads call.
            set_target_properties(spark_manifest PROPERTIES LINKER_LANGUAGE CXX)
        endif()
        if(TARGET spark_build_options)
            # In-tree: the sanitizers must match the plugins it loads.
            target_link_libraries(spark_manifest PRIVATE spark_build_options)
        endif()
    endif()
    set(${out_target} spark_manifest PARENT_SCOPE)
endfunction()

function(spark_add_plugin name)
    cmake_parse_arguments(PARSE_ARGV 1 arg "INSTALL;NO_MANIFEST" "OUTPUT_DIRECTORY" "SOURCES")
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
    # clang links the sanitizer runtimes into executables only, so a sanitized clang plugin calls
    # into them unresolved until it is loaded: --no-undefined cannot hold for it (a gcc build
    # still checks that no plugin reaches for host symbols).
    set(sanitized_clang OFF)
    if((CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR CMAKE_C_COMPILER_ID STREQUAL "Clang") AND
       (SPARK_SANITIZERS OR "${CMAKE_C_FLAGS} ${CMAKE_CXX_FLAGS}" MATCHES "-fsanitize="))
        set(sanitized_clang ON)
    endif()
    if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND NOT sanitized_clang)
        target_link_options(${target} PRIVATE "LINKER:--no-undefined")
    endif()
    if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
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
    set(plugin_dir ${CMAKE_INSTALL_LIBDIR}/spark/plugins)
    if(arg_INSTALL)
        install(TARGETS ${target} LIBRARY DESTINATION ${plugin_dir})
    endif()
    if(NOT arg_NO_MANIFEST AND NOT CMAKE_CROSSCOMPILING)
        _spark_manifest_writer(writer)
        set(manifest $<TARGET_FILE_DIR:${target}>/${target}.manifest.json)
        add_custom_command(TARGET ${target} POST_BUILD
            COMMAND ${writer} $<TARGET_FILE:${target}> ${manifest}
            COMMENT "Writing the manifest of ${target}"
            VERBATIM)
        add_dependencies(${target} ${writer})
        if(arg_INSTALL)
            install(FILES ${manifest} DESTINATION ${plugin_dir})
        endif()
    endif()
endfunction()
