// SPDX-License-Identifier: Apache-2.0
// `spark raster FILE.npy`: a spike raster (time on x, neuron on y) as a standalone SVG file that
// any browser shows. Spikes are binned into the picture's pixels, so the file stays small (at most
// one mark per pixel) however long the recording is.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <numeric>
#include <sstream>
#include <system_error>

#include <spark/registry/errors.hpp>

#include "commands.hpp"
#include "config/scfg_file.hpp"
#include "npy.hpp"
#include "text.hpp"

namespace spark::cli {
namespace {

std::string num(double value) {
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%.2f", value);
    std::string s = text.data();
    // "12.50" -> "12.5", "3.00" -> "3": shorter files, same picture.
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') {
        s.pop_back();
    }
    return s;
}

/// A round tick spacing (1, 2 or 5 times a power of ten) giving about five ticks over `range`.
double tick_step(double range) {
    if (range <= 0) {
        return 1;
    }
    const double raw = range / 5;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * power >= raw) {
            return m * power;
        }
    }
    return 10 * power;
}

std::string escape(const std::string& text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '&':
            out += "&amp;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace

int raster(const std::filesystem::path& npy_file,
           const std::filesystem::path& svg_file,
           double dt,
           const step_window& window) {
    // The picture never replaces the recording it is drawn from, however the path is spelled
    // (another folder's "..", a symbolic link, a hard link).
    std::error_code error;
    if (std::filesystem::equivalent(npy_file, svg_file, error) && !error) {
        std::cerr << "spark: --out " << svg_file.string() << " is the recording "
                  << npy_file.string()
                  << " itself; write the raster to another file (e.g. one ending in .svg)\n";
        return exit_usage;
    }
    const npy_array array = read_npy(npy_file);
    if (array.shape.empty()) {
        throw spark::error(npy_file.string() +
                           ": a raster needs shape (steps, neurons...), got a scalar");
    }
    if (!(dt > 0)) {
        throw spark::error("--dt must be > 0, got " + runtime::detail::format_number(dt));
    }
    const std::uint64_t recorded = array.shape[0];
    const std::uint64_t first = window.first;
    const std::uint64_t last = std::min(window.last.value_or(recorded), recorded);
    if (first >= last) {
        throw spark::error("--window " + std::to_string(first) + ":" +
                           (window.last ? std::to_string(*window.last) : std::string()) +
                           " holds no step of " + npy_file.string() + ", which has " +
                           std::to_string(recorded) + " steps (0 to " +
                           std::to_string(recorded == 0 ? 0 : recorded - 1) + ")");
    }
    const std::uint64_t steps = last - first;
    // Neurons of a population of shape (4, 128) are drawn in row-major order, 512 rows.
    const std::uint64_t neurons = std::accumulate(
        array.shape.begin() + 1, array.shape.end(), std::uint64_t{1}, std::multiplies<>());
    const double plot_w = 1000;
    const double plot_h = static_cast<double>(std::clamp<std::uint64_t>(neurons * 4, 200, 600));
    const double left = 70;
    const double top = 40;
    const double bottom = 50;
    const double right = 20;
    const std::uint64_t cols = std::max<std::uint64_t>(1, std::min<std::uint64_t>(steps, 1000));
    const std::uint64_t rows = std::max<std::uint64_t>(
        1, std::min<std::uint64_t>(neurons, static_cast<std::uint64_t>(plot_h)));
    const double cw = plot_w / static_cast<double>(cols);
    const double ch = plot_h / static_cast<double>(rows);

    std::vector<std::uint8_t> occupied(static_cast<std::size_t>(cols * rows), 0);
    std::uint64_t spikes = 0;
    const bool bytes = array.type == npy_type::u8 || array.type == npy_type::b1;
    for (std::uint64_t t = 0; t < steps; ++t) {
        for (std::uint64_t n = 0; n < neurons; ++n) {
            const std::uint64_t i = (first + t) * neurons + n;
            // Spikes are bit0 of a byte (the inhibition bit is not a spike); other types: non-zero.
            const bool spike =
                bytes ? (static_cast<unsigned char>(array.data[i]) & 1U) != 0 : array.at(i) != 0.0;
            if (spike) {
                ++spikes;
                occupied[static_cast<std::size_t>((n * rows / neurons) * cols + t * cols / steps)] =
                    1;
            }
        }
    }

    std::ostringstream svg;
    const double width = left + plot_w + right;
    const double height = top + plot_h + bottom;
    svg << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(width) << "\" height=\""
        << num(height) << "\" viewBox=\"0 0 " << num(width) << ' ' << num(height)
        << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
        << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        << "<text x=\"" << num(left) << "\" y=\"24\" font-size=\"14\">"
        << escape(npy_file.filename().string()) << ": " << neurons << " neurons, " << steps
        << " steps" << (steps == recorded ? "" : " (from step " + std::to_string(first) + ")")
        << ", " << spikes << " spikes</text>\n";
    // The spikes: one mark per occupied pixel cell, all in one path.
    svg << "<path fill=\"black\" d=\"";
    for (std::uint64_t r = 0; r < rows; ++r) {
        for (std::uint64_t c = 0; c < cols; ++c) {
            if (occupied[static_cast<std::size_t>(r * cols + c)] != 0) {
                const double x = left + static_cast<double>(c) * cw;
                // Neuron 0 at the bottom.
                const double y = top + plot_h - static_cast<double>(r + 1) * ch;
                svg << 'M' << num(x) << ' ' << num(y) << 'h' << num(std::max(cw, 1.0)) << 'v'
                    << num(std::max(ch, 1.0)) << 'h' << num(-std::max(cw, 1.0)) << 'z';
            }
        }
    }
    svg << "\"/>\n";
    // Axes, ticks and labels.
    svg << "<rect x=\"" << num(left) << "\" y=\"" << num(top) << "\" width=\"" << num(plot_w)
        << "\" height=\"" << num(plot_h) << "\" fill=\"none\" stroke=\"black\"/>\n";
    // Time axis in ms from the window's first step; ticks at round times.
    const double start = static_cast<double>(first) * dt;
    const double duration = static_cast<double>(steps) * dt;
    const double x_step = tick_step(duration);
    for (double v = std::ceil(start / x_step - 1e-9) * x_step; v <= start + duration + 1e-9;
         v += x_step) {
        const double x = left + (duration > 0 ? (v - start) / duration : 0) * plot_w;
        svg << "<line x1=\"" << num(x) << "\" y1=\"" << num(top + plot_h) << "\" x2=\"" << num(x)
            << "\" y2=\"" << num(top + plot_h + 5) << "\" stroke=\"black\"/>"
            << "<text x=\"" << num(x) << "\" y=\"" << num(top + plot_h + 18)
            << "\" text-anchor=\"middle\">" << runtime::detail::format_number(v) << "</text>\n";
    }
    const double y_step = tick_step(static_cast<double>(neurons));
    for (double v = 0; v <= static_cast<double>(neurons) + 1e-9; v += y_step) {
        const double y = top + plot_h - v / static_cast<double>(neurons) * plot_h;
        svg << "<line x1=\"" << num(left - 5) << "\" y1=\"" << num(y) << "\" x2=\"" << num(left)
            << "\" y2=\"" << num(y) << "\" stroke=\"black\"/>"
            << "<text x=\"" << num(left - 8) << "\" y=\"" << num(y + 4) << "\" text-anchor=\"end\">"
            << runtime::detail::format_number(v) << "</text>\n";
    }
    svg << "<text x=\"" << num(left + plot_w / 2) << "\" y=\"" << num(height - 10)
        << "\" text-anchor=\"middle\">time [ms]</text>\n"
        << "<text transform=\"translate(18 " << num(top + plot_h / 2)
        << ") rotate(-90)\" text-anchor=\"middle\">neuron</text>\n"
        << "</svg>\n";

    // Atomically: a failed write leaves no half picture, and "wrote" comes only once it is whole.
    runtime::detail::write_file_atomically(svg_file, svg.str());
    std::cout << "wrote " << svg_file.string() << " (" << neurons << " neurons, " << steps
              << " steps" << (steps == recorded ? "" : " from step " + std::to_string(first))
              << ", " << spikes << " spikes)\n";
    return exit_ok;
}

} // namespace spark::cli
