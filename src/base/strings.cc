#include "base/strings.h"

#include <algorithm>
#include <cstdio>

namespace rollgate::internal {

namespace {
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Trim(std::string_view s) { return std::string(TrimView(s)); }

std::string TrimTrailingNewlines(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return Lower(a) == Lower(b); });
  return it != haystack.end();
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.emplace_back(s.substr(start));
      return out;
    }
    out.emplace_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out.append(sep);
    out.append(parts[i]);
  }
  return out;
}

}  // namespace rollgate::internal

namespace rollgate {

namespace {

// SanitizeForDisplay's escaping, appended to *out.
void AppendEscaped(std::string_view bytes, std::string* out) {
  for (char ch : bytes) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      *out += "\\n";
    } else if (c == '\r') {
      *out += "\\r";
    } else if (c == '\t') {
      *out += "\\t";
    } else if (c == '\\') {
      *out += "\\\\";
    } else if (c >= 0x20 && c < 0x7f) {
      *out += static_cast<char>(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      *out += buf;
    }
  }
}

}  // namespace

std::string SanitizeForDisplay(std::string_view bytes, std::size_t max_bytes) {
  std::string out;
  std::size_t n = std::min(bytes.size(), max_bytes);
  out.reserve(n + 16);
  AppendEscaped(bytes.substr(0, n), &out);
  if (bytes.size() > n) {
    out += "…(";
    out += std::to_string(bytes.size() - n);
    out += " more bytes)";
  }
  return out;
}

namespace {

// The characters of a key, a token or its base64 (and of words): the tail never starts inside a
// run of them.
bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_-.+/=~").find(c) != std::string_view::npos;
}

}  // namespace

std::string internal::SanitizeEndsForDisplay(std::string_view bytes, std::size_t max_bytes) {
  if (bytes.size() <= max_bytes) return SanitizeForDisplay(bytes, max_bytes);
  const std::size_t head = max_bytes / 2;
  std::size_t tail_start = bytes.size() - (max_bytes - head);
  // A cut inside a token would show its last bytes: a secret's tail that a Redactor run later
  // cannot recognise (it knows whole secrets and their first bytes, not their last). So the
  // tail starts after the token the cut falls in. (The head may end inside one: a Redactor
  // recognises a secret's first bytes where the text around them stops.)
  while (tail_start < bytes.size() && IsTokenChar(bytes[tail_start - 1]) &&
         IsTokenChar(bytes[tail_start])) {
    ++tail_start;
  }
  std::string out;
  out.reserve(max_bytes + 32);
  AppendEscaped(bytes.substr(0, head), &out);
  out += "…(";
  out += std::to_string(tail_start - head);
  out += " bytes)…";
  AppendEscaped(bytes.substr(tail_start), &out);
  return out;
}

}  // namespace rollgate

namespace rollgate::internal {

std::size_t DecodeUtf8(std::string_view s, std::size_t i, uint32_t* code_point) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    *code_point = c;
    return 1;
  }
  std::size_t len;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return 0;
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *code_point = cp;
  return len;
}

std::size_t InvalidUtf8Offset(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    uint32_t cp;
    std::size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0) return i;
    i += len;
  }
  return std::string_view::npos;
}

bool IsValidUtf8(std::string_view s) { return InvalidUtf8Offset(s) == std::string_view::npos; }

namespace {

bool IsUtf8ContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::size_t CountCodePoints(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += IsUtf8ContinuationByte(c) ? 0 : 1;
  return n;
}

std::string_view PrefixCodePoints(std::string_view text, std::size_t code_points) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!IsUtf8ContinuationByte(text[i])) {
      if (seen == code_points) return text.substr(0, i);
      ++seen;
    }
  }
  return text;
}

std::string ToValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    std::size_t bad = InvalidUtf8Offset(s);
    out.append(s.substr(0, bad));
    if (bad == std::string_view::npos) break;
    out += "\xEF\xBF\xBD";  // U+FFFD
    s.remove_prefix(bad + 1);
  }
  return out;
}

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    std::size_t d = EditDistance(word, c);
    if (best.empty() || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  // A typo is at most a third of the word wrong (and at least one edit is allowed).
  std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  return best_distance <= limit ? best : std::string();
}

std::string Plural(long n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace rollgate::internal

namespace rollgate {

std::string FormatDurationMs(double ms) {
  char buf[32];
  if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%.0f ms", ms);
  } else if (ms < 10000) {
    std::snprintf(buf, sizeof buf, "%.1f s", ms / 1000.0);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f s", ms / 1000.0);
  }
  return buf;
}

}  // namespace rollgate

namespace rollgate::internal {

int64_t ParseDurationMs(std::string_view text) {
  std::string_view t = TrimView(text);
  std::size_t i = 0;
  int64_t value = 0;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
    if (value > 1000000000) return -1;
    value = value * 10 + (t[i++] - '0');
  }
  if (i == 0) return -1;
  std::string_view unit = t.substr(i);
  if (unit.empty() || unit == "s") return value * 1000;
  if (unit == "ms") return value;
  if (unit == "m") return value * 60 * 1000;
  if (unit == "h") return value * 3600 * 1000;
  if (unit == "d") return value * 86400 * 1000;
  return -1;
}

}  // namespace rollgate::internal
