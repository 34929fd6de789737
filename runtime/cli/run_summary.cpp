// SPDX-License-Identifier: Apache-2.0
#include "run_summary.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <iostream>

#include <boost/json.hpp>

#include <spark/sdk/buffers.hpp>

#include "commands.hpp"
#include "file_names.hpp"

namespace spark::cli {
namespace {

/// "512", or the shape "4x128" of a port of rank > 1.
std::string units_text(const spark_port_spec_t& spec) {
    std::string dims;
    std::uint64_t count = 1;
    for (std::uint32_t d = 0; d < spec.shape.rank; ++d) {
        dims += (d > 0 ? "x" : "") + std::to_string(spec.shape.dims[d]);
        count *= spec.shape.dims[d];
    }
    return spec.shape.rank > 1 ? dims : std::to_string(count);
}

namespace json = boost::json;

double element_at(const void* data, std::int32_t dtype, std::uint64_t i) {
    switch (dtype) {
    case SPARK_DTYPE_U8:
        return static_cast<const std::uint8_t*>(data)[i];
    case SPARK_DTYPE_I32:
        return static_cast<const std::int32_t*>(data)[i];
    case SPARK_DTYPE_F32:
        return static_cast<const float*>(data)[i];
    default:
        return static_cast<const double*>(data)[i];
    }
}

/// Up to 6 values as "[a, b, ...]" (6 significant digits).
std::string vector_text(const std::vector<double>& values) {
    std::string text = "[";
    for (std::size_t i = 0; i < values.size() && i < 6; ++i) {
        std::array<char, 32> number{};
        std::snprintf(number.data(), number.size(), "%.6g", values[i]);
        text += (i == 0 ? "" : ", ") + std::string(number.data());
    }
    if (values.size() > 6) {
        text += ", ... (" + std::to_string(values.size()) + " values)";
    }
    return text + "]";
}

} // namespace

std::string fixed(double value, int decimals) {
    std::array<char, 64> text{};
    std::snprintf(text.data(), text.size(), "%.*f", decimals, value);
    return text.data();
}

std::vector<spike_counter> spike_counters(const runtime::brain& brain) {
    std::vector<spike_counter> counters;
    for (const auto& [module, view] : brain.get_spikes_from_cache()) {
        spike_counter counter;
        counter.module = module;
        counter.units = view.count;
        counter.units_text = units_text(view.spec);
        for (const auto& m : brain.modules()) {
            if (m.name == module) {
                counter.type_id = m.type->canonical_id;
                for (const auto& [port, spec] : m.outputs) {
                    if (spec.payload_kind == SPARK_PAYLOAD_SPIKES &&
                        (port == "spikes" || (counter.port.empty() && port == "out_spikes"))) {
                        counter.port = port;
                    }
                }
            }
        }
        if (!counter.port.empty()) {
            counters.push_back(std::move(counter));
        }
    }
    return counters;
}

void count_spikes(const runtime::brain& brain, std::vector<spike_counter>& counters) {
    for (auto& counter : counters) {
        std::uint64_t count = 0;
        for (const std::uint8_t s : brain.cached(counter.module, counter.port).as<std::uint8_t>()) {
            count += s & 1U;
        }
        counter.spikes += count;
    }
}

std::string spike_counts_text(const std::vector<spike_counter>& counters) {
    json::array list;
    for (const auto& c : counters) {
        list.push_back(json::array{json::value(c.module),
                                   json::value(c.port),
                                   json::value(c.type_id),
                                   json::value(c.units),
                                   json::value(c.units_text),
                                   json::value(c.spikes)});
    }
    return json::serialize(list);
}

std::vector<spike_counter> merge_spike_counts(const std::vector<std::string>& texts,
                                              const std::vector<runtime::module_info>& modules) {
    std::vector<spike_counter> counters;
    for (const auto& text : texts) {
        const auto list = json::parse(text);
        for (const auto& value : list.as_array()) {
            const auto& c = value.as_array();
            counters.push_back({json::value_to<std::string>(c.at(0)),
                                json::value_to<std::string>(c.at(1)),
                                json::value_to<std::string>(c.at(2)),
                                json::value_to<std::uint64_t>(c.at(3)),
                                json::value_to<std::string>(c.at(4)),
                                json::value_to<std::uint64_t>(c.at(5))});
        }
    }
    // A population in slices counts once, for all its neurons, as one process counts it.
    std::vector<spike_counter> merged;
    for (auto& c : counters) {
        const auto same = std::find_if(merged.begin(), merged.end(), [&](const auto& m) {
            return m.module == c.module && m.port == c.port;
        });
        if (same == merged.end()) {
            merged.push_back(std::move(c));
            continue;
        }
        same->units += c.units;
        same->spikes += c.spikes;
        for (const auto& m : modules) {
            for (const auto& [port, spec] : m.outputs) {
                if (m.name == same->module && port == same->port) {
                    same->units_text = units_text(spec);
                }
            }
        }
    }
    counters = std::move(merged);
    const auto index = [&](const spike_counter& c) {
        return std::find_if(modules.begin(),
                            modules.end(),
                            [&](const runtime::module_info& m) { return m.name == c.module; }) -
               modules.begin();
    };
    std::stable_sort(counters.begin(), counters.end(), [&](const auto& a, const auto& b) {
        return index(a) < index(b);
    });
    return counters;
}

void output_stats::add(const void* data) {
    for (std::size_t i = 0; i < sum.size(); ++i) {
        const double x = element_at(data, spec.dtype, i);
        sum[i] += x;
        last[i] = x;
    }
}

void print_summary(const std::vector<spike_counter>& counters,
                   const std::vector<output_stats>& outputs,
                   std::uint64_t steps,
                   double dt_ms) {
    if (!counters.empty()) {
        table rows;
        rows.add({"MODULE", "TYPE", "UNITS", "SPIKES", "RATE [Hz]"});
        for (const auto& c : counters) {
            const double denominator =
                static_cast<double>(c.units) * static_cast<double>(steps) * dt_ms / 1000.0;
            rows.add(
                {printable(c.module),
                 c.type_id,
                 c.units_text,
                 std::to_string(c.spikes),
                 fixed(denominator > 0 ? static_cast<double>(c.spikes) / denominator : 0.0, 2)});
        }
        std::cout << "\nspikes\n" << rows.render("  ");
    }
    if (!outputs.empty()) {
        table rows;
        rows.add({"OUTPUT", "FINAL", "MEAN"});
        for (const auto& o : outputs) {
            std::vector<double> mean = o.sum;
            for (auto& m : mean) {
                m = steps > 0 ? m / static_cast<double>(steps) : 0.0;
            }
            rows.add({printable(o.name), vector_text(o.last), vector_text(mean)});
        }
        std::cout << "\noutputs\n" << rows.render("  ");
    }
}

} // namespace spark::cli
