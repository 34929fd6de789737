// SPDX-License-Identifier: Apache-2.0
// Test doubles for the SDK tests: a spark_host_t that records what plugins report, and a builder
// for spark_config_t values (schema order, storage kept alive by the builder).
#pragma once
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include <spark/abi/spark_abi.h>

namespace spark::test {

/// A host that records every report. Not copyable: host_data points at the object.
class fake_host {
public:
    fake_host() {
        abi_.abi_version = spark_version_t SPARK_ABI_VERSION_INIT;
        abi_.host_data = this;
        abi_.report = &on_report;
        abi_.wants = &on_wants;
        abi_.get_service = &on_get_service;
    }
    fake_host(const fake_host&) = delete;
    fake_host& operator=(const fake_host&) = delete;

    [[nodiscard]] const spark_host_t* abi() const noexcept { return &abi_; }
    [[nodiscard]] const std::vector<std::pair<std::int32_t, std::string>>&
    messages() const noexcept {
        return messages_;
    }
    /// The text of the last SPARK_SEVERITY_ERROR report, "" when none.
    [[nodiscard]] std::string last_error() const {
        for (auto it = messages_.rbegin(); it != messages_.rend(); ++it) {
            if (it->first == SPARK_SEVERITY_ERROR) {
                return it->second;
            }
        }
        return {};
    }
    void clear() { messages_.clear(); }
    /// Severities below this are not wanted.
    std::int32_t min_severity = SPARK_SEVERITY_TRACE;

private:
    static fake_host& self(const spark_host_t* h) { return *static_cast<fake_host*>(h->host_data); }
    static void SPARK_ABI on_report(const spark_host_t* h,
                                    std::int32_t severity,
                                    const char* message) {
        self(h).messages_.emplace_back(severity, message);
    }
    static std::int32_t SPARK_ABI on_wants(const spark_host_t* h, std::int32_t severity) {
        return severity >= self(h).min_severity ? 1 : 0;
    }
    static const void* SPARK_ABI on_get_service(const spark_host_t* /*h*/, const char* /*id*/) {
        return nullptr;
    }

    spark_host_t abi_{};
    std::vector<std::pair<std::int32_t, std::string>> messages_;
};

/// Builds a spark_config_t value by value, in schema order.
class config_builder {
public:
    config_builder& b(bool v) {
        return add([&](spark_value_t& x) {
            x.type = SPARK_FIELD_BOOL;
            x.b = v;
        });
    }
    config_builder& i(std::int64_t v) {
        return add([&](spark_value_t& x) {
            x.type = SPARK_FIELD_INT;
            x.i = v;
        });
    }
    config_builder& f(double v) {
        return add([&](spark_value_t& x) {
            x.type = SPARK_FIELD_FLOAT;
            x.f = v;
        });
    }
    config_builder& s(std::string v) {
        strings_.push_back(std::move(v));
        return add([&](spark_value_t& x) {
            x.type = SPARK_FIELD_STRING;
            x.s = strings_.back().c_str();
        });
    }
    config_builder& ints(std::initializer_list<std::int64_t> v) {
        int_arrays_.emplace_back(v);
        return add([&](spark_value_t& x) {
            x.type = SPARK_FIELD_INT_ARRAY;
            x.count = static_cast<std::uint32_t>(int_arrays_.back().size());
            x.ints = int_arrays_.back().data();
        });
    }
    config_builder& floats(std::initializer_list<double> v) {
        float_arrays_.emplace_back(v);
        return add([&](spark_value_t& x) {
            x.type = SPARK_FIELD_FLOAT_ARRAY;
            x.count = static_cast<std::uint32_t>(float_arrays_.back().size());
            x.floats = float_arrays_.back().data();
        });
    }
    /// A CONFIG value holding `nested` (borrowed), or none when it is null.
    config_builder& nested(const spark_config_t* v) {
        return add([&](spark_value_t& x) {
            x.type = SPARK_FIELD_CONFIG;
            x.config = v;
        });
    }
    config_builder& dtype(std::int32_t v) {
        config_.dtype = v;
        return *this;
    }
    config_builder& dt(double v) {
        config_.dt = v;
        return *this;
    }
    config_builder& seed(std::uint64_t v) {
        config_.seed = v;
        return *this;
    }
    config_builder& class_ref(std::string v) {
        class_ref_ = std::move(v);
        return *this;
    }
    /// The config; valid as long as the builder and until the next change.
    [[nodiscard]] const spark_config_t& get() {
        config_.class_ref = class_ref_.c_str();
        config_.values = values_.empty() ? nullptr : values_.data();
        config_.count = static_cast<std::uint32_t>(values_.size());
        return config_;
    }

private:
    template <typename Fill>
    config_builder& add(Fill fill) {
        spark_value_t v{};
        fill(v);
        values_.push_back(v);
        return *this;
    }

    std::string class_ref_ = "test.type";
    std::vector<spark_value_t> values_;
    std::deque<std::string> strings_;
    std::deque<std::vector<std::int64_t>> int_arrays_;
    std::deque<std::vector<double>> float_arrays_;
    spark_config_t config_{nullptr, nullptr, 0, 42, SPARK_DTYPE_F32, 1.0};
};

/// A spec from a payload, a dtype and dims.
inline spark_port_spec_t
spec(std::int32_t payload, std::int32_t dtype, std::initializer_list<std::uint32_t> dims) {
    spark_port_spec_t s{};
    s.payload_kind = payload;
    s.dtype = dtype;
    s.shape.rank = static_cast<std::uint32_t>(dims.size());
    std::uint32_t i = 0;
    for (const auto d : dims) {
        s.shape.dims[i++] = d;
    }
    return s;
}

/// A host-owned buffer viewing `data` with `s` as its spec.
template <typename T>
spark_buffer_t buffer(std::vector<T>& data, const spark_port_spec_t& s) {
    spark_buffer_t b{};
    b.data = data.data();
    b.count = data.size();
    b.spec = s;
    return b;
}

} // namespace spark::test
