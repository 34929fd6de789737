// SPDX-License-Identifier: Apache-2.0
// distributed_brain: rank_stepper (runtime/src/distributed) over MPI. After every step each rank
// sends the ranks that read its crossing outputs one message each, and every rank's status (a
// failure, a request to stop) is reduced over all ranks at the same time: a failure on one rank
// reaches all of them in the same exchange, a failed rank still sends its (empty) messages, and
// no rank waits for a message that will not come.
#include <algorithm>
#include <array>
#include <chrono>
#include <climits>
#include <iterator>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <spark/registry/module_type_info.hpp>
#include <spark/runtime/distributed_brain.hpp>
#include <spark/sdk/buffers.hpp>

#include "brain_catalog.hpp"
#include "distributed/rank_stepper.hpp"

namespace spark::runtime {
namespace {

constexpr int exchange_tag = 0x5e;

void check(int code, const char* call) {
    if (code == MPI_SUCCESS) {
        return;
    }
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(code, text, &length);
    throw spark::error(std::string(call) +
                       " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

/// Throws on every rank the lowest rank's failure, when any rank has one (collective).
void agree_or_throw(MPI_Comm comm, const std::string& failure) {
    const auto failures = gather_texts(comm, failure);
    for (std::size_t r = 0; r < failures.size(); ++r) {
        if (!failures[r].empty()) {
            throw spark::error("rank " + std::to_string(r) + ": " + failures[r]);
        }
    }
}

/// "id version sha256" of every type the brain's modules name, one per line, sorted.
std::string type_fingerprint(const registry::plugin_registry& registry,
                             const brain_config& config) {
    std::set<std::string> lines;
    for (const auto& module : config.modules_map) {
        const auto& type = registry.resolve(module.class_ref, config.vendor_preference);
        lines.insert(type.canonical_id + " " +
                     (type.abi->version != nullptr ? type.abi->version : "") + " " +
                     type.plugin->sha256);
    }
    std::string text;
    for (const auto& line : lines) {
        text += line + "\n";
    }
    return text;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

/// The first type a rank loaded otherwise than rank 0, as an error naming both; empty if none.
std::string type_mismatch(const std::vector<std::string>& fingerprints) {
    const auto reference = lines_of(fingerprints[0]);
    for (std::size_t r = 1; r < fingerprints.size(); ++r) {
        const auto theirs = lines_of(fingerprints[r]);
        for (std::size_t i = 0; i < std::max(reference.size(), theirs.size()); ++i) {
            const std::string a = i < reference.size() ? reference[i] : "(nothing)";
            const std::string b = i < theirs.size() ? theirs[i] : "(nothing)";
            if (a != b) {
                return "rank " + std::to_string(r) + " loaded type " + b + ", rank 0 " + a +
                       " (id, version, SHA-256 of the plugin file): every rank must load the "
                       "same plugin builds; give every node the same plugin files "
                       "(SPARK_PLUGIN_PATH, --plugin-path)";
            }
        }
    }
    return "";
}

// A step failure travels as "module\ttype\tstep\tmessage".
std::string step_failure_text(const step_error& e) {
    return e.module() + "\t" + e.type_id() + "\t" + std::to_string(e.step_index()) + "\t" +
           e.message();
}

} // namespace

std::vector<std::string> gather_texts(MPI_Comm comm, const std::string& mine) {
    int ranks = 1;
    check(MPI_Comm_size(comm, &ranks), "MPI_Comm_size");
    const int length = static_cast<int>(mine.size());
    std::vector<int> lengths(static_cast<std::size_t>(ranks));
    check(MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, comm), "MPI_Allgather");
    std::vector<int> offsets(lengths.size(), 0);
    for (std::size_t r = 1; r < lengths.size(); ++r) {
        offsets[r] = offsets[r - 1] + lengths[r - 1];
    }
    std::string joined(static_cast<std::size_t>(offsets.back() + lengths.back()), '\0');
    check(MPI_Allgatherv(mine.data(),
                         length,
                         MPI_CHAR,
                         joined.data(),
                         lengths.data(),
                         offsets.data(),
                         MPI_CHAR,
                         comm),
          "MPI_Allgatherv");
    std::vector<std::string> texts;
    for (std::size_t r = 0; r < lengths.size(); ++r) {
        texts.push_back(joined.substr(static_cast<std::size_t>(offsets[r]),
                                      static_cast<std::size_t>(lengths[r])));
    }
    return texts;
}

struct distributed_brain::impl {
    MPI_Comm comm{};
    int rank = 0;
    int ranks = 1;
    brain_config config;
    partition_plan plan;
    std::optional<detail::rank_stepper> stepper;
    detail::brain_catalog catalog;
    std::uint64_t bytes_sent = 0;
    double waiting = 0;
    std::optional<int> stop_asked;  // request_stop() here
    std::optional<int> stop_agreed; // the lowest rank's request before the last exchange

    /// Messages on their way to the ranks that read from this one.
    struct outgoing {
        std::vector<std::vector<std::byte>> messages;
        std::vector<MPI_Request> requests;
    };

    /// After a reset (or observe()): sends this rank's crossing outputs (and observations) and
    /// finishes the exchange. `failure` as for finish_exchange().
    void exchange(std::string failure) {
        stepper->begin_exchange();
        if (failure.empty()) {
            try {
                stepper->encode();
            } catch (const std::exception& e) {
                failure = std::string("E") + e.what();
            }
        }
        auto out = send(failure.empty());
        finish_exchange(failure, out);
    }

    /// Sends every rank that reads from this one its message (empty after a failure here: the
    /// status reduction tells everyone), without waiting.
    outgoing send(bool ok) {
        outgoing out;
        out.messages.resize(stepper->destinations().size());
        bytes_sent = 0;
        for (std::size_t i = 0; i < out.messages.size(); ++i) {
            const int d = stepper->destinations()[i];
            auto& message = out.messages[i];
            if (ok) {
                message = stepper->message_for(d);
            }
            bytes_sent += message.size();
            out.requests.emplace_back();
            check(MPI_Isend(message.data(),
                            static_cast<int>(message.size()),
                            MPI_BYTE,
                            d,
                            exchange_tag,
                            comm,
                            &out.requests.back()),
                  "MPI_Isend");
        }
        return out;
    }

    /// Reduces every rank's status (a failure, a request to stop) over all ranks, receives one
    /// message from every rank this one reads from and waits for `out`. Then throws the lowest
    /// failing rank's failure on every rank, or writes what arrived (and this rank's own pieces)
    /// into the proxies. `failure`: empty, "S" + a step failure (step_failure_text) or "E" + any
    /// other error.
    void finish_exchange(const std::string& failure, outgoing& out) {
        // {the lowest failing rank, the lowest rank asking to stop * 256 + why}.
        std::array<int, 2> status{failure.empty() ? ranks : rank,
                                  stop_asked ? rank * 256 + *stop_asked : INT_MAX};
        std::array<int, 2> agreed{};
        MPI_Request reduction = MPI_REQUEST_NULL;
        check(MPI_Iallreduce(status.data(), agreed.data(), 2, MPI_INT, MPI_MIN, comm, &reduction),
              "MPI_Iallreduce");
        const auto start = std::chrono::steady_clock::now();
        std::vector<std::vector<std::byte>> incoming(static_cast<std::size_t>(ranks));
        for (const int s : stepper->sources()) {
            MPI_Status probed;
            check(MPI_Probe(s, exchange_tag, comm, &probed), "MPI_Probe");
            int count = 0;
            check(MPI_Get_count(&probed, MPI_BYTE, &count), "MPI_Get_count");
            auto& message = incoming[static_cast<std::size_t>(s)];
            message.resize(static_cast<std::size_t>(count));
            check(
                MPI_Recv(message.data(), count, MPI_BYTE, s, exchange_tag, comm, MPI_STATUS_IGNORE),
                "MPI_Recv");
        }
        check(MPI_Waitall(
                  static_cast<int>(out.requests.size()), out.requests.data(), MPI_STATUSES_IGNORE),
              "MPI_Waitall");
        check(MPI_Wait(&reduction, MPI_STATUS_IGNORE), "MPI_Wait");
        waiting += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (agreed[0] < ranks) {
            throw_failure(agreed[0], failure);
        }
        stop_agreed.reset();
        if (agreed[1] != INT_MAX) {
            stop_agreed = agreed[1] % 256;
        }
        for (const int s : stepper->sources()) {
            stepper->receive(s, incoming[static_cast<std::size_t>(s)]);
        }
        stepper->finish_exchange();
    }

    /// Rank `failed`'s failure (the lowest failing rank's), sent to every rank and thrown the
    /// same on all of them: a step_error naming its module, type and step, or a spark::error.
    [[noreturn]] void throw_failure(int failed, const std::string& failure) const {
        std::string text = failed == rank ? failure : std::string();
        int length = static_cast<int>(text.size());
        check(MPI_Bcast(&length, 1, MPI_INT, failed, comm), "MPI_Bcast");
        text.resize(static_cast<std::size_t>(length));
        check(MPI_Bcast(text.data(), length, MPI_CHAR, failed, comm), "MPI_Bcast");
        const std::string where = "rank " + std::to_string(failed) + ": ";
        if (!text.empty() && text[0] == 'S') {
            std::istringstream fields(text.substr(1));
            std::string module;
            std::string type;
            std::string step;
            std::getline(fields, module, '\t');
            std::getline(fields, type, '\t');
            std::getline(fields, step, '\t');
            std::string message((std::istreambuf_iterator<char>(fields)),
                                std::istreambuf_iterator<char>());
            throw step_error(module, type, std::stoull(step), where + message);
        }
        throw spark::error(where + (text.empty() ? std::string("failed") : text.substr(1)));
    }
};

distributed_brain::distributed_brain(const registry::plugin_registry& registry,
                                     const brain_config& config,
                                     MPI_Comm comm,
                                     brain_options options)
    : impl_(std::make_unique<impl>()) {
    auto& self = *impl_;
    self.comm = comm;
    check(MPI_Comm_rank(comm, &self.rank), "MPI_Comm_rank");
    check(MPI_Comm_size(comm, &self.ranks), "MPI_Comm_size");
    std::string fingerprint;
    std::string failure;
    try {
        fingerprint = type_fingerprint(registry, config);
    } catch (const std::exception& e) {
        failure = e.what();
    }
    agree_or_throw(comm, failure);
    if (const auto mismatch = type_mismatch(gather_texts(comm, fingerprint)); !mismatch.empty()) {
        throw spark::error(mismatch);
    }
    std::string part;
    try {
        self.config = config;
        self.plan = plan_partition(registry, config, self.ranks);
        self.stepper.emplace(registry, config, self.plan, self.rank, options);
        part = detail::describe_part(self.stepper->local());
    } catch (const std::exception& e) {
        failure = e.what();
    }
    agree_or_throw(comm, failure);
    self.catalog = detail::merge_parts(gather_texts(comm, part), registry, config);
    // The longest exchange window every rank can take (docs/scaling.md section 3.2).
    unsigned window = self.stepper->longest_window();
    check(MPI_Allreduce(MPI_IN_PLACE, &window, 1, MPI_UNSIGNED, MPI_MIN, comm), "MPI_Allreduce");
    self.stepper->set_window(window == UINT_MAX ? 1U : window);
    self.exchange("");
}

distributed_brain::distributed_brain(distributed_brain&&) noexcept = default;
distributed_brain& distributed_brain::operator=(distributed_brain&&) noexcept = default;
distributed_brain::~distributed_brain() = default;

void distributed_brain::step() {
    auto& self = *impl_;
    auto& local = self.stepper->local();
    std::string failure;
    const auto fail = [&failure](const std::exception& e) {
        const auto* step = dynamic_cast<const step_error*>(&e);
        failure = step != nullptr ? "S" + step_failure_text(*step) : std::string("E") + e.what();
    };
    // The modules whose outputs leave this rank first; their messages travel while the others
    // step (docs/scaling.md section 3.1).
    self.stepper->begin_exchange(true);
    try {
        local.step_first(self.stepper->first_modules());
        self.stepper->encode(true);
    } catch (const std::exception& e) {
        fail(e);
    }
    auto out = self.send(failure.empty());
    if (failure.empty()) {
        try {
            local.step_rest();
        } catch (const std::exception& e) {
            fail(e);
        }
    }
    self.finish_exchange(failure, out);
}

void distributed_brain::reset() {
    auto& self = *impl_;
    self.stop_asked.reset();
    std::string failure;
    try {
        self.stepper->reset();
    } catch (const std::exception& e) {
        failure = std::string("E") + e.what();
    }
    self.exchange(std::move(failure));
}

brain& distributed_brain::local() noexcept {
    return impl_->stepper->local();
}

const brain& distributed_brain::local() const noexcept {
    return impl_->stepper->local();
}

const partition_plan& distributed_brain::partition() const noexcept {
    return impl_->plan;
}

const std::vector<module_info>& distributed_brain::modules() const noexcept {
    return impl_->catalog.modules;
}

const std::vector<std::pair<std::string, spark_port_spec_t>>&
distributed_brain::input_specs() const noexcept {
    return impl_->catalog.inputs;
}

const std::vector<std::pair<std::string, spark_port_spec_t>>&
distributed_brain::output_specs() const noexcept {
    return impl_->catalog.outputs;
}

spark_port_spec_t distributed_brain::property_spec(std::string_view module,
                                                   std::string_view property) const {
    for (const auto& entry : impl_->catalog.properties) {
        if (entry.module == module && entry.property == property) {
            if (!entry.problem.empty()) {
                throw spark::error(entry.problem);
            }
            return entry.spec;
        }
    }
    throw spark::error("module '" + std::string(module) + "' has no property '" +
                       std::string(property) + "'");
}

namespace {

/// Who computes which elements of `o` (a property a population's slices each hold whole: the
/// first slice).
std::vector<detail::piece> pieces_of(const partition_plan& plan,
                                     const detail::brain_catalog& catalog,
                                     const detail::observation& o) {
    bool rows = true;
    if (o.property) {
        for (const auto& entry : catalog.properties) {
            if (entry.module == o.module && entry.property == o.name) {
                rows = entry.rows;
            }
        }
    }
    return detail::pieces_of(
        plan.placement_of(o.module), spark::sdk::element_count(o.spec.shape), rows);
}

} // namespace

void distributed_brain::observe(std::vector<observed_value> what, int root) {
    auto& self = *impl_;
    std::vector<detail::observation> list;
    for (auto& value : what) {
        detail::observation o;
        o.property = value.property;
        if (value.module.empty()) { // a brain output: the module port that feeds it
            const auto output =
                std::find_if(self.config.output_map.begin(),
                             self.config.output_map.end(),
                             [&](const auto& entry) { return entry.first == value.name; });
            const auto spec =
                std::find_if(self.catalog.outputs.begin(),
                             self.catalog.outputs.end(),
                             [&](const auto& entry) { return entry.first == value.name; });
            if (output == self.config.output_map.end() || spec == self.catalog.outputs.end()) {
                throw spark::error("the brain has no output '" + value.name + "'");
            }
            o.module = output->second.input.origin;
            o.name = output->second.input.port;
            o.spec = spec->second;
        } else if (value.property) {
            o.module = value.module;
            o.name = value.name;
            o.spec = property_spec(value.module, value.name);
        } else {
            const auto module =
                std::find_if(self.catalog.modules.begin(),
                             self.catalog.modules.end(),
                             [&](const module_info& m) { return m.name == value.module; });
            const bool found =
                module != self.catalog.modules.end() &&
                std::any_of(module->outputs.begin(), module->outputs.end(), [&](const auto& entry) {
                    if (entry.first != value.name) {
                        return false;
                    }
                    o.spec = entry.second;
                    return true;
                });
            if (!found) {
                throw spark::error("the brain has no module output '" + value.module + "." +
                                   value.name + "'");
            }
            o.module = value.module;
            o.name = value.name;
        }
        o.pieces = pieces_of(self.plan, self.catalog, o);
        list.push_back(std::move(o));
    }
    self.stepper->observe(std::move(list), root);
    self.exchange(""); // brings the values as they are now
}

std::span<const std::byte> distributed_brain::observed(std::size_t i) const {
    return impl_->stepper->observed(i);
}

void distributed_brain::request_stop(int why) noexcept {
    impl_->stop_asked = std::clamp(why, 0, 200);
}

std::optional<int> distributed_brain::stop_requested() const noexcept {
    return impl_->stop_agreed;
}

std::uint32_t distributed_brain::window() const noexcept {
    return impl_->stepper->window();
}

int distributed_brain::rank() const noexcept {
    return impl_->rank;
}

int distributed_brain::ranks() const noexcept {
    return impl_->ranks;
}

std::uint64_t distributed_brain::last_bytes_sent() const noexcept {
    return impl_->bytes_sent;
}

double distributed_brain::seconds_waiting() const noexcept {
    return impl_->waiting;
}

} // namespace spark::runtime
