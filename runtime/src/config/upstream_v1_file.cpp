// SPDX-License-Identifier: Apache-2.0
#include "config/upstream_v1_file.hpp"

#include <string>

#include <spark/runtime/errors.hpp>

#include "config/exact_json.hpp"
#include "config/scfg_file.hpp"
#include "config/scfg_schema.hpp"
#include "config/upstream_v1_read.hpp"
#include "config/upstream_v1_write.hpp"

namespace spark::runtime::upstream_v1 {

controller_config read_controller_file(const std::filesystem::path& file,
                                       config_mode mode,
                                       const file_limits& limits) {
    const std::string source = file.string();
    const auto document =
        detail::parse_json_exact(detail::read_scfg_text(file, limits), source, limits, mode);
    if (detail::recognise_schema(document, source) != detail::scfg_schema::upstream_1_0) {
        throw config_error({{source,
                             "follows af523a5's schema, not upstream 1.0's; read it with "
                             "brain_config::from_file (a brain) or module_config::from_file (a "
                             "module config)"}});
    }
    return read_controller(document, mode);
}

void write_controller_file(const std::filesystem::path& file,
                           const controller_config& config,
                           file_compression compression) {
    detail::write_scfg_text(file, to_text(config), compression);
}

} // namespace spark::runtime::upstream_v1
