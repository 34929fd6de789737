// SPDX-License-Identifier: Apache-2.0
// spark_manifest: writes a plugin's manifest, the JSON sidecar that spark_add_plugin() puts next to
// the library (cmake/SparkPlugin.cmake). Usage: spark_manifest <plugin library> <manifest file>.
//
// It loads the library as the registry does (the ABI major is checked before any plugin code
// runs), calls init with a minimal host (messages go to stderr; no services), lists the types,
// calls deinit and writes the file atomically (a temporary file renamed over it), so a failed run
// never leaves half a manifest. The registry refuses a library whose manifest disagrees with what
// the library reports, and `spark plugins list --manifests` reads manifests without loading code.
//
// Plain C11 that also compiles as C++, so that C-only and C++-only projects can build it; it
// needs only the ABI headers and the platform's dynamic loader.
#include <dlfcn.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spark/abi/spark_abi.h>

#define MANIFEST_FORMAT 1 // the "manifest_version" this writer produces

// Casts that C++ projects with -Wold-style-cast -Werror accept too.
#ifdef __cplusplus
#    define VALUE_CAST(type, value) static_cast<type>(value)
#    define POINTER_CAST(type, value) reinterpret_cast<type>(value)
#else
#    define VALUE_CAST(type, value) ((type)(value))
#    define POINTER_CAST(type, value) ((type)(value))
#endif

static const char* program = "spark_manifest";

static void SPARK_ABI host_report(const spark_host_t* self, int32_t severity, const char* message) {
    (void)self;
    if (severity >= SPARK_SEVERITY_WARNING) {
        fprintf(stderr, "%s: plugin says: %s\n", program, message != NULL ? message : "");
    }
}

static int32_t SPARK_ABI host_wants(const spark_host_t* self, int32_t severity) {
    (void)self;
    return severity >= SPARK_SEVERITY_WARNING ? 1 : 0;
}

static const void* SPARK_ABI host_get_service(const spark_host_t* self, const char* id) {
    (void)self;
    (void)id;
    return NULL; // a manifest describes the types; nothing is created or initialized
}

/// `text` as a JSON string (quotes, backslashes and control characters escaped; UTF-8 passes).
static void put_string(FILE* out, const char* text) {
    const unsigned char* c = POINTER_CAST(const unsigned char*, text != NULL ? text : "");
    fputc('"', out);
    for (; *c != 0; ++c) {
        switch (*c) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (*c < 0x20) {
                fprintf(out, "\\u%04x", VALUE_CAST(unsigned, *c));
            } else {
                fputc(*c, out);
            }
        }
    }
    fputc('"', out);
}

static void put_version(FILE* out, spark_version_t v) {
    fprintf(out, "\"%" PRIu32 ".%" PRIu32 ".%" PRIu32 "\"", v.major, v.minor, v.patch);
}

static const char* kind_name(int32_t kind) {
    switch (kind) {
    case SPARK_KIND_NEURON:
        return "neuron";
    case SPARK_KIND_INPUT_INTERFACE:
        return "input_interface";
    case SPARK_KIND_OUTPUT_INTERFACE:
        return "output_interface";
    case SPARK_KIND_CONTROL_INTERFACE:
        return "control_interface";
    case SPARK_KIND_COMPONENT:
        return "component";
    case SPARK_KIND_INITIALIZER:
        return "initializer";
    default:
        return "unknown";
    }
}

static void put_type(FILE* out, const spark_module_type_t* type) {
    uint32_t k;
    fputs("    {\"class_ref\": ", out);
    put_string(out, type->class_ref);
    fputs(", \"vendor\": ", out);
    put_string(out, type->vendor);
    fputs(", \"version\": ", out);
    put_string(out, type->version);
    fprintf(out, ", \"kind\": \"%s\", \"abi_version\": ", kind_name(type->kind));
    put_version(out, type->abi_version);
    fputs(",\n     \"description\": ", out);
    put_string(out, type->description);
    fputs(",\n     \"fields\": [", out);
    for (k = 0; k < type->field_count; ++k) {
        fputs(k > 0 ? ", " : "", out);
        put_string(out, type->fields[k].name);
    }
    fputs("],\n     \"inputs\": [", out);
    {
        int first = 1;
        for (k = 0; k < type->port_count; ++k) {
            if (type->ports[k].direction == SPARK_PORT_INPUT) {
                fputs(first ? "" : ", ", out);
                put_string(out, type->ports[k].name);
                first = 0;
            }
        }
    }
    fputs("],\n     \"outputs\": [", out);
    {
        int first = 1;
        for (k = 0; k < type->port_count; ++k) {
            if (type->ports[k].direction == SPARK_PORT_OUTPUT) {
                fputs(first ? "" : ", ", out);
                put_string(out, type->ports[k].name);
                first = 0;
            }
        }
    }
    fputs("]}", out);
}

