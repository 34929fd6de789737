// SPDX-License-Identifier: Apache-2.0
// INITIALIZER fields kept beyond create() and evaluated later (at build or reset): a deep copy of
// a spark_config_t that the module owns and may change (upstream's init_kwargs, e.g. a delay
// kernel's forced scale), and the call of the host's SPARK_SERVICE_INITIALIZERS for a nested
// initializer config, or a plain fill for a number.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <spark/abi/host.h>
#include <spark/abi/schema.h>
#include <spark/abi/services.h>
#include <spark/abi/types.h>
#include <spark/abi/version.h>
#include <spark/sdk/buffers.hpp>
#include <spark/sdk/guard.hpp>
#include <spark/sdk/params.hpp>
#include <spark/sdk/schema.hpp>

namespace spark::sdk {

/// A deep copy of a spark_config_t (strings, arrays and nested configs included) that outlives
/// the call it came from. Values can be replaced by index (a config carries no field names: the
/// index is the field's position in its type's schema). Not copyable or movable, because abi()
/// points into it; hold it through a std::unique_ptr.
class owned_config {
public:
    explicit owned_config(const spark_config_t& source) {
        if (source.count > 0 && source.values == nullptr) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               "config has " + std::to_string(source.count) +
                                   " values but no data");
        }
        class_ref_ = source.class_ref != nullptr ? source.class_ref : "";
        values_.assign(source.values, source.values + source.count);
        ints_.resize(values_.size());
        floats_.resize(values_.size());
        strings_.resize(values_.size());
        nested_.resize(values_.size());
        for (std::size_t i = 0; i < values_.size(); ++i) {
            spark_value_t& v = values_[i];
            if (v.ints != nullptr) {
                ints_[i].assign(v.ints, v.ints + v.count);
            }
            if (v.floats != nullptr) {
                floats_[i].assign(v.floats, v.floats + v.count);
            }
            if (v.s != nullptr) {
                strings_[i] = std::make_unique<std::string>(v.s);
            }
            if (v.config != nullptr) {
                nested_[i] = std::make_unique<owned_config>(*v.config);
            }
            relink(i);
        }
        abi_ = source;
        abi_.class_ref = class_ref_.c_str();
        abi_.values = values_.empty() ? nullptr : values_.data();
        abi_.count = static_cast<std::uint32_t>(values_.size());
    }
    owned_config(const owned_config&) = delete;
    owned_config& operator=(const owned_config&) = delete;
    owned_config(owned_config&&) = delete;
    owned_config& operator=(owned_config&&) = delete;
    ~owned_config() = default;

    /// A copy of this config (for changing values without touching the original).
    [[nodiscard]] std::unique_ptr<owned_config> clone() const {
        return std::make_unique<owned_config>(abi_);
    }

    [[nodiscard]] const spark_config_t& abi() const noexcept { return abi_; }
    [[nodiscard]] std::string_view class_ref() const noexcept { return class_ref_; }
    [[nodiscard]] std::size_t size() const noexcept { return values_.size(); }
    [[nodiscard]] const spark_value_t& value(std::size_t index) const {
        return values_[check(index)];
    }

    /// Replaces FLOAT value `index`; throws SPARK_ERR_PLUGIN when that value is not a float.
    void set_float(std::size_t index, double value) {
        expect(index, SPARK_FIELD_FLOAT);
        values_[index].f = value;
    }
    /// Replaces INT_ARRAY value `index`; throws SPARK_ERR_PLUGIN when that value is not one.
    void set_ints(std::size_t index, std::vector<std::int64_t> value) {
        expect(index, SPARK_FIELD_INT_ARRAY);
        ints_[index] = std::move(value);
        values_[index].count = static_cast<std::uint32_t>(ints_[index].size());
        relink(index);
    }

private:
    std::size_t check(std::size_t index) const {
        if (index >= values_.size()) {
            throw status_error(SPARK_ERR_PLUGIN,
                               "value index " + std::to_string(index) +
                                   " is out of range, config '" + class_ref_ + "' has " +
                                   std::to_string(values_.size()) + " values");
        }
        return index;
    }
    void expect(std::size_t index, std::int32_t type) const {
        if (values_[check(index)].type != type) {
            throw status_error(SPARK_ERR_PLUGIN,
                               "value " + std::to_string(index) + " of config '" + class_ref_ +
                                   "' is a " + detail::field_type_name(values_[index].type) +
                                   ", not a " + detail::field_type_name(type));
        }
    }
    // Points value i at this object's own copies (empty arrays get a null pointer, count 0).
    void relink(std::size_t i) {
        spark_value_t& v = values_[i];
        if (v.ints != nullptr || v.type == SPARK_FIELD_INT_ARRAY) {
            v.ints = ints_[i].empty() ? nullptr : ints_[i].data();
        }
        if (v.floats != nullptr) {
            v.floats = floats_[i].empty() ? nullptr : floats_[i].data();
        }
        if (strings_[i]) {
            v.s = strings_[i]->c_str();
        }
        if (nested_[i]) {
            v.config = &nested_[i]->abi();
        }
    }

    std::string class_ref_;
    std::vector<spark_value_t> values_;
    std::vector<std::vector<std::int64_t>> ints_;
    std::vector<std::vector<double>> floats_;
    std::vector<std::unique_ptr<std::string>> strings_;
    std::vector<std::unique_ptr<owned_config>> nested_;
    spark_config_t abi_{};
};

