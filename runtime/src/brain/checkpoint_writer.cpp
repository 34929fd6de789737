// SPDX-License-Identifier: Apache-2.0
// brain::checkpoint(): the manifest first (every array's place is known from the modules' state()
// descriptions before a byte is written), then each array straight from the module's memory into
// the file, hashed on the way; nothing the size of the weights is ever copied.
#include <algorithm>
#include <array>
#include <system_error>
#include <vector>

#include <spark/runtime/brain.hpp>
#include <spark/runtime/checkpoint.hpp>

#include "atomic_file.hpp"
#include "brain/checkpoint_access.hpp"
#include "brain/checkpoint_format.hpp"
#include "brain/checkpoint_manifest.hpp"
#include "brain/checkpoint_provenance.hpp"

namespace spark::runtime {
namespace {

namespace format = detail::checkpoint_format;

detail::checkpoint_array
entry_of(std::string name, std::int32_t dtype, const spark_shape_t& shape) {
    detail::checkpoint_array a;
    a.name = std::move(name);
    a.dtype = dtype;
    std::uint64_t bytes = spark_dtype_size(dtype);
    for (std::uint32_t d = 0; d < std::min(shape.rank, std::uint32_t{SPARK_MAX_RANK}); ++d) {
        a.shape.push_back(shape.dims[d]);
        bytes *= shape.dims[d];
    }
    a.bytes = bytes;
    return a;
}

/// Writes bytes to the file and the digest at once.
struct hashed_writer {
    detail::atomic_file_writer file;
    format::sha256 digest;

    explicit hashed_writer(const std::filesystem::path& path) : file(path) {}

    void write(const void* data, std::size_t size) {
        file.write(data, size);
        digest.add(data, size);
    }
    void pad_to(std::uint64_t offset) {
        static constexpr std::array<char, format::alignment> zeros{};
        while (file.written() < offset) {
            write(zeros.data(), std::min<std::uint64_t>(zeros.size(), offset - file.written()));
        }
    }
};

} // namespace

checkpoint_error::checkpoint_error(std::filesystem::path file,
                                   checkpoint_problem problem,
                                   const std::string& message)
    : spark::error(file.string() + ": " + message), file_(std::move(file)), problem_(problem) {}

void brain::checkpoint(const std::filesystem::path& path, bool overwrite) const {
    std::error_code error;
    if (!overwrite && std::filesystem::exists(path, error)) {
        throw checkpoint_error(path,
                               checkpoint_problem::exists,
                               "exists; pass overwrite (spark run: --checkpoint-every rewrites "
                               "its file) or choose another file");
    }
    using access = detail::checkpoint_access;
    if (access::stopped(*this)) {
        throw checkpoint_error(path,
                               checkpoint_problem::stopped,
                               "not written: a failed step stopped the brain at step " +
                                   std::to_string(step_index()) +
                                   " and its modules may hold half of that step; write the "
                                   "checkpoints before, or reset() the brain");
    }
    detail::checkpoint_manifest manifest;
    manifest.spark_version = SPARK_VERSION_STRING;
    manifest.brain_config = config().to_json();
    manifest.compat = config().mode == config_mode::compat;
    manifest.step_index = step_index();
    manifest.dt = dt();
    // Where each array's bytes are: state() views stay valid until the next call into the module,
    // and the writer calls none.
    std::vector<std::vector<spark_state_array_t>> states;
    std::vector<std::vector<spark_buffer_t>> caches;
    for (std::size_t m = 0; m < modules().size(); ++m) {
        const auto& info = modules()[m];
        detail::checkpoint_module module;
        module.name = info.name;
        module.type = detail::provenance_of(*info.type);
        for (const auto& [field, type] : info.parts) {
            module.parts.emplace_back(field, detail::provenance_of(*type));
        }
        states.push_back(access::instance(*this, m).state());
        for (const auto& array : states.back()) {
            module.state.push_back(entry_of(array.name, array.dtype, array.shape));
        }
        caches.push_back(access::cached_outputs(*this, m));
        for (std::size_t o = 0; o < caches.back().size(); ++o) {
            const auto& spec = caches.back()[o].spec;
            module.cache.push_back(entry_of(info.outputs[o].first, spec.dtype, spec.shape));
        }
        manifest.modules.push_back(std::move(module));
    }
    const auto inputs = access::inputs(*this);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const auto& [name, spec] = input_specs()[i];
        manifest.inputs.push_back(entry_of(name, spec.dtype, spec.shape));
        std::vector<std::uint32_t> shape(
            spec.shape.dims,
            spec.shape.dims + std::min(spec.shape.rank, std::uint32_t{SPARK_MAX_RANK}));
        manifest.input_shapes.emplace_back(name, std::move(shape));
    }

    // The offsets are in the manifest, whose length depends on them: place the arrays after the
    // manifest, and again whenever the longer numbers make the manifest reach past the first one.
    std::string text;
    std::uint64_t data_begin = format::aligned(format::header_bytes);
    for (;;) {
        std::uint64_t offset = data_begin;
        const auto place = [&offset](detail::checkpoint_array& a) {
            a.offset = offset;
            offset = format::aligned(offset + a.bytes);
        };
        for (auto& module : manifest.modules) {
            std::for_each(module.state.begin(), module.state.end(), place);
            std::for_each(module.cache.begin(), module.cache.end(), place);
        }
        std::for_each(manifest.inputs.begin(), manifest.inputs.end(), place);
        text = detail::to_json(manifest);
        if (format::header_bytes + text.size() <= data_begin) {
            break;
        }
        data_begin = format::aligned(format::header_bytes + text.size());
    }

    try {
        hashed_writer out(path);
        std::array<unsigned char, format::header_bytes> header{};
        std::copy(format::magic.begin(), format::magic.end(), header.begin());
        format::put_u32(header.data() + 8, format::version);
        format::put_u32(header.data() + 12, 0);
        format::put_u64(header.data() + 16, text.size());
        out.write(header.data(), header.size());
        out.write(text.data(), text.size());
        const auto write_array = [&out](const detail::checkpoint_array& a, const void* data) {
            out.pad_to(a.offset);
            out.write(data, a.bytes);
        };
        for (std::size_t m = 0; m < manifest.modules.size(); ++m) {
            const auto& module = manifest.modules[m];
            for (std::size_t s = 0; s < module.state.size(); ++s) {
                write_array(module.state[s], states[m][s].data);
            }
            for (std::size_t o = 0; o < module.cache.size(); ++o) {
                write_array(module.cache[o], caches[m][o].data);
            }
        }
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            write_array(manifest.inputs[i], inputs[i].data);
        }
        const auto digest = out.digest.finish();
        out.file.write(digest.data(), digest.size());
        out.file.write(format::end_magic.data(), format::end_magic.size());
        out.file.commit();
    } catch (const detail::atomic_file_error& e) {
        throw checkpoint_error(path, checkpoint_problem::io, e.reason());
    }
}

} // namespace spark::runtime
