// A byte scanner over JSON text that sees its brackets and skips its strings. Written by hand
// because it runs before (or instead of) a parser: contract/json_util.cc refuses a depth bomb
// before nlohmann builds any tree, and the mock finds the object an answer embeds in prose.
#pragma once

#include <cstddef>
#include <string_view>

namespace rollgate::internal {

/// Walks `text` from `from` and calls `on_bracket(c, pos)` for every '{', '[', '}' and ']'
/// outside a JSON string (a backslash inside a string escapes the next byte). Stops at the
/// first call that returns false and returns that position; npos when the text ran out first.
template <typename OnBracket>
std::size_t ScanJsonBrackets(std::string_view text, std::size_t from, OnBracket&& on_bracket) {
  bool in_string = false;
  for (std::size_t i = from; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[' || c == '}' || c == ']') {
      if (!on_bracket(c, i)) return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace rollgate::internal
