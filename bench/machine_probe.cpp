// SPDX-License-Identifier: Apache-2.0
// machine_probe: what this machine can do at best, for bench/run.sh's hardware bound of each
// network: (1) streaming-read bandwidth over 256 MB (1 and 2 threads, best of 5 passes), (2) the
// rate of the cheapest neuron update (v = a v + b I, a threshold test) over an L1-resident array,
// (3) the rate of synaptic events as a cache-resident scatter-add (I[post[k]] += w[k]), (2) and
// (3) also on 2 threads at once, each on its own arrays: how far this machine's second core
// multiplies work that is not memory-bound (on a virtual machine, less than 2). Prints one JSON
// object.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

// The compiler must not drop a result: every loop's result is stored here.
volatile float sink = 0.0F;

/// Sums floats [begin, end) of `data`: a pure streaming read (vectorised by the compiler).
float sum(const std::vector<float>& data, std::size_t begin, std::size_t end) {
    float a = 0.0F;
    float b = 0.0F;
    float c = 0.0F;
    float d = 0.0F;
    for (std::size_t i = begin; i + 4 <= end; i += 4) {
        a += data[i];
        b += data[i + 1];
        c += data[i + 2];
        d += data[i + 3];
    }
    return a + b + c + d;
}

/// Best read bandwidth [bytes/s] over `passes` passes of `data`, split across `threads`.
double read_bandwidth(const std::vector<float>& data, unsigned threads, int passes) {
    double best = 0.0;
    for (int p = 0; p < passes; ++p) {
        std::vector<float> partial(threads, 0.0F);
        const auto start = clock_type::now();
        std::vector<std::thread> pool;
        const std::size_t chunk = data.size() / threads;
        for (unsigned t = 0; t < threads; ++t) {
            pool.emplace_back([&, t] { partial[t] = sum(data, t * chunk, (t + 1) * chunk); });
        }
        for (auto& th : pool) {
            th.join();
        }
        const double s = seconds_since(start);
        for (const float x : partial) {
            sink = sink + x;
        }
        best = std::max(best, static_cast<double>(data.size() * sizeof(float)) / s);
    }
    return best;
}

/// Neuron updates per second: the leaky update on 4,096 neurons (L1), repeated.
double neuron_update_rate() {
    constexpr std::size_t n = 4096;
    std::vector<float> v(n, 0.0F);
    std::vector<float> current(n, 1.0F);
    std::vector<std::uint8_t> spikes(n, 0);
    const float decay = 0.995F;
    const float drive = 0.0005F;
    const int repeats = 20000;
    const auto start = clock_type::now();
    for (int r = 0; r < repeats; ++r) {
        for (std::size_t i = 0; i < n; ++i) {
            float next = decay * v[i] + drive * current[i];
            const bool fired = next > 20.0F;
            v[i] = fired ? 0.0F : next;
            spikes[i] = fired ? 1 : 0;
        }
    }
    const double s = seconds_since(start);
    sink = sink + v[n / 2] + static_cast<float>(spikes[n / 3]);
    return static_cast<double>(n) * repeats / s;
}

/// Synaptic events per second: scatter-adds of 4-byte weights into 4,096 currents via 4-byte
/// indices, every array cache-resident (a row of 64k events, repeated).
double event_rate() {
    constexpr std::size_t n_post = 4096;
    constexpr std::size_t n_events = 65536;
    std::vector<float> current(n_post, 0.0F);
    std::vector<float> weight(n_events);
    std::vector<std::uint32_t> post(n_events);
    std::uint32_t x = 12345U;
    for (std::size_t k = 0; k < n_events; ++k) {
        x = x * 1664525U + 1013904223U; // LCG: scattered targets
        post[k] = x % n_post;
        weight[k] = static_cast<float>(k % 7) * 0.1F;
    }
    const int repeats = 2000;
    const auto start = clock_type::now();
    for (int r = 0; r < repeats; ++r) {
        for (std::size_t k = 0; k < n_events; ++k) {
            current[post[k]] += weight[k];
        }
    }
    const double s = seconds_since(start);
    sink = sink + current[n_post / 2];
    return static_cast<double>(n_events) * repeats / s;
}

/// rate() run on `threads` threads at once: their summed rate.
template <typename Rate>
double on_threads(unsigned threads, Rate rate) {
    std::vector<double> rates(threads, 0.0);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] { rates[t] = rate(); });
    }
    for (auto& th : pool) {
        th.join();
    }
    double total = 0.0;
    for (const double r : rates) {
        total += r;
    }
    return total;
}

} // namespace

int main() {
    const std::size_t bytes = std::size_t{256} << 20U;
    std::vector<float> data(bytes / sizeof(float));
    for (std::size_t i = 0; i < data.size(); ++i) {
        data[i] = static_cast<float>(i & 1023U);
    }
    const double bw1 = read_bandwidth(data, 1, 5);
    const double bw2 = read_bandwidth(data, 2, 5);
    const double updates = neuron_update_rate();
    const double events = event_rate();
    const double updates2 = on_threads(2, neuron_update_rate);
    const double events2 = on_threads(2, event_rate);
    std::printf(
        "{\"tool\": \"machine_probe\", \"read_bytes\": %zu, \"read_bw_1_thread_Bps\": %.6g, "
        "\"read_bw_2_threads_Bps\": %.6g, \"neuron_updates_per_s\": %.6g, "
        "\"events_per_s\": %.6g, \"neuron_updates_2_threads_per_s\": %.6g, "
        "\"events_2_threads_per_s\": %.6g}\n",
        bytes,
        bw1,
        bw2,
        updates,
        events,
        updates2,
        events2);
    return 0;
}
