// SPDX-License-Identifier: Apache-2.0
// How configs treat keys they do not declare: our own files are strict; files written by upstream
// Spark carry stale keys from older versions, so they load in compat mode.
#pragma once

namespace spark::runtime {

enum class config_mode {
    strict, // an unknown key is a problem with its path (the default)
    compat, // an unknown key is dropped with one logged warning naming its path
};

} // namespace spark::runtime
