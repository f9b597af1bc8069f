// The Redactor finds a secret in text however the text was written out. Listing every spelling
// as a separate needle does not scale: a key of n special bytes has 2^n mixes of raw and
// escaped bytes (an encoder that leaves '/' alone but escapes '"', a proxy that lowercases
// percent-escapes, a message that is JSON inside JSON), and each new output format would add
// more. Instead the secret is matched byte by byte against the text, and at each byte every
// encoding that could stand for it is tried (a small backtracking search, bounded per start
// position, since "%" or "\" in the secret may be either raw or the start of an escape):
//
//   raw              the byte itself; ASCII letters in any case
//   URL              %XX in either case, again percent-encoded (%25XX), '+' for a space
//   backslash        \" \\ \/ and any escaped ASCII punctuation (JSON, Markdown), \n \r \t \b \f,
//                    \u00XX, \xNN (SanitizeForDisplay); each after any run of backslashes, so a
//                    JSON string inside a JSON string matches too
//   XML/HTML         &amp; &lt; &gt; &quot; &apos; &#N; &#xH;
//   UTF-8            a whole non-ASCII character as \uXXXX (a surrogate pair above U+FFFF) or
//                    &#N;, the way JSON encoders with ensure_ascii and XML writers spell it
//   invalid UTF-8    U+FFFD (raw or \ufffd) or '?', what lossy encoders write instead
//
// Base64 cannot be matched that way (each character mixes bits of neighbouring bytes), so each
// secret adds the middle of its base64 at each of the three alignments a longer encoding can
// give it, in both alphabets; those needles go through the same matcher (a base64 needle can be
// JSON- or URL-escaped too).
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "base/secret.h"
#include "base/strings.h"

