// Text for people, written the way rollgate's own outputs write it: for the console of the CLI
// or of a program that embeds the library. Text someone else controls (a provider's answer, an
// app's output) goes through DisplayText or SanitizeForDisplay before it reaches a terminal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rollgate {

/// One line of plain, printable UTF-8. Tab, CR, LF and the Unicode line and paragraph
/// separators become a space; every other C0 control, DEL, every C1 control (U+0080-U+009F),
/// the bidirectional and zero-width format characters (U+200B-U+200F, U+202A-U+202E,
/// U+2066-U+2069, U+061C, U+FEFF) are dropped; each byte of invalid UTF-8 becomes U+FFFD. So
/// an answer cannot move the cursor, recolour, retitle or clear a terminal, ring its bell,
/// overwrite the line (a bare CR) or reorder what a reader sees. Printable non-ASCII stays.
/// Idempotent.
std::string DisplayText(std::string_view text);

/// Makes untrusted bytes (a provider's body, a command's stderr) safe to show on one line:
/// printable ASCII is kept, \n \r \t and other bytes become escapes, and the result is cut at
/// `max_bytes` of input with a trailing "…(N more bytes)".
std::string SanitizeForDisplay(std::string_view bytes, std::size_t max_bytes = 120);

/// `text` in the ANSI SGR style `code` ("32" green, "1;31" bold red) with a reset after it when
/// `color`; `text` unchanged otherwise. The caller decides `color` (the CLI: a terminal and no
/// NO_COLOR) and makes `text` safe first (DisplayText).
std::string AnsiPaint(bool color, std::string_view code, std::string_view text);

/// "2026-11-25T10:03:07.123Z" for milliseconds since the Unix epoch.
std::string FormatIsoUtc(int64_t unix_ms);

/// Milliseconds for humans: "850 ms", "1.2 s", "20 s".
std::string FormatDurationMs(double ms);

}  // namespace rollgate
