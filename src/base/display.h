// Making text that someone else controls (a provider's answer, an app's output, a value read
// from the environment) safe to put in front of a human: on a terminal, in a Markdown summary,
// in a JUnit report, in the history. Each output applies these to every such string; redaction
// of secrets (base/secret.h) always runs first, on the raw text.
#pragma once

#include <string>
#include <string_view>

namespace rollgate::internal {

/// One line of plain, printable UTF-8. Tab, CR, LF and the Unicode line and paragraph
/// separators become a space; every other C0 control, DEL, every C1 control (U+0080-U+009F),
/// the bidirectional and zero-width format characters (U+200B-U+200F, U+202A-U+202E,
/// U+2066-U+2069, U+061C, U+FEFF) are dropped; each byte of invalid UTF-8 becomes U+FFFD. So
/// an answer cannot move the cursor, recolour, retitle or clear a terminal, ring its bell,
/// overwrite the line (a bare CR) or reorder what a reader sees. Printable non-ASCII stays.
/// Idempotent.
std::string DisplayText(std::string_view text);

/// DisplayText, then escaped for Markdown (CommonMark/GFM) running text and table cells: the
/// characters that start emphasis, code, links and images (`[` `]`), strikethrough or a table
/// column are backslash-escaped, `<`, `>` and `&` become entities (no raw HTML, no entity tricks),
/// and
/// "://" and "www." are broken up so GFM does not autolink a URL the text carries.
std::string MarkdownText(std::string_view text);

/// DisplayText as a Markdown code span: backticks inside become `'` so the text cannot close
/// the span early; `|` is escaped when `in_table` (GFM unescapes it inside a table cell).
std::string MarkdownCode(std::string_view text, bool in_table = false);

/// `text` in the ANSI SGR style `code` ("32" green, "1;31" bold red) with a reset after it when
/// `color`; `text` unchanged otherwise. The caller decides `color` (cli's UseColor: a terminal
/// and no NO_COLOR) and makes `text` safe first (DisplayText).
std::string AnsiPaint(bool color, std::string_view code, std::string_view text);

/// `text` padded with spaces to `width` bytes for a table column; one space after it when it
/// is that wide or wider, so columns never run together.
std::string PadRight(std::string_view text, std::size_t width);

}  // namespace rollgate::internal