namespace rollgate::internal {

namespace {

constexpr std::size_t kMinSecretBytes = 4;  // shorter ones would mangle every output
constexpr std::size_t kMinCutShortBytes = 8;
constexpr std::size_t kMinBase64Chars = 8;
constexpr int kSearchBudget = 4096;  // search steps per start position; ample for real text

char FoldCase(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool IsAsciiPunct(unsigned char c) {
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
         (c >= 0x7B && c <= 0x7E);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `digits` hex digits at text[p]; -1 when they are not there.
long ReadHex(std::string_view text, std::size_t p, int digits) {
  if (p + static_cast<std::size_t>(digits) > text.size()) return -1;
  long v = 0;
  for (int k = 0; k < digits; ++k) {
    int d = HexDigit(text[p + static_cast<std::size_t>(k)]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

// "&#N;", "&#xH;" or a named entity at text[p] (text[p] == '&'): the code point and the end.
long ReadEntity(std::string_view text, std::size_t p, std::size_t* end) {
  static constexpr std::pair<std::string_view, char> kNamed[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  for (const auto& [name, c] : kNamed) {
    if (text.compare(p, name.size(), name) == 0) {
      *end = p + name.size();
      return static_cast<unsigned char>(c);
    }
  }
  if (text.compare(p, 2, "&#") != 0) return -1;
  std::size_t q = p + 2;
  bool hex = q < text.size() && (text[q] == 'x' || text[q] == 'X');
  if (hex) ++q;
  long v = 0;
  std::size_t start = q;
  while (q < text.size() && q - start < 8) {
    int d = hex ? HexDigit(text[q]) : (text[q] >= '0' && text[q] <= '9' ? text[q] - '0' : -1);
    if (d < 0) break;
    v = v * (hex ? 16 : 10) + d;
    ++q;
  }
  if (q == start || q >= text.size() || text[q] != ';') return -1;
  *end = q + 1;
  return v;
}

// The search for one secret (or base64 needle) at one start position of one text.
class Search {
 public:
  Search(std::string_view secret, std::string_view text, bool fold)
      : s_(secret), t_(text), fold_(fold) {}

  /// True when the whole secret is spelled at text[p]; *end is where it stops. Either way,
  /// *prefix_bytes and *prefix_end describe the longest prefix of the secret that was found.
  bool Run(std::size_t p, std::size_t* end, std::size_t* prefix_bytes, std::size_t* prefix_end) {
    best_bytes_ = 0;
    best_end_ = p;
    budget_ = kSearchBudget;
    stack_.clear();
    stack_.push_back({0, p});
    while (!stack_.empty() && budget_-- > 0) {
      auto [j, q] = stack_.back();
      stack_.pop_back();
      if (j > best_bytes_) {
        best_bytes_ = j;
        best_end_ = q;
      }
      if (j == s_.size()) {
        *end = q;
        *prefix_bytes = j;
        *prefix_end = q;
        return true;
      }
      if (q < t_.size()) Expand(j, q);
    }
    *prefix_bytes = best_bytes_;
    *prefix_end = best_end_;
    return false;
  }

 private:
  bool Same(unsigned char a, unsigned char b) const {
    return a == b || (fold_ && FoldCase(static_cast<char>(a)) == FoldCase(static_cast<char>(b)));
  }
  void Push(std::size_t j, std::size_t q) { stack_.push_back({j, q}); }

  // Pushes every way the secret's byte (or character) at j can be spelled at text[q]. The
  // most literal spelling is pushed last, so it is tried first.
  void Expand(std::size_t j, std::size_t q) {
    const unsigned char b = static_cast<unsigned char>(s_[j]);
    const char c = t_[q];
    uint32_t cp = 0;
    const std::size_t utf8_len = b >= 0x80 ? DecodeUtf8(s_, j, &cp) : 0;
    if (c == '&') {
      std::size_t end = 0;
      long v = ReadEntity(t_, q, &end);
      if (v >= 0 && b < 0x80 && Same(static_cast<unsigned char>(v), b) && v < 0x80)
        Push(j + 1, end);
      if (v >= 0 && utf8_len > 1 && static_cast<uint32_t>(v) == cp) Push(j + utf8_len, end);
    }
    if (c == '%') {
      // %XX, and %25XX, %2525XX for text that was percent-encoded again.
      std::size_t r = q + 1;
      for (int level = 0; level < 3; ++level) {
        long v = ReadHex(t_, r, 2);
        if (v >= 0 && Same(static_cast<unsigned char>(v), b)) Push(j + 1, r + 2);
        if (t_.compare(r, 2, "25") != 0) break;
        r += 2;
      }
    }
    if (c == '\\') ExpandBackslash(j, q, b, utf8_len, cp);
    if (b >= 0x80 && utf8_len == 0) {  // an invalid byte, as a lossy encoder replaces it
      if (t_.compare(q, 3, "\xEF\xBF\xBD") == 0) Push(j + 1, q + 3);
      if (c == '?') Push(j + 1, q + 1);
    }
    if (b == ' ' && c == '+') Push(j + 1, q + 1);
    if (Same(static_cast<unsigned char>(c), b)) Push(j + 1, q + 1);
  }

  void ExpandBackslash(std::size_t j, std::size_t q, unsigned char b, std::size_t utf8_len,
                       uint32_t cp) {
    std::size_t run = 0;
    while (q + run < t_.size() && t_[q + run] == '\\' && run < 8) ++run;
    if (b == '\\') {
      for (std::size_t k = 2; k <= run; ++k)
        Push(j + 1, q + k);  // "\\", "\\\\": escaped backslashes
    }
    const std::size_t e = q + run;  // the escape letter
    if (e >= t_.size()) return;
    const char x = t_[e];
    if (b != '\\' && IsAsciiPunct(b) && static_cast<unsigned char>(x) == b) Push(j + 1, e + 1);
    static constexpr std::pair<char, char> kControl[] = {
        {'n', '\n'}, {'r', '\r'}, {'t', '\t'}, {'b', '\b'}, {'f', '\f'}};
    for (const auto& [letter, ctrl] : kControl) {
      if (x == letter && b == static_cast<unsigned char>(ctrl)) Push(j + 1, e + 1);
    }
    if (x == 'x' || x == 'X') {
      long v = ReadHex(t_, e + 1, 2);
      if (v >= 0 && Same(static_cast<unsigned char>(v), b)) Push(j + 1, e + 3);
    }
    if (x != 'u' && x != 'U') return;
    long v = ReadHex(t_, e + 1, 4);
    if (v < 0) return;
    if (b < 0x80 && Same(static_cast<unsigned char>(v), b) && v < 0x80) Push(j + 1, e + 5);
    if (b >= 0x80 && utf8_len == 0 && v == 0xFFFD) Push(j + 1, e + 5);
    if (utf8_len > 1 && cp <= 0xFFFF && static_cast<uint32_t>(v) == cp) Push(j + utf8_len, e + 5);
    if (utf8_len > 1 && cp > 0xFFFF) {
      uint32_t hi = 0xD800 + ((cp - 0x10000) >> 10), lo = 0xDC00 + ((cp - 0x10000) & 0x3FF);
      std::size_t r = e + 5;
      while (r < t_.size() && t_[r] == '\\') ++r;
      if (static_cast<uint32_t>(v) == hi && r > e + 5 && r < t_.size() &&
          (t_[r] == 'u' || t_[r] == 'U') && ReadHex(t_, r + 1, 4) == static_cast<long>(lo)) {
        Push(j + utf8_len, r + 5);
      }
    }
  }

  std::string_view s_;
  std::string_view t_;
  bool fold_;
  std::size_t best_bytes_ = 0;
  std::size_t best_end_ = 0;
  int budget_ = 0;
  std::vector<std::pair<std::size_t, std::size_t>> stack_;
};

// Can the secret's spelling start with byte c? (A cheap filter before the search.)
bool MayStart(const Redactor::Entry& e, unsigned char c) {
  unsigned char first = static_cast<unsigned char>(e.text[0]);
  if (c == first || c == '%' || c == '\\' || c == '&') return true;
  if (e.fold_case && FoldCase(static_cast<char>(c)) == FoldCase(static_cast<char>(first)))
    return true;
  if (first == ' ' && c == '+') return true;
  return first >= 0x80 && (c == 0xEF || c == '?');
}

// The secret without a UTF-8 BOM and surrounding whitespace, the way a provider that trims
// what it received would echo it.
std::string_view Core(std::string_view s) {
  while (true) {
    std::string_view before = s;
    if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
    s = TrimView(s);
    if (s == before) return s;
  }
}

// The characters of base64(x) that depend only on `secret` when it starts at byte `offset`
// (0, 1 or 2) of a 3-byte group: the edges mix in bits of whatever surrounds it.
std::string StableBase64(std::string_view secret, std::size_t offset) {
  std::string padded(offset, '\0');
  padded.append(secret);
  std::string encoded = Base64Encode(padded);
  std::size_t first = (8 * offset + 5) / 6;
  std::size_t last = 8 * (offset + secret.size()) / 6;
  return last > first ? encoded.substr(first, last - first) : std::string();
}

// Masks "sk-" followed by at least 8 key characters at a word start; the prefix stays so a
// reader still sees that a key was there.
std::string MaskKeyShapedTokens(const std::string& in) {
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    bool at_word_start = i == 0 || !IsKeyChar(in[i - 1]);
    if (at_word_start && in.compare(i, 3, "sk-") == 0) {
      std::size_t j = i + 3;
      while (j < in.size() && IsKeyChar(in[j])) ++j;
      if (j - (i + 3) >= 8) {
        out += "sk-";
        out += Redactor::kMask;
        i = j;
        continue;
      }
    }
    out += in[i++];
  }
  return out;
}

}  // namespace

void Redactor::AddEntry(Entry entry) {
  auto same = [&](const Entry& e) { return e.text == entry.text; };
  if (entry.text.empty() || std::any_of(entries_.begin(), entries_.end(), same)) return;
  entries_.push_back(std::move(entry));
}

void Redactor::AddSecret(std::string_view secret) {
  if (secret.size() < kMinSecretBytes) return;
  std::string_view core = Core(secret);
  for (std::string_view s : {secret, core}) {
    if (s.size() < kMinSecretBytes) continue;
    AddEntry({std::string(s), true, true});
    for (std::size_t offset = 0; offset < 3; ++offset) {
      std::string b64 = StableBase64(s, offset);
      if (b64.size() < kMinBase64Chars) continue;
      std::string url = b64;
      std::replace(url.begin(), url.end(), '+', '-');
      std::replace(url.begin(), url.end(), '/', '_');
      AddEntry({b64, false, false});
      AddEntry({url, false, false});
    }
  }
  // Longest first, so a secret that contains another is scrubbed whole.
  std::stable_sort(entries_.begin(), entries_.end(),
                   [](const Entry& a, const Entry& b) { return a.text.size() > b.text.size(); });
}

std::string Redactor::Redact(std::string_view text) const {
  // The bytes where some entry's spelling may start (the union of MayStart over the entries).
  std::array<bool, 256> may_start{};
  may_start['%'] = may_start['\\'] = may_start['&'] = true;
  for (const Entry& e : entries_) {
    unsigned char first = static_cast<unsigned char>(e.text[0]);
    may_start[first] = true;
    if (e.fold_case)
      may_start[static_cast<unsigned char>(FoldCase(static_cast<char>(first)))] = true;
    if (e.fold_case && first >= 'a' && first <= 'z') may_start[first - 'a' + 'A'] = true;
    if (first == ' ') may_start['+'] = true;
    if (first >= 0x80) may_start[0xEF] = may_start['?'] = true;
  }
  std::vector<Search> searches;
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t run = i;
    // A run of bytes that starts no entry's spelling is copied at once: most of every text.
    while (run < text.size() && !may_start[static_cast<unsigned char>(text[run])]) ++run;
    out.append(text.substr(i, run - i));
    i = run;
    if (i == text.size()) break;
    if (searches.empty()) {
      searches.reserve(entries_.size());
      for (const Entry& e : entries_) searches.emplace_back(e.text, text, e.fold_case);
    }
    std::size_t masked_end = 0;
    for (std::size_t k = 0; k < entries_.size(); ++k) {
      const Entry& e = entries_[k];
      if (!MayStart(e, static_cast<unsigned char>(text[i]))) continue;
      std::size_t end = 0, prefix_bytes = 0, prefix_end = 0;
      if (searches[k].Run(i, &end, &prefix_bytes, &prefix_end)) {
        masked_end = end;
        break;
      }
      // Cut short: 8+ bytes of the secret where the text, or the token it was in, ends.
      if (e.cut_short && prefix_bytes >= kMinCutShortBytes &&
          (prefix_end == text.size() || !IsKeyChar(text[prefix_end]))) {
        masked_end = prefix_end;
        break;
      }
    }
    if (masked_end > i) {
      out += kMask;
      i = masked_end;
    } else {
      out += text[i++];
    }
  }
  return MaskKeyShapedTokens(out);
}

}  // namespace rollgate::internal
