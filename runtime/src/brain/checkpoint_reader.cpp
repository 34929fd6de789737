// SPDX-License-Identifier: Apache-2.0
// brain::from_checkpoint(): the frame and the checksum first (one streaming pass, before any byte
// of the manifest is trusted), then the manifest and the place of every array (against the file's
// size, before anything is allocated), then the types' provenance, then the brain its config
// builds, which must be the brain the manifest describes array by array; only then each array
// is read straight into the module's memory, and every module is told (state_loaded).
#include <algorithm>
#include <array>
#include <cerrno>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>
#include <vector>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/checkpoint.hpp>

#include "brain/checkpoint_access.hpp"
#include "brain/checkpoint_format.hpp"
#include "brain/checkpoint_manifest.hpp"
#include "brain/checkpoint_provenance.hpp"
#include "log.hpp"
#include "text.hpp"
#include "tools/host_buffer.hpp"

#include <sys/stat.h>

namespace spark::runtime {
namespace {

namespace format = detail::checkpoint_format;

/// A read-only file descriptor that closes itself; reads at offsets, all or nothing.
class input_file {
public:
    explicit input_file(std::filesystem::path path) : path_(std::move(path)) {
        descriptor_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
        if (descriptor_ < 0) {
            throw checkpoint_error(path_,
                                   checkpoint_problem::io,
                                   "cannot open the checkpoint: " + detail::errno_text(errno) +
                                       "; check the path");
        }
        struct ::stat info {};
        if (::fstat(descriptor_, &info) != 0 || !S_ISREG(info.st_mode)) {
            ::close(descriptor_);
            throw checkpoint_error(path_, checkpoint_problem::io, "is not a regular file");
        }
        size_ = static_cast<std::uint64_t>(info.st_size);
    }
    ~input_file() { ::close(descriptor_); }
    input_file(const input_file&) = delete;
    input_file& operator=(const input_file&) = delete;

    [[nodiscard]] std::uint64_t size() const noexcept { return size_; }

