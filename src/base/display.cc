#include "base/display.h"

#include <cstdint>

#include "base/strings.h"

namespace rollgate::internal {

namespace {

enum class Class { kKeep, kSpace, kDrop };

Class Classify(uint32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029) return Class::kSpace;
  if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return Class::kDrop;
  // Zero-width and bidirectional formatting: invisible, yet they reorder or hide what follows
  // ("Trojan Source"), so a reader would not see the text that is there.
  if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
      (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061C || cp == 0xFEFF) {
    return Class::kDrop;
  }
  return Class::kKeep;
}

}  // namespace

}  // namespace rollgate::internal

namespace rollgate {

std::string DisplayText(std::string_view text) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    uint32_t cp = 0;
    std::size_t len = internal::DecodeUtf8(text, i, &cp);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    switch (internal::Classify(cp)) {
      case internal::Class::kKeep:
        out.append(text.substr(i, len));
        break;
      case internal::Class::kSpace:
        out += ' ';
        break;
      case internal::Class::kDrop:
        break;
    }
    i += len;
  }
  return out;
}

}  // namespace rollgate

namespace rollgate::internal {

const char* MarkupEntity(char c, bool quotes) {
  switch (c) {
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '&':
      return "&amp;";
    case '"':
      return quotes ? "&quot;" : nullptr;
    case '\'':
      return quotes ? "&apos;" : nullptr;
    default:
      return nullptr;
  }
}

std::string MarkdownText(std::string_view text) {
  std::string clean = DisplayText(text);
  std::string out;
  out.reserve(clean.size() + clean.size() / 8);
  for (std::size_t i = 0; i < clean.size(); ++i) {
    char c = clean[i];
    if (const char* entity = MarkupEntity(c)) {
      out += entity;
      continue;
    }
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '|':
      case '~':
        out += '\\';
        out += c;
        break;
      case ':':
        // "https://x" and "www.x" are links in GFM even without brackets; an escaped slash or
        // dot renders the same but no longer reads as a URL to the autolinker.
        out += c;
        if (clean.compare(i + 1, 2, "//") == 0) {
          out += "\\/\\/";
          i += 2;
        }
        break;
      case '.':
        out += (i >= 3 && clean.compare(i - 3, 3, "www") == 0) ? "\\." : ".";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string MarkdownCode(std::string_view text, bool in_table) {
  std::string clean = DisplayText(text);
  std::string out = "`";
  for (char c : clean) {
    if (c == '`') {
      out += '\'';
    } else if (c == '|' && in_table) {
      out += "\\|";
    } else {
      out += c;
    }
  }
  if (out.size() == 1) out += ' ';  // `` is not a code span
  out += '`';
  return out;
}

}  // namespace rollgate::internal

namespace rollgate {

std::string AnsiPaint(bool color, std::string_view code, std::string_view text) {
  if (!color) return std::string(text);
  std::string out = "\033[";
  out.append(code).append("m").append(text).append("\033[0m");
  return out;
}

}  // namespace rollgate

namespace rollgate::internal {

std::string PadRight(std::string_view text, std::size_t width) {
  std::string out(text);
  out.append(text.size() >= width ? 1 : width - text.size(), ' ');
  return out;
}

}  // namespace rollgate::internal
