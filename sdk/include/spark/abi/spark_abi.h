// SPDX-License-Identifier: Apache-2.0
// Everything a plain-C plugin needs, in one include.
#pragma once
#include "capabilities.h"
#include "entry.h"
#include "host.h"
#include "late_inputs.h"
#include "module.h"
#include "properties.h"
#include "schema.h"
#include "services.h"
#include "slices.h"
#include "sparse_initializer.h"
#include "status.h"
#include "types.h"
#include "version.h"