    void read(std::uint64_t offset, void* to, std::uint64_t bytes) const {
        auto* at = static_cast<char*>(to);
        while (bytes > 0) {
            const auto chunk = static_cast<std::size_t>(std::min<std::uint64_t>(bytes, 1U << 30));
            const ::ssize_t n = ::pread(descriptor_, at, chunk, static_cast<::off_t>(offset));
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                throw checkpoint_error(
                    path_, checkpoint_problem::io, "cannot read: " + detail::errno_text(errno));
            }
            if (n == 0) {
                throw checkpoint_error(path_,
                                       checkpoint_problem::truncated,
                                       "ends at byte " + std::to_string(offset) +
                                           " while being read: it was changed or truncated "
                                           "meanwhile");
            }
            at += n;
            offset += static_cast<std::uint64_t>(n);
            bytes -= static_cast<std::uint64_t>(n);
        }
    }

private:
    std::filesystem::path path_;
    int descriptor_ = -1;
    std::uint64_t size_ = 0;
};

/// The checked frame: where the manifest and the arrays lie.
struct frame {
    std::uint64_t manifest_bytes = 0;
    std::uint64_t data_end = 0; // the trailer's offset
};

frame read_frame(const input_file& in, const std::filesystem::path& file) {
    const auto size = in.size();
    if (size < format::header_bytes + format::trailer_bytes) {
        if (size >= format::magic.size()) {
            std::array<char, format::magic.size()> start{};
            in.read(0, start.data(), start.size());
            if (start != format::magic) {
                throw checkpoint_error(file,
                                       checkpoint_problem::not_a_checkpoint,
                                       "is not a Spark checkpoint (it does not start with "
                                       "SPARKCKP)");
            }
        }
        throw checkpoint_error(file,
                               checkpoint_problem::truncated,
                               "has " + std::to_string(size) +
                                   " bytes, fewer than any checkpoint (" +
                                   std::to_string(format::header_bytes + format::trailer_bytes) +
                                   "): it is truncated");
    }
    std::array<unsigned char, format::header_bytes> header{};
    in.read(0, header.data(), header.size());
    if (!std::equal(format::magic.begin(), format::magic.end(), header.begin())) {
        throw checkpoint_error(file,
                               checkpoint_problem::not_a_checkpoint,
                               "is not a Spark checkpoint (it does not start with SPARKCKP)");
    }
    const auto version = format::get_u32(header.data() + 8);
    if (version > format::version) {
        throw checkpoint_error(file,
                               checkpoint_problem::newer_version,
                               "is a checkpoint of format version " + std::to_string(version) +
                                   ", newer than this build reads (up to " +
                                   std::to_string(format::version) +
                                   "); resume it with the Spark that wrote it, or a newer one");
    }
    if (version == 0) {
        throw checkpoint_error(
            file, checkpoint_problem::malformed, "says format version 0, which no Spark writes");
    }
    std::array<char, format::end_magic.size()> end{};
    in.read(size - end.size(), end.data(), end.size());
    if (end != format::end_magic) {
        throw checkpoint_error(file,
                               checkpoint_problem::truncated,
                               "does not end with the checkpoint's end marker: it is truncated "
                               "(or was still being copied); use an earlier checkpoint");
    }
    // Every byte before the trailer, in pieces: nothing of the manifest is trusted before this.
    const std::uint64_t data_end = size - format::trailer_bytes;
    format::sha256 digest;
    std::vector<unsigned char> piece(std::min<std::uint64_t>(data_end, 1U << 20));
    for (std::uint64_t at = 0; at < data_end;) {
        const auto n = std::min<std::uint64_t>(piece.size(), data_end - at);
        in.read(at, piece.data(), n);
        digest.add(piece.data(), static_cast<std::size_t>(n));
        at += n;
    }
    std::array<unsigned char, 32> stored{};
    in.read(data_end, stored.data(), stored.size());
    const auto computed = digest.finish();
    if (computed != stored) {
        throw checkpoint_error(file,
                               checkpoint_problem::checksum,
                               "fails its checksum (SHA-256 " + format::hex(computed) +
                                   ", the trailer says " + format::hex(stored) +
                                   "): its bytes were damaged; use an earlier checkpoint");
    }
    const auto manifest_bytes = format::get_u64(header.data() + 16);
    if (manifest_bytes > data_end - format::header_bytes ||
        manifest_bytes > format::max_manifest_bytes) {
        throw checkpoint_error(file,
                               checkpoint_problem::malformed,
                               "says its manifest has " + std::to_string(manifest_bytes) +
                                   " bytes, more than the file holds or any manifest needs");
    }
    return {manifest_bytes, data_end};
}

std::string shape_text(const std::vector<std::uint32_t>& shape) {
    std::vector<std::string> dims;
    for (const auto d : shape) {
        dims.push_back(std::to_string(d));
    }
    return "(" + detail::join(dims, ", ") + ")";
}

std::vector<std::uint32_t> dims_of(const spark_shape_t& shape) {
    return {shape.dims, shape.dims + std::min(shape.rank, std::uint32_t{SPARK_MAX_RANK})};
}

/// Checks that the saved array `saved` is what `name`, `dtype`, `shape` of the built brain are.
void check_same(const detail::checkpoint_array& saved,
                const std::string& what,
                std::string_view name,
                std::int32_t dtype,
                const spark_shape_t& shape,
                const std::filesystem::path& file) {
    const auto fail = [&](const std::string& why) {
        throw checkpoint_error(file,
                               checkpoint_problem::mismatch,
                               what + " " + why +
                                   "; the checkpoint does not fit the brain its config builds with "
                                   "these plugins");
    };
    if (saved.name != name) {
        fail("is named '" + saved.name + "' in the checkpoint but '" + std::string(name) +
             "' in the brain");
    }
    if (saved.dtype != dtype) {
        fail("is " + std::string(registry::dtype_name(saved.dtype)) + " in the checkpoint but " +
             std::string(registry::dtype_name(dtype)) + " in the brain");
    }
    if (saved.shape != dims_of(shape)) {
        fail("has shape " + shape_text(saved.shape) + " in the checkpoint but " +
             shape_text(dims_of(shape)) + " in the brain");
    }
}

void check_count(std::size_t saved,
                 std::size_t built,
                 const std::string& what,
                 const std::filesystem::path& file) {
    if (saved != built) {
        throw checkpoint_error(file,
                               checkpoint_problem::mismatch,
                               what + ": " + std::to_string(saved) + " in the checkpoint, " +
                                   std::to_string(built) + " in the brain its config builds");
    }
}

brain_config config_of(const detail::checkpoint_manifest& manifest,
                       const std::filesystem::path& file) {
    try {
        auto config =
            brain_config::from_json(manifest.brain_config,
                                    file.string() + " (its brain config)",
                                    manifest.compat ? config_mode::compat : config_mode::strict);
        // Named, not a structured binding: clang 14 cannot capture a binding in the lambda.
        for (const auto& saved : manifest.input_shapes) {
            const auto& name = saved.first;
            const auto& shape = saved.second;
            const auto known = std::find_if(config.input_map.begin(),
                                            config.input_map.end(),
                                            [&](const auto& entry) { return entry.first == name; });
            if (known == config.input_map.end()) {
                throw checkpoint_error(file,
                                       checkpoint_problem::mismatch,
                                       "brain input '" + name +
                                           "' has a saved shape but is no "
                                           "input of its brain config");
            }
            if (!known->second.shape_given) {
                config.set_input_shape(name, shape);
            }
        }
        return config;
    } catch (const checkpoint_error&) {
        throw;
    } catch (const spark::error& e) {
        throw checkpoint_error(file,
                               checkpoint_problem::malformed,
                               std::string("its brain config cannot be read: ") + e.what());
    }
}

} // namespace

brain brain::from_checkpoint(const registry::plugin_registry& registry,
                             const std::filesystem::path& path) {
    return from_checkpoint(registry, path, checkpoint_options{});
}

