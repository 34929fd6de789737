// SPDX-License-Identifier: Apache-2.0
// Names that come from a brain file (modules, ports, outputs) turned into file names that stay
// inside the folder the user chose, and into text that is safe to print on a terminal.
#pragma once
#include <string>
#include <string_view>

namespace spark::cli {

/// The file name (no folder) under which the recording `label` is written: every byte outside
/// [A-Za-z0-9._-] becomes '_', a leading '.' becomes '_' (so never ".", ".." or a hidden file),
/// and the result is cut so that name + `extension` fits the 255 bytes a file name may have.
/// A '/', "..", NUL, control byte or absolute path in `label` can therefore never name a file
/// outside the output folder. Two labels may map to one name; the caller refuses that.
[[nodiscard]] std::string safe_file_name(std::string_view label, std::string_view extension);

/// `name` as printable ASCII: a control byte, DEL or a byte >= 0x80 is written as \xNN and a
/// backslash as \\, so a name cannot move the cursor, clear the screen or fake another line.
[[nodiscard]] std::string printable(std::string_view name);

/// A message for the terminal: as printable(), except that its own line breaks stay (a message
/// may list several problems, one per line) and UTF-8 text is kept. Names inside it were escaped
/// where they were quoted; this keeps a stray escape sequence from acting on the terminal.
[[nodiscard]] std::string printable_message(std::string_view message);

} // namespace spark::cli
