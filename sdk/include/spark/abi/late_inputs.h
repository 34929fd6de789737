// SPDX-License-Identifier: Apache-2.0
// ABI 1.2: inputs that may arrive late. Ranks of a brain split over processes exchange spikes
// once every d steps when every input that crosses between them reaches its module's outputs
// only through a delay of at least d - 1 steps (docs/scaling.md section 3.2): the module then
// takes the values it missed after the fact, with the results of having had them on time. Only
// the module knows its delays, so it says how late each input may come. Rationale:
// docs/adr/0024-exchange-windows.md.
#pragma once
#include <stdint.h>

#include "status.h"
#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

struct spark_module;

/// The instance extension id (spark_module.get_extension): spark_late_inputs_t.
#define SPARK_EXT_LATE_INPUTS "spark.ext.late_inputs/1"

typedef struct spark_late_inputs {
    spark_version_t abi_version; // the ABI the plugin was compiled against

    /// After build: into `*steps`, how many steps late elements [offset, offset + count) of input
    /// port `port` (its index among the input ports) may arrive. A value L > 0 promises: when
    /// those elements hold zeros at step s, and write_late() gives their true values for step s
    /// after step s + j - 1 and before step s + j, for any 1 <= j <= L, every output, property
    /// and state the instance has afterwards is bit for bit what it would be had they held the
    /// true values at step s. 0: they must arrive on time. Fixed by build. [main-thread]
    spark_status(SPARK_ABI* lateness)(
        struct spark_module* self, uint32_t port, uint64_t offset, uint64_t count, uint32_t* steps);

    /// Between steps: the values (`count` elements of the port's dtype) that elements
    /// [offset, offset + count) of input port `port` had at step `step`, which is at most
    /// lateness() steps back (see there) and was stepped with zeros in their place.
    /// SPARK_ERR_INVALID_ARGUMENT for a step out of that range or elements out of the port.
    /// [main-thread]
    spark_status(SPARK_ABI* write_late)(struct spark_module* self,
                                        uint32_t port,
                                        uint64_t step,
                                        uint64_t offset,
                                        uint64_t count,
                                        const void* values);
} spark_late_inputs_t;

#ifdef __cplusplus
}
#endif
