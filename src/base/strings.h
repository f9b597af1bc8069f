// Small string helpers shared by every layer. No I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rollgate/display.h"

namespace rollgate::internal {

// Public (rollgate/display.h), for the CLI and embedders.
using ::rollgate::FormatDurationMs;
using ::rollgate::SanitizeForDisplay;

/// SanitizeForDisplay's escaping, but a longer input keeps its first and its last
/// `max_bytes`/2 with "…(N bytes)…" between: for a failed command's stderr, whose cause may be
/// its first line (a tool's error) or its last (a wrapper's summary, a traceback's end).
std::string SanitizeEndsForDisplay(std::string_view bytes, std::size_t max_bytes);

std::string_view TrimView(std::string_view s);
std::string Trim(std::string_view s);
/// Removes trailing "\n" / "\r\n" only (the `{file:}` source rule), not other whitespace.
std::string TrimTrailingNewlines(std::string_view s);
std::string ToLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle);
std::vector<std::string> Split(std::string_view s, char sep);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);

/// True when `s` is valid UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);
/// The offset of the first byte that breaks UTF-8 in `s` (where the bad sequence starts), or
/// std::string_view::npos when `s` is valid.
std::size_t InvalidUtf8Offset(std::string_view s);
/// `s` with each byte that breaks UTF-8 replaced by U+FFFD.
std::string ToValidUtf8(std::string_view s);

/// Decodes the UTF-8 sequence at s[i] (REQUIRES: i < s.size()) into *code_point and returns
/// its length in bytes; 0 when the bytes there are not valid UTF-8 (by IsValidUtf8's rules).
std::size_t DecodeUtf8(std::string_view s, std::size_t i, uint32_t* code_point);

/// The number of UTF-8 code points in `text`, counted as the bytes that are not continuation
/// bytes (10xxxxxx); invalid sequences are not checked.
std::size_t CountCodePoints(std::string_view text);

/// The longest prefix of `text` with at most `code_points` UTF-8 code points (never ends inside
/// a sequence).
std::string_view PrefixCodePoints(std::string_view text, std::size_t code_points);

/// Levenshtein distance, for "did you mean" suggestions on short keys.
std::size_t EditDistance(std::string_view a, std::string_view b);

/// The candidate closest to `word` when it is close enough to be a likely typo, else "".
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

/// "1 retry", "2 retries"; a tiny helper so details read naturally.
std::string Plural(long n, std::string_view one, std::string_view many);

/// Parses "500ms", "30s", "10m", "2h", "1d" (or a bare number of seconds) into milliseconds;
/// -1 when it is not a duration.
int64_t ParseDurationMs(std::string_view text);

}  // namespace rollgate::internal