/// Runs the initializer whose canonical id is config.class_ref on `out` through the host's
/// SPARK_SERVICE_INITIALIZERS. Call it only during create, build or reset (the service's rule).
/// A failing initializer has reported its message through `host` already: that message stays the
/// error (already_reported).
inline void
run_initializer(const spark_host_t* host, const spark_config_t& config, const spark_buffer_t& out) {
    const void* found = host != nullptr && host->get_service != nullptr
                            ? host->get_service(host, SPARK_SERVICE_INITIALIZERS)
                            : nullptr;
    const auto* service = static_cast<const spark_initializer_service_t*>(found);
    const std::string id = config.class_ref != nullptr ? config.class_ref : "";
    if (service == nullptr || service->initialize == nullptr) {
        throw status_error(SPARK_ERR_UNSUPPORTED,
                           "initializer '" + id + "' needs the host service " +
                               SPARK_SERVICE_INITIALIZERS +
                               ", which this host does not offer; give a number instead");
    }
    if (service->abi_version.major != SPARK_ABI_VERSION_MAJOR) {
        throw status_error(SPARK_ERR_ABI_MISMATCH,
                           "the host's initializer service has ABI major " +
                               std::to_string(service->abi_version.major) + ", this plugin " +
                               std::to_string(SPARK_ABI_VERSION_MAJOR));
    }
    const spark_status status = service->initialize(host, &config, &out);
    if (status != SPARK_OK) {
        throw already_reported(status);
    }
}

/// The host's sparse initializer service (ABI 1.1), or nullptr: a host that predates it.
[[nodiscard]] inline const spark_sparse_initializer_service_t*
sparse_initializer_service(const spark_host_t* host) noexcept {
    const void* found = host != nullptr && host->get_service != nullptr
                            ? host->get_service(host, SPARK_SERVICE_SPARSE_INITIALIZERS)
                            : nullptr;
    const auto* service = static_cast<const spark_sparse_initializer_service_t*>(found);
    return service != nullptr && service->abi_version.major == SPARK_ABI_VERSION_MAJOR ? service
                                                                                       : nullptr;
}

/// The expected share of non-zero elements of what `config` fills, when its type can fill
/// sparsely through the host (docs/adr/0011-type-extensions-and-sparse-initializers.md); nullopt
/// when the host or the type cannot (fill densely then).
[[nodiscard]] inline std::optional<double> sparse_density(const spark_host_t* host,
                                                          const spark_config_t& config) {
    const auto* service = sparse_initializer_service(host);
    double density = 1.0;
    const spark_status status =
        service != nullptr ? service->density(host, &config, &density) : SPARK_ERR_UNSUPPORTED;
    if (status == SPARK_ERR_UNSUPPORTED) {
        return std::nullopt;
    }
    if (status != SPARK_OK) {
        throw already_reported(status);
    }
    return density;
}

/// The non-zero elements of rows [row_begin, row_end) (rows of row_length elements) of the
/// float array of shape `shape` that `config` fills: row(r, columns, values, count) per row, in
/// order. Throws when the type cannot fill sparsely (ask sparse_density() first).
template <typename E, typename Row>
void fill_sparse_rows(const spark_host_t* host,
                      const spark_config_t& config,
                      const spark_shape_t& shape,
                      std::uint64_t row_length,
                      std::uint64_t row_begin,
                      std::uint64_t row_end,
                      Row&& row) {
    const auto* service = sparse_initializer_service(host);
    if (service == nullptr) {
        throw status_error(SPARK_ERR_UNSUPPORTED,
                           std::string("the host offers no ") + SPARK_SERVICE_SPARSE_INITIALIZERS);
    }
    struct context {
        Row* row;
        std::exception_ptr failure;
    } ctx{&row, nullptr};
    const spark_row_sink_t sink{&ctx,
                                [](void* c,
                                   std::uint64_t r,
                                   const std::uint64_t* columns,
                                   const void* values,
                                   std::uint64_t count) noexcept -> spark_status {
                                    auto& self = *static_cast<context*>(c);
                                    try {
                                        (*self.row)(
                                            r, columns, static_cast<const E*>(values), count);
                                        return SPARK_OK;
                                    } catch (...) {
                                        self.failure = std::current_exception();
                                        return SPARK_ERR_PLUGIN;
                                    }
                                }};
    const spark_port_spec_t spec = make_spec(SPARK_PAYLOAD_FLOAT, dtype_of<E>, shape);
    const spark_status status =
        service->fill_rows(host, &config, &spec, row_length, row_begin, row_end, &sink);
    if (ctx.failure) {
        std::rethrow_exception(ctx.failure); // our own sink's failure, not the plugin's
    }
    if (status != SPARK_OK) {
        throw already_reported(status);
    }
}

