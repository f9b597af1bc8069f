#include "base/secret.h"

// SHA-256 from nettle, not OpenSSL: OpenSSL 3 builds its provider's algorithm tables on the
// first EVP digest of a process (about 1.8 ms of a 26 ms `rollgate check` on our bench VM, and
// more again at exit to free them), while nettle's sha256 is a plain function. libnettle is
// already in the process as a dependency of libcurl's (GnuTLS, via librtmp), so linking it
// adds no load time. Base64 comes from nettle too (it replaced a hand-written encoder), and so
// does the constant-time comparison (memeql_sec, which replaced a hand-written loop).
#include <nettle/base64.h>
#include <nettle/memops.h>
#include <nettle/sha2.h>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "base/strings.h"

namespace rollgate::internal {

std::string Sha256Hex(std::string_view data) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, data.size(), reinterpret_cast<const uint8_t*>(data.data()));
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof digest, digest);
  constexpr std::size_t len = SHA256_DIGEST_SIZE;
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (std::size_t i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  uint8_t digest_a[SHA256_DIGEST_SIZE];
  uint8_t digest_b[SHA256_DIGEST_SIZE];
  for (auto [data, digest] : {std::pair{a, digest_a}, std::pair{b, digest_b}}) {
    sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, data.size(), reinterpret_cast<const uint8_t*>(data.data()));
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
  }
  return memeql_sec(digest_a, digest_b, SHA256_DIGEST_SIZE) != 0;
}

std::string KeyFingerprint(std::string_view key) {
  if (key.empty()) return std::string();
  return "sha256:" + Sha256Hex(key).substr(0, 12);
}

std::string Base64Encode(std::string_view data) {
  std::string out(BASE64_ENCODE_RAW_LENGTH(data.size()), '\0');
  base64_encode_raw(out.data(), data.size(), reinterpret_cast<const uint8_t*>(data.data()));
  return out;
}

bool LooksLikeSecretName(std::string_view name) {
  static constexpr std::string_view kWords[] = {
      "key", "token", "secret", "password", "passwd", "auth", "credential", "cookie", "signature"};
  for (std::string_view w : kWords) {
    if (ContainsIgnoreCase(name, w)) return true;
  }
  return false;
}

namespace {

constexpr std::string_view kMasked = "[redacted]";

// A name an environment variable, flag or parameter could have (after leading dashes).
bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

bool IsName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

std::string_view WithoutDashes(std::string_view s) {
  while (!s.empty() && s.front() == '-') s.remove_prefix(1);
  return s;
}

// Records a value being masked, when the caller asked for them.
std::string Masked(std::string_view value, std::vector<std::string>* masked) {
  if (masked && !value.empty()) masked->emplace_back(value);
  return std::string(kMasked);
}

// One argv item; *mask_next when it is a flag whose value is the next item.
std::string ShowArg(const std::string& arg, bool* mask_next, std::vector<std::string>* masked) {
  if (arg.find("://") != std::string::npos) return ShowUrl(arg, masked);
  std::size_t eq = arg.find('=');
  if (eq != std::string::npos && eq > 0) {
    std::string_view name = WithoutDashes(std::string_view(arg).substr(0, eq));
    if (IsName(name) && LooksLikeSecretName(name))
      return arg.substr(0, eq + 1) + Masked(std::string_view(arg).substr(eq + 1), masked);
    return arg;
  }
  std::size_t colon = arg.find(':');
  if (colon != std::string::npos && colon > 0 && IsName(std::string_view(arg).substr(0, colon)) &&
      LooksLikeSecretName(std::string_view(arg).substr(0, colon))) {
    // -H "Authorization: Bearer x"
    return arg.substr(0, colon + 1) + " " +
           Masked(TrimView(std::string_view(arg).substr(colon + 1)), masked);
  }
  if (arg.size() > 1 && arg[0] == '-' && IsName(WithoutDashes(arg)) &&
      LooksLikeSecretName(WithoutDashes(arg))) {
    *mask_next = true;
  }
  return arg;
}

}  // namespace

std::string ShowCommand(const std::vector<std::string>& argv, std::vector<std::string>* masked) {
  std::vector<std::string> shown;
  shown.reserve(argv.size());
  bool mask_next = false;
  for (const auto& arg : argv) {
    if (mask_next) {
      mask_next = false;
      shown.push_back(Masked(arg, masked));
      continue;
    }
    shown.push_back(ShowArg(arg, &mask_next, masked));
  }
  return Join(shown, " ");
}

std::string ShowUrl(std::string_view url, std::vector<std::string>* masked) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, scheme + 3));
  std::string_view rest = url.substr(scheme + 3);
  std::size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  std::size_t at = rest.substr(0, authority_end).rfind('@');
  if (at != std::string_view::npos) {
    out += Masked(rest.substr(0, at), masked);
    rest.remove_prefix(at);  // keeps the '@'
  }
  std::size_t query = rest.find('?');
  if (query == std::string_view::npos) return out + std::string(rest);
  out += rest.substr(0, query + 1);
  std::string_view params = rest.substr(query + 1);
  std::size_t fragment = params.find('#');
  std::string_view tail = fragment == std::string_view::npos ? "" : params.substr(fragment);
  params = params.substr(0, fragment);
  std::vector<std::string> shown;
  for (const std::string& param : Split(params, '&')) {
    std::size_t eq = param.find('=');
    if (eq != std::string::npos && LooksLikeSecretName(std::string_view(param).substr(0, eq))) {
      shown.push_back(param.substr(0, eq + 1) +
                      Masked(std::string_view(param).substr(eq + 1), masked));
    } else {
      shown.push_back(param);
    }
  }
  return out + Join(shown, "&") + std::string(tail);
}

}  // namespace rollgate::internal
