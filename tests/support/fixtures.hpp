// SPDX-License-Identifier: Apache-2.0
// Plain-struct fixtures shared by the test areas: a registry that searches nothing by default, a
// scratch folder removed afterwards, an environment variable restored afterwards, and a working
// directory restored afterwards.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <system_error>

#include <spark/registry/plugin_registry.hpp>

namespace spark::test {

/// Search options that look nowhere: not the environment, not the install folder.
inline spark::registry::search_options isolated_search() {
    spark::registry::search_options options;
    options.use_environment = false;
    options.use_install_dir = false;
    return options;
}

/// A fresh, empty registry that loads only what a test asks for.
struct registry_fixture {
    spark::registry::plugin_registry registry{isolated_search()};
};

/// A new empty folder under the system temp folder, removed with everything in it afterwards.
class scratch_dir {
public:
    scratch_dir() {
        std::random_device random;
        const auto base = std::filesystem::temp_directory_path();
        for (int attempt = 0; attempt < 100; ++attempt) {
            auto candidate = base / ("spark-test-" + std::to_string(random()));
            if (std::filesystem::create_directory(candidate)) {
                path_ = std::move(candidate);
                return;
            }
        }
        throw std::runtime_error("cannot create a scratch folder under " + base.string());
    }
    ~scratch_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    scratch_dir(const scratch_dir&) = delete;
    scratch_dir& operator=(const scratch_dir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    [[nodiscard]] std::filesystem::path operator/(const std::filesystem::path& name) const {
        return path_ / name;
    }

private:
    std::filesystem::path path_;
};

/// Sets (or unsets, with nullopt) an environment variable, and restores the old value afterwards.
class scoped_env {
public:
    scoped_env(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
        if (const char* old = std::getenv(name_.c_str()); old != nullptr) {
            old_ = old;
        }
        apply(value);
    }
    ~scoped_env() { apply(old_); }
    scoped_env(const scoped_env&) = delete;
    scoped_env& operator=(const scoped_env&) = delete;

private:
    void apply(const std::optional<std::string>& value) const {
        if (value) {
            ::setenv(name_.c_str(), value->c_str(), 1);
        } else {
            ::unsetenv(name_.c_str());
        }
    }
    std::string name_;
    std::optional<std::string> old_;
};

/// Changes the working directory, and changes it back afterwards.
class scoped_cwd {
public:
    explicit scoped_cwd(const std::filesystem::path& to) : old_(std::filesystem::current_path()) {
        std::filesystem::current_path(to);
    }
    ~scoped_cwd() {
        std::error_code ignored;
        std::filesystem::current_path(old_, ignored);
    }
    scoped_cwd(const scoped_cwd&) = delete;
    scoped_cwd& operator=(const scoped_cwd&) = delete;

private:
    std::filesystem::path old_;
};

/// A file's bytes ("" when it cannot be read).
inline std::string read_text_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Writes `text` to `file`, replacing it.
inline void write_text_file(const std::filesystem::path& file, const std::string& text) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

} // namespace spark::test