/// The elements at `indices` (row-major in `shape`) of the int32 or float array that `config`
/// fills, into `out`. Throws when the type cannot (ask sparse_density() first).
template <typename E>
void initializer_values_at(const spark_host_t* host,
                           const spark_config_t& config,
                           const spark_shape_t& shape,
                           span<const std::uint64_t> indices,
                           E* out) {
    const auto* service = sparse_initializer_service(host);
    if (service == nullptr) {
        throw status_error(SPARK_ERR_UNSUPPORTED,
                           std::string("the host offers no ") + SPARK_SERVICE_SPARSE_INITIALIZERS);
    }
    const spark_port_spec_t spec = make_spec(
        std::is_floating_point_v<E> ? SPARK_PAYLOAD_FLOAT : SPARK_PAYLOAD_INT, dtype_of<E>, shape);
    const spark_status status =
        service->values_at(host, &config, &spec, indices.data(), indices.size(), out);
    if (status != SPARK_OK) {
        throw already_reported(status);
    }
}

/// The value of an INITIALIZER field, kept: a number (filled everywhere) or an owned copy of the
/// nested initializer config (run through the host's service).
class initializer_value {
public:
    initializer_value() = default;
    /// Copies field `name` of `cfg` (which must be an INITIALIZER field).
    initializer_value(const config_view& cfg, std::string_view name) : name_(name) {
        const spark_value_t& v = cfg.value(name);
        if (v.type == SPARK_FIELD_FLOAT) {
            number_ = v.f;
        } else if ((v.type == SPARK_FIELD_INITIALIZER || v.type == SPARK_FIELD_CONFIG) &&
                   v.config != nullptr) {
            // The host passes an initializer's config with the field's own type, INITIALIZER;
            // CONFIG is accepted too, as the ABI allows it for a nested config.
            config_ = std::make_unique<owned_config>(*v.config);
        } else {
            throw status_error(SPARK_ERR_PLUGIN,
                               "config field '" + name_ + "' is a " +
                                   detail::field_type_name(v.type) +
                                   ", read as an initializer (a number or a nested config)");
        }
    }

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] bool is_number() const noexcept { return !config_; }
    [[nodiscard]] double number() const noexcept { return number_; }
    /// The nested initializer config, or nullptr for a number.
    [[nodiscard]] const owned_config* config() const noexcept { return config_.get(); }

    /// Fills every element of `out`. A number must fit the element type (integers: a whole number
    /// in range); `config` replaces the kept config for this call (e.g. a clone with forced
    /// values), nullptr uses the kept one.
    void fill(const spark_host_t* host,
              const spark_buffer_t& out,
              const owned_config* config = nullptr) const {
        if (!is_number()) {
            run_initializer(host, (config != nullptr ? *config : *config_).abi(), out);
            return;
        }
        switch (out.spec.dtype) {
        case SPARK_DTYPE_U8:
            return fill_integer<std::uint8_t>(out);
        case SPARK_DTYPE_I32:
            return fill_integer<std::int32_t>(out);
        case SPARK_DTYPE_F32:
            return fill_with(out, static_cast<float>(number_));
        case SPARK_DTYPE_F64:
            return fill_with(out, number_);
        default:
            throw status_error(SPARK_ERR_PLUGIN,
                               "cannot fill '" + name_ + "' into " + dtype_name(out.spec.dtype) +
                                   " elements");
        }
    }

private:
    template <typename E>
    void fill_with(const spark_buffer_t& out, E value) const {
        for (E& x : typed<E>(out, "initializer output", name_.c_str())) {
            x = value;
        }
    }
    template <typename E>
    void fill_integer(const spark_buffer_t& out) const {
        constexpr auto lo = static_cast<double>(std::numeric_limits<E>::min());
        constexpr auto hi = static_cast<double>(std::numeric_limits<E>::max());
        if (!(number_ >= lo && number_ <= hi) || std::trunc(number_) != number_) {
            throw status_error(SPARK_ERR_INVALID_ARGUMENT,
                               name_ + " must be a whole number in [" + detail::json_number(lo) +
                                   ", " + detail::json_number(hi) + "], got " +
                                   detail::json_number_or_inf(number_));
        }
        fill_with(out, static_cast<E>(number_));
    }

    std::string name_;
    double number_ = 0.0;
    std::unique_ptr<owned_config> config_;
};

} // namespace spark::sdk
