// Making text that someone else controls (a provider's answer, an app's output, a value read
// from the environment) safe to put in front of a human: on a terminal, in a Markdown summary,
// in a JUnit report, in the history. Each output applies these to every such string; redaction
// of secrets (base/secret.h) always runs first, on the raw text.
#pragma once

#include <string>
#include <string_view>

#include "rollgate/display.h"

namespace rollgate::internal {

// DisplayText and AnsiPaint are public (rollgate/display.h): the CLI and embedders paint with
// them too.
using ::rollgate::AnsiPaint;
using ::rollgate::DisplayText;

/// The entity that stands for `c` in HTML, XML and Markdown text ("&lt;", "&gt;", "&amp;"; with
/// `quotes`, also "&quot;" and "&apos;"), or nullptr when `c` stands for itself.
const char* MarkupEntity(char c, bool quotes = false);

/// DisplayText, then escaped for Markdown (CommonMark/GFM) running text and table cells: the
/// characters that start emphasis, code, links and images (`[` `]`), strikethrough or a table
/// column are backslash-escaped, `<`, `>` and `&` become entities (no raw HTML, no entity tricks),
/// and
/// "://" and "www." are broken up so GFM does not autolink a URL the text carries.
std::string MarkdownText(std::string_view text);

/// DisplayText as a Markdown code span: backticks inside become `'` so the text cannot close
/// the span early; `|` is escaped when `in_table` (GFM unescapes it inside a table cell).
std::string MarkdownCode(std::string_view text, bool in_table = false);

/// `text` padded with spaces to `width` bytes for a table column; one space after it when it
/// is that wide or wider, so columns never run together.
std::string PadRight(std::string_view text, std::size_t width);

}  // namespace rollgate::internal