static int write_manifest(const char* path,
                          const char* library,
                          const spark_plugin_entry_t* entry,
                          const spark_module_type_t* const* types,
                          uint32_t count) {
    const char* slash = strrchr(library, '/');
    char* temporary = VALUE_CAST(char*, malloc(strlen(path) + 8));
    FILE* out;
    uint32_t k;
    int failed;
    if (temporary == NULL) {
        fprintf(stderr, "%s: out of memory\n", program);
        return 1;
    }
    strcpy(temporary, path);
    strcat(temporary, ".tmp");
    out = fopen(temporary, "w");
    if (out == NULL) {
        fprintf(stderr, "%s: cannot write %s\n", program, temporary);
        free(temporary);
        return 1;
    }
    fprintf(out, "{\"manifest_version\": %d,\n \"library\": ", MANIFEST_FORMAT);
    put_string(out, slash != NULL ? slash + 1 : library);
    fputs(",\n \"plugin\": {\"id\": ", out);
    put_string(out, entry->id);
    fputs(", \"vendor\": ", out);
    put_string(out, entry->vendor);
    fputs(", \"version\": ", out);
    put_string(out, entry->version);
    fputs(", \"abi_version\": ", out);
    put_version(out, entry->abi_version);
    fputs(",\n            \"description\": ", out);
    put_string(out, entry->description);
    fputs("},\n \"types\": [\n", out);
    for (k = 0; k < count; ++k) {
        put_type(out, types[k]);
        fputs(k + 1 < count ? ",\n" : "\n", out);
    }
    fputs(" ]}\n", out);
    failed = ferror(out) != 0;
    failed = fclose(out) != 0 || failed;
    if (failed || rename(temporary, path) != 0) {
        fprintf(stderr, "%s: cannot write %s\n", program, path);
        remove(temporary);
        free(temporary);
        return 1;
    }
    free(temporary);
    return 0;
}

int main(int argc, char** argv) {
    void* library;
    const spark_plugin_entry_t* entry;
    const spark_module_type_t* const* types;
    uint32_t count = 0;
    spark_host_t host;
    spark_version_t ours = SPARK_ABI_VERSION_INIT;
    int status;
    if (argc != 3) {
        fprintf(stderr, "usage: %s <plugin library> <manifest file>\n", program);
        return 2;
    }
    library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        fprintf(stderr, "%s: cannot load %s: %s\n", program, argv[1], dlerror());
        return 1;
    }
    entry = VALUE_CAST(const spark_plugin_entry_t*, dlsym(library, SPARK_PLUGIN_ENTRY_SYMBOL));
    if (entry == NULL) {
        fprintf(stderr,
                "%s: %s exports no %s; declare the entry with SPARK_EXPORT\n",
                program,
                argv[1],
                SPARK_PLUGIN_ENTRY_SYMBOL);
        dlclose(library);
        return 1;
    }
    if (entry->abi_version.major != ours.major) {
        fprintf(stderr,
                "%s: %s was built against ABI %" PRIu32 ".x, these headers are %" PRIu32 ".x\n",
                program,
                argv[1],
                entry->abi_version.major,
                ours.major);
        dlclose(library);
        return 1;
    }
    memset(&host, 0, sizeof host);
    host.abi_version = ours;
    host.report = host_report;
    host.wants = host_wants;
    host.get_service = host_get_service;
    if (entry->init(&host) != SPARK_OK) {
        fprintf(stderr, "%s: %s: the plugin's init failed\n", program, argv[1]);
        dlclose(library);
        return 1;
    }
    types = entry->types(&count);
    status = write_manifest(argv[2], argv[1], entry, types, count);
    entry->deinit();
    dlclose(library);
    return status;
}
