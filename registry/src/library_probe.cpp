// SPDX-License-Identifier: Apache-2.0
// The probe processes: fork, load with the real loader in the child, report back through a pipe.
// The child reports success only by writing its result and then the final marker line, so a
// plugin that calls exit(0) while loading is seen as the failure it is.
#include "library_probe.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <poll.h>
#include <string_view>
#include <unistd.h>

#include <spark/registry/errors.hpp>

#include "library_loader.hpp"
#include "plugin_manifest_of.hpp"

#include <sys/wait.h>

namespace spark::registry::detail {
namespace {

// The child's report, one line each: "stage <name>" before each stage whose code is the
// plugin's, then "manifest <json>" or "refused <message>", then the marker.
constexpr std::string_view stage_line = "stage ";
constexpr std::string_view manifest_line = "manifest ";
constexpr std::string_view refused_line = "refused ";
constexpr std::string_view end_marker = "spark-probe-end";

const char* stage_name(load_stage stage) {
    switch (stage) {
    case load_stage::dlopen:
        return "dlopen";
    case load_stage::init:
        return "init";
    case load_stage::types:
        return "types";
    }
    return "?";
}

/// Where the child was, for a message: "in a static constructor (dlopen)".
std::string where_it_was(const std::string& stage) {
    if (stage == "dlopen") {
        return "in a static constructor (dlopen)";
    }
    if (stage == "init") {
        return "in its plugin entry's init";
    }
    if (stage == "types") {
        return "in its plugin entry's types()";
    }
    if (stage == "deinit") {
        return "in its plugin entry's deinit or a static destructor (dlclose)";
    }
    return "before any of its code ran";
}

// write() until done: the pipe may take less than asked. Async-signal-safe, no allocation.
void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::string one_line(std::string text) {
    std::replace(text.begin(), text.end(), '\n', '\x1e'); // undone by the parent
    return text;
}

[[noreturn]] void run_child(const std::filesystem::path& file, int fd) {
    // The host's signal handlers (a test framework's, a crash reporter's) would turn the
    // plugin's crash into something else: in the child a signal does what it does by default,
    // so the parent sees which one it was.
    for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
        if (signal_number != SIGKILL && signal_number != SIGSTOP) {
            ::signal(signal_number, SIG_DFL);
        }
    }
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // A plugin that prints while loading would print twice (here and in the host): the child's
    // standard output goes nowhere. Its standard error stays, for what a dying plugin says.
    if (const int null = ::open("/dev/null", O_WRONLY); null >= 0) {
        ::dup2(null, STDOUT_FILENO);
        ::close(null);
    }
    const auto say = [fd](const std::string& line) { write_all(fd, line + "\n"); };
    try {
        std::string offered;
        {
            const auto plugin = open_plugin(
                file, [&](load_stage stage) { say(std::string(stage_line) + stage_name(stage)); });
            offered = manifest_json(manifest_of(file, *plugin->entry, plugin->types));
            say(std::string(stage_line) + "deinit");
        } // the plugin's deinit, then dlclose
        say(std::string(manifest_line) + offered);
    } catch (const std::exception& e) {
        say(std::string(refused_line) + one_line(e.what()));
    } catch (...) {
        say(std::string(refused_line) + "an unknown exception left the loader");
    }
    say(std::string(end_marker));
    ::_exit(0); // no atexit handlers, no flushing of buffers inherited from the host
}

struct child {
    pid_t pid = -1;
    int fd = -1; // read end, -1 once at end of file
    std::string report;
    bool timed_out = false;
    int status = 0;
};

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        if (end == std::string_view::npos) {
            break; // a line without its newline was cut off by the crash
        }
        lines.push_back(text.substr(0, end));
        text.remove_prefix(end + 1);
    }
    return lines;
}

std::string seconds_text(std::chrono::milliseconds timeout) {
    char text[32];
    std::snprintf(text, sizeof text, "%g s", static_cast<double>(timeout.count()) / 1000.0);
    return text;
}

