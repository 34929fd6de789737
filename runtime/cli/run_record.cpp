// SPDX-License-Identifier: Apache-2.0
#include "run_record.hpp"

#include <cstdlib>
#include <filesystem>

#include <boost/json.hpp>

#include <spark/registry/module_type_info.hpp>
#include <spark/sdk/buffers.hpp>

#include "npy.hpp"
#include "run_summary.hpp"
#include "run_support.hpp"
#include "text.hpp"

namespace spark::cli {
namespace {

namespace json = boost::json;
using runtime::detail::format_number;

} // namespace

json::value run_json(const run_request& request,
                     run_target& brain,
                     const std::vector<input_source>& inputs,
                     const std::vector<recording>& records,
                     const stop_cause& cause,
                     const run_facts& facts) {
    json::object run;
    json::array command;
    for (const auto& word : request.command) {
        command.emplace_back(word);
    }
    run["command"] = std::move(command);
    run["spark_version"] = SPARK_VERSION_STRING;
    run["brain_file"] = std::filesystem::weakly_canonical(request.brain_file).string();
    run["brain_sha256"] = sha256_of_file(request.brain_file);
    run["steps"] = request.steps;
    run["completed_steps"] = facts.completed_steps;
    run["stop_reason"] = cause.reason;
    run["stop_step"] =
        facts.first_step + facts.completed_steps; // the brain's step count when it stopped
    run["first_step"] = facts.first_step;
    if (request.checkpoints.resume) {
        run["resumed_from"] =
            std::filesystem::weakly_canonical(*request.checkpoints.resume).string();
    }
    if (!cause.message.empty()) {
        run["stop_message"] = cause.message;
    }
    run["dt_ms"] = brain.local().dt();
    run["executor"] = request.executor;
    run["executor_in_use"] = brain.local().executor_in_use();
    run["threads"] = request.threads;
    run["seed"] = request.seed ? json::value(*request.seed) : json::value(nullptr);
    json::array input_list;
    for (const auto& input : inputs) {
        json::object entry{{"name", input.name()}};
        if (input.is_file()) {
            entry["file"] = std::filesystem::weakly_canonical(input.file()).string();
            entry["sha256"] = sha256_of_file(input.file());
            entry["rows"] = input.rows();
        } else {
            entry["value"] = input.description();
        }
        input_list.push_back(std::move(entry));
    }
    run["inputs"] = std::move(input_list);
    json::array module_list;
    for (const auto& m : brain.modules()) {
        const auto& plugin = *m.type->plugin;
        json::array parts; // a neuron run from its parts: where each part came from
        for (const auto& [field, type] : m.parts) {
            parts.push_back(json::object{{"part", field},
                                         {"type", type->canonical_id},
                                         {"plugin_file", type->plugin->file.string()},
                                         {"plugin_sha256", type->plugin->sha256},
                                         {"plugin_id", type->plugin->id},
                                         {"plugin_version", type->plugin->version}});
        }
        module_list.push_back(json::object{
            {"name", m.name},
            {"type", m.type->canonical_id},
            {"seed", m.seed},
            {"plugin_file", plugin.file.string()},
            {"plugin_sha256", plugin.sha256},
            {"plugin_id", plugin.id},
            {"plugin_version", plugin.version},
            {"type_version", m.type->abi->version != nullptr ? m.type->abi->version : ""},
            {"abi_version", registry::version_string(plugin.abi_version)},
        });
        if (!parts.empty()) {
            module_list.back().as_object()["parts"] = std::move(parts);
        }
    }
    run["modules"] = std::move(module_list);
    json::array record_list;
    for (const auto& r : records) {
        record_list.push_back(json::object{
            {"name", r.label},
            {"kind", r.property ? "property" : "port"},
            {"file", r.file},
            {"payload", std::string(registry::payload_kind_name(r.spec.payload_kind))},
            {"dtype", npy_descr(npy_type_of(r.spec))},
            {"shape",
             json::array{r.writer ? r.writer->rows() : std::uint64_t{0},
                         sdk::element_count(r.spec.shape)}},
        });
    }
    run["records"] = std::move(record_list);
    // Outputs that turned NaN or infinite (brain::numerics_reports): once per port, the first
    // step and element, the value as text (JSON has no NaN).
    json::array numerics;
    for (const auto& r : facts.numerics) {
        numerics.push_back(json::object{{"module", r.module},
                                        {"type", r.type_id},
                                        {"port", r.port},
                                        {"step", r.step},
                                        {"element", r.element},
                                        {"value", format_number(r.value)}});
    }
    run["non_finite_outputs"] = std::move(numerics);
    run["wall_seconds"] = facts.seconds;
    run["build_seconds"] = facts.build_seconds;
    run["steps_per_second"] =
        facts.seconds > 0 ? static_cast<double>(facts.completed_steps) / facts.seconds : 0.0;
    if (facts.ranks.size() > 1) {
        json::array ranks;
        for (const auto& r : facts.ranks) {
            json::array modules;
            for (const auto& m : r.modules) {
                modules.emplace_back(m);
            }
            json::object slices;
            for (const auto& [name, range] : r.slices) {
                slices[name] = json::array{range.begin, range.end};
            }
            ranks.push_back(json::object{{"rank", r.rank},
                                         {"modules", std::move(modules)},
                                         {"slices", std::move(slices)},
                                         {"bytes_sent", r.bytes_sent},
                                         {"seconds_waiting", r.seconds_waiting}});
        }
        run["ranks"] = std::move(ranks);
        run["exchange_window"] = facts.ranks.front().window;
    }
    return run;
}

std::string numerics_text(const std::vector<runtime::numerics_report>& reports) {
    json::array list;
    for (const auto& r : reports) {
        // The value as text: JSON has no NaN or infinity.
        list.push_back(json::array{json::value(r.module),
                                   json::value(r.type_id),
                                   json::value(r.port),
                                   json::value(r.step),
                                   json::value(r.element),
                                   json::value(format_number(r.value))});
    }
    return json::serialize(list);
}

std::vector<runtime::numerics_report> merge_numerics(const std::vector<std::string>& texts) {
    std::vector<runtime::numerics_report> reports;
    for (const auto& text : texts) {
        const auto list = json::parse(text);
        for (const auto& value : list.as_array()) {
            const auto& r = value.as_array();
            const auto number = json::value_to<std::string>(r.at(5));
            reports.push_back({json::value_to<std::string>(r.at(0)),
                               json::value_to<std::string>(r.at(1)),
                               json::value_to<std::string>(r.at(2)),
                               json::value_to<std::uint64_t>(r.at(3)),
                               json::value_to<std::uint64_t>(r.at(4)),
                               std::strtod(number.c_str(), nullptr)});
        }
    }
    return reports;
}

std::string rank_text(int rank,
                      const runtime::brain& local,
                      std::uint64_t bytes_sent,
                      double seconds_waiting,
                      std::uint32_t window) {
    json::array names;
    json::object slices;
    for (const auto& m : local.config().modules_map) {
        names.emplace_back(m.name);
        if (m.slice) {
            slices[m.name] = json::array{m.slice->begin, m.slice->end};
        }
    }
    return json::serialize(json::array{
        rank, std::move(names), bytes_sent, seconds_waiting, std::move(slices), window});
}

std::vector<rank_fact> rank_facts(const std::vector<std::string>& texts) {
    std::vector<rank_fact> ranks;
    for (const auto& text : texts) {
        const auto value = json::parse(text);
        const auto& r = value.as_array();
        rank_fact fact;
        fact.rank = json::value_to<int>(r.at(0));
        for (const auto& name : r.at(1).as_array()) {
            fact.modules.push_back(json::value_to<std::string>(name));
        }
        fact.bytes_sent = json::value_to<std::uint64_t>(r.at(2));
        fact.seconds_waiting = r.at(3).to_number<double>();
        for (const auto& [name, range] : r.at(4).as_object()) {
            fact.slices.emplace_back(
                std::string(name),
                runtime::neuron_range{range.as_array().at(0).to_number<std::uint64_t>(),
                                      range.as_array().at(1).to_number<std::uint64_t>()});
        }
        fact.window = json::value_to<std::uint32_t>(r.at(5));
        ranks.push_back(std::move(fact));
    }
    return ranks;
}

std::string exchange_text(const std::vector<rank_fact>& ranks, std::uint64_t steps) {
    std::uint64_t bytes = 0;
    std::string waiting;
    for (const auto& r : ranks) {
        bytes += r.bytes_sent;
        waiting += (waiting.empty() ? "" : ", ") + fixed(r.seconds_waiting, 3) + " s on rank " +
                   std::to_string(r.rank);
    }
    const double per_step = steps > 0 ? static_cast<double>(bytes) / static_cast<double>(steps) : 0;
    const auto window = ranks.empty() ? 1U : ranks.front().window;
    return "exchange: " + fixed(per_step, 0) + " bytes per step between " +
           std::to_string(ranks.size()) + " ranks" +
           (window > 1 ? ", spikes once every " + std::to_string(window) + " steps" : "") +
           "; waiting for the others " + waiting;
}

} // namespace spark::cli
