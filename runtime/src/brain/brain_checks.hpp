// SPDX-License-Identifier: Apache-2.0
// The checks of a brain that need instances (each module created once: its create errors, the
// output contracts a cycle needs) and the order every problem of a brain is reported in, shared
// by brain_config::validate() and the brain's constructor so that both give the same list
// (docs/adr/0025-one-validation-pass.md).
#pragma once
#include <cstddef>
#include <optional>
#include <vector>

#include <spark/registry/plugin_registry.hpp>
#include <spark/runtime/brain_config.hpp>
#include <spark/runtime/errors.hpp>

#include "brain/brain_plan.hpp"

namespace spark::runtime::detail {

/// Appends, after analyse() and check_limits() of `plan`, the problems only instances show:
/// every usable module that stays within `limits` on its own is created once and destroyed at
/// once (a create error at "brain/<name>"), whatever else is wrong with the brain, and each cycle
/// must run through modules that publish an output contract. A module beyond a limit by itself is
/// not created (its create may size its state by the config); the limit's problem names it.
void check_instances(const registry::plugin_registry& registry,
                     const brain_plan& plan,
                     const brain_limits& limits,
                     std::vector<config_issue>& issues);

/// One problem per cycle that runs through a module without an output contract.
/// `has_contract[m]`: whether module m's instance publishes one; nullopt when it was not created
/// (its own problem is reported), which never makes a cycle's problem.
void check_cycles(const brain_plan& plan,
                  const std::vector<std::optional<bool>>& has_contract,
                  std::vector<config_issue>& issues);

/// Sorts `issues` (stably) into the order of the brain file: preferred vendors, brain inputs,
/// the module map as a whole, then each module's problems in module order (each kept in the order
/// found: its name, type, fields, inputs, creation), then brain outputs, then anything else.
void order_issues(const brain_config& config, std::vector<config_issue>& issues);

} // namespace spark::runtime::detail