probe_verdict
verdict_of(const child& c, const std::filesystem::path& file, std::chrono::milliseconds timeout) {
    probe_verdict verdict;
    std::string stage;
    bool ended = false;
    for (const auto line : lines_of(c.report)) {
        if (line.substr(0, stage_line.size()) == stage_line) {
            stage = std::string(line.substr(stage_line.size()));
        } else if (line.substr(0, manifest_line.size()) == manifest_line) {
            verdict.offered = parse_manifest(std::string(line.substr(manifest_line.size())), file);
        } else if (line.substr(0, refused_line.size()) == refused_line) {
            verdict.refusal = std::string(line.substr(refused_line.size()));
            std::replace(verdict.refusal.begin(), verdict.refusal.end(), '\x1e', '\n');
        } else if (line == end_marker) {
            ended = true;
        }
    }
    const bool exited_cleanly = !c.timed_out && WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0;
    if (ended && exited_cleanly) {
        verdict.survived = true;
        return verdict;
    }
    verdict.offered.reset();
    const auto where = where_it_was(stage);
    if (c.timed_out) {
        verdict.failure = "did not finish loading within " + seconds_text(timeout) + ": it hangs " +
                          where + " (the probe process was killed)";
    } else if (WIFSIGNALED(c.status)) {
        verdict.failure =
            "was killed by signal " + signal_description(WTERMSIG(c.status)) + " " + where;
    } else if (WIFEXITED(c.status)) {
        verdict.failure = "ended the process with exit status " +
                          std::to_string(WEXITSTATUS(c.status)) + " " + where +
                          ", before it finished loading";
    } else {
        verdict.failure = "stopped its probe process " + where;
    }
    return verdict;
}

void read_available(child& c) {
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(c.fd, buffer, sizeof buffer);
        if (n > 0) {
            c.report.append(buffer, static_cast<std::size_t>(n));
            if (static_cast<std::size_t>(n) < sizeof buffer) {
                return;
            }
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            return;
        }
        ::close(c.fd); // end of file, or an error: nothing more will come
        c.fd = -1;
        return;
    }
}

} // namespace

std::string signal_description(int signal_number) {
    const char* abbreviation = ::sigabbrev_np(signal_number);
    const char* text = ::strsignal(signal_number);
    std::string out = abbreviation != nullptr ? "SIG" + std::string(abbreviation)
                                              : "number " + std::to_string(signal_number);
    if (text != nullptr) {
        out += " (" + std::string(text) + ")";
    }
    return out;
}

std::vector<probe_verdict> probe_libraries(const std::vector<std::filesystem::path>& files,
                                           std::chrono::milliseconds timeout) {
    // A plugin calling exit() in a child flushes the stdio buffers the child inherited: empty
    // them first so that nothing the host wrote appears twice.
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    std::vector<child> children(files.size());
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const auto give_up = [&children](const std::string& why) {
        const int error_number = errno; // before kill and waitpid change it
        for (auto& c : children) {
            if (c.pid > 0) {
                ::kill(c.pid, SIGKILL);
                while (::waitpid(c.pid, &c.status, 0) < 0 && errno == EINTR) {
                }
                ::close(c.fd);
            }
        }
        throw spark::error("no probe process can be started: " + why + " (" +
                           std::strerror(error_number) + ")");
    };
    for (std::size_t i = 0; i < files.size(); ++i) {
        int ends[2];
        if (::pipe2(ends, O_CLOEXEC) != 0) {
            give_up("pipe2 failed");
        }
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::close(ends[0]);
            run_child(files[i], ends[1]);
        }
        ::close(ends[1]);
        if (pid < 0) {
            ::close(ends[0]);
            give_up("fork failed");
        }
        ::fcntl(ends[0], F_SETFL, O_NONBLOCK);
        children[i].pid = pid;
        children[i].fd = ends[0];
    }
    for (;;) {
        std::vector<pollfd> open;
        std::vector<child*> owners;
        for (auto& c : children) {
            if (c.fd >= 0) {
                open.push_back({c.fd, POLLIN, 0});
                owners.push_back(&c);
            }
        }
        if (open.empty()) {
            break;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            break;
        }
        const int ready = ::poll(open.data(), open.size(), static_cast<int>(left.count()) + 1);
        if (ready < 0 && errno != EINTR) {
            break;
        }
        for (std::size_t k = 0; ready > 0 && k < open.size(); ++k) {
            if (open[k].revents != 0) {
                read_available(*owners[k]);
            }
        }
    }
    // A child that closed its pipe has ended or is about to; one still running at the deadline
    // hangs (or kept the pipe open by other means) and is killed.
    for (auto& c : children) {
        for (;;) {
            const pid_t done = ::waitpid(c.pid, &c.status, WNOHANG);
            if (done == c.pid || (done < 0 && errno != EINTR)) {
                break;
            }
            if (done == 0 && std::chrono::steady_clock::now() >= deadline) {
                c.timed_out = true;
                ::kill(c.pid, SIGKILL);
                while (::waitpid(c.pid, &c.status, 0) < 0 && errno == EINTR) {
                }
                break;
            }
            if (done == 0) {
                ::usleep(1000);
            }
        }
        if (c.fd >= 0) {
            ::close(c.fd);
            c.fd = -1;
        }
    }
    std::vector<probe_verdict> verdicts;
    for (std::size_t i = 0; i < files.size(); ++i) {
        verdicts.push_back(verdict_of(children[i], files[i], timeout));
    }
    return verdicts;
}

} // namespace spark::registry::detail