brain brain::from_checkpoint(const registry::plugin_registry& registry,
                             const std::filesystem::path& path,
                             const checkpoint_options& options) {
    const input_file in(path);
    const auto checked = read_frame(in, path);
    std::string text(static_cast<std::size_t>(checked.manifest_bytes), '\0');
    in.read(format::header_bytes, text.data(), text.size());
    const auto manifest = detail::parse_manifest(text, path);
    detail::check_layout(
        manifest, format::header_bytes + checked.manifest_bytes, checked.data_end, path);

    const auto config = config_of(manifest, path);
    std::optional<brain> made;
    try {
        made.emplace(registry, config, options.brain);
    } catch (const spark::error& e) {
        // A type gone from the registry is the likely reason, and says what to load.
        detail::refuse_missing_types(manifest, registry, path);
        throw checkpoint_error(path,
                               checkpoint_problem::mismatch,
                               std::string("the brain its config describes cannot be built: ") +
                                   e.what());
    }
    brain& b = *made;
    using access = detail::checkpoint_access;

    // Every module, array, port and input must be the built brain's, in its order, before a
    // single byte is read into it.
    const auto& infos = b.modules();
    check_count(manifest.modules.size(), infos.size(), "modules", path);
    for (std::size_t m = 0; m < infos.size(); ++m) {
        const auto& saved = manifest.modules[m];
        const auto& info = infos[m];
        if (saved.name != info.name) {
            throw checkpoint_error(path,
                                   checkpoint_problem::mismatch,
                                   "module " + std::to_string(m) + " is '" + saved.name +
                                       "' in the checkpoint but '" + info.name +
                                       "' in the brain its config builds; the checkpoint was "
                                       "edited or damaged");
        }
        if (saved.type.type != info.type->canonical_id) {
            throw checkpoint_error(path,
                                   checkpoint_problem::mismatch,
                                   "module '" + info.name + "' was saved as type '" +
                                       saved.type.type + "' but its config now resolves to '" +
                                       info.type->canonical_id +
                                       "'; load the same plugins as when it was written");
        }
    }
    // The same types: are they the same builds?
    const auto differences = detail::provenance_differences(manifest, infos);
    if (!differences.empty() && !options.accept_other_builds) {
        throw checkpoint_error(
            path,
            checkpoint_problem::other_build,
            "was written with other builds of its plugins: " + detail::join(differences, "; ") +
                "; load those builds, or accept other builds (API: "
                "checkpoint_options::accept_other_builds, CLI: "
                "--accept-other-builds) to resume anyway");
    }
    for (const auto& difference : differences) {
        detail::logger().warn("{}: resuming with another build: {}", path.string(), difference);
    }
    std::vector<std::vector<spark_state_array_t>> states;
    std::vector<std::vector<spark_buffer_t>> caches;
    for (std::size_t m = 0; m < infos.size(); ++m) {
        const auto& saved = manifest.modules[m];
        const auto& info = infos[m];
        const auto who = "module '" + info.name + "' (" + info.type->canonical_id + ")";
        states.push_back(access::instance(b, m).state());
        check_count(saved.state.size(), states.back().size(), who + " state arrays", path);
        for (std::size_t s = 0; s < saved.state.size(); ++s) {
            const auto& array = states.back()[s];
            check_same(saved.state[s],
                       who + " state array '" + saved.state[s].name + "'",
                       array.name,
                       array.dtype,
                       array.shape,
                       path);
        }
        caches.push_back(access::cached_outputs(b, m));
        check_count(saved.cache.size(), caches.back().size(), who + " cached outputs", path);
        for (std::size_t o = 0; o < saved.cache.size(); ++o) {
            const auto& spec = caches.back()[o].spec;
            check_same(saved.cache[o],
                       who + " cached output '" + saved.cache[o].name + "'",
                       info.outputs[o].first,
                       spec.dtype,
                       spec.shape,
                       path);
        }
    }
    const auto inputs = access::inputs(b);
    check_count(manifest.inputs.size(), inputs.size(), "brain inputs", path);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        check_same(manifest.inputs[i],
                   "brain input '" + manifest.inputs[i].name + "'",
                   b.input_specs()[i].first,
                   inputs[i].spec.dtype,
                   inputs[i].spec.shape,
                   path);
    }

    // Straight into the modules' memory: no second copy of the weights.
    for (std::size_t m = 0; m < infos.size(); ++m) {
        for (std::size_t s = 0; s < states[m].size(); ++s) {
            in.read(manifest.modules[m].state[s].offset,
                    states[m][s].data,
                    manifest.modules[m].state[s].bytes);
        }
        for (std::size_t o = 0; o < caches[m].size(); ++o) {
            in.read(manifest.modules[m].cache[o].offset,
                    caches[m][o].data,
                    manifest.modules[m].cache[o].bytes);
        }
    }
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        in.read(manifest.inputs[i].offset, inputs[i].data, manifest.inputs[i].bytes);
    }
    for (std::size_t m = 0; m < infos.size(); ++m) {
        try {
            access::instance(b, m).state_loaded();
        } catch (const spark::error& e) {
            throw checkpoint_error(path,
                                   checkpoint_problem::rejected,
                                   "module '" + infos[m].name +
                                       "' refuses its saved state: " + e.what());
        }
    }
    access::resume_at(b, manifest.step_index);
    return std::move(*made);
}

} // namespace spark::runtime
