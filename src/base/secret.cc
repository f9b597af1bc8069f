#include "base/secret.h"

// SHA-256 from nettle, not OpenSSL: OpenSSL 3 builds its provider's algorithm tables on the
// first EVP digest of a process (about 1.8 ms of a 26 ms `rollgate check` on our bench VM, and
// more again at exit to free them), while nettle's sha256 is a plain function. libnettle is
// already in the process as a dependency of libcurl's (GnuTLS, via librtmp), so linking it
// adds no load time.
#include <nettle/sha2.h>

#include <algorithm>
#include <cstdint>

namespace rollgate::internal {

std::string Sha256Hex(std::string_view data) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, data.size(), reinterpret_cast<const uint8_t*>(data.data()));
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof digest, digest);
  constexpr unsigned len = SHA256_DIGEST_SIZE;
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

std::string KeyFingerprint(std::string_view key) {
  if (key.empty()) return std::string();
  return "sha256:" + Sha256Hex(key).substr(0, 12);
}

std::string Base64Encode(std::string_view data) {
  static const char kTable[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(data[i]) << 16) |
                 (static_cast<unsigned char>(data[i + 1]) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
    out += kTable[(v >> 18) & 63];
    out += kTable[(v >> 12) & 63];
    out += kTable[(v >> 6) & 63];
    out += kTable[v & 63];
  }
  if (i < data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += kTable[(v >> 18) & 63];
    out += kTable[(v >> 12) & 63];
    out += (i + 1 < data.size()) ? kTable[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

namespace {

std::string JsonEscaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '/') {
      out += "\\/";
    } else {
      out += c;
    }
  }
  return out;
}

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

}  // namespace

void Redactor::AddSecret(std::string_view secret) {
  if (secret.size() < 4) return;
  auto add = [&](std::string s) {
    if (std::find(needles_.begin(), needles_.end(), s) == needles_.end())
      needles_.push_back(std::move(s));
  };
  add(std::string(secret));
  add(Base64Encode(secret));
  add(JsonEscaped(secret));
  // Longest first, so a secret that contains another is scrubbed whole.
  std::sort(needles_.begin(), needles_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Redactor::Redact(std::string_view text) const {
  std::string out(text);
  for (const auto& needle : needles_) {
    std::size_t pos = 0;
    while ((pos = out.find(needle, pos)) != std::string::npos) {
      out.replace(pos, needle.size(), kMask);
      pos += kMask.size();
    }
  }
  // A secret cut short (a detail bounded to N bytes before it reached us) is still mostly the
  // secret: its first 8 characters followed by key characters are masked the same way.
  for (const auto& needle : needles_) {
    if (needle.size() < 12) continue;
    std::string_view head(needle.data(), 8);
    std::size_t pos = 0;
    while ((pos = out.find(head, pos)) != std::string::npos) {
      std::size_t end = pos + head.size();
      while (end < out.size() && IsKeyChar(out[end])) ++end;
      out.replace(pos, end - pos, kMask);
      pos += kMask.size();
    }
  }
  // Mask key-shaped tokens ("sk-" followed by at least 8 key characters) that we were not told
  // about. The prefix stays so a reader still sees that a key was there.
  std::string masked;
  masked.reserve(out.size());
  std::size_t i = 0;
  while (i < out.size()) {
    bool at_word_start = i == 0 || !IsKeyChar(out[i - 1]);
    if (at_word_start && out.compare(i, 3, "sk-") == 0) {
      std::size_t j = i + 3;
      while (j < out.size() && IsKeyChar(out[j])) ++j;
      if (j - (i + 3) >= 8) {
        masked += "sk-";
        masked += kMask;
        i = j;
        continue;
      }
    }
    masked += out[i++];
  }
  return masked;
}

}  // namespace rollgate::internal
