// Secrets: how a key is shown (a fingerprint) and how every output is scrubbed of it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rollgate::internal {

/// "sha256:" + the first 12 hex digits of SHA-256(key). Identifies a key across runs and
/// releases without revealing it. An empty key gives "" (there is nothing to identify).
std::string KeyFingerprint(std::string_view key);

/// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

/// Standard base64 (RFC 4648, padded).
std::string Base64Encode(std::string_view data);

/// Scrubs known secrets from text before it leaves the process. Every output path (evidence,
/// console, errors, logs) passes through one Redactor, so a key echoed back by a provider or a
/// command's stderr is caught too. Also masks anything shaped like an API key (`sk-` + 8 or
/// more key characters), since a provider may echo a key we never knew.
class Redactor {
 public:
  /// Secrets shorter than 4 bytes are not scrubbed (they would mangle every output); the
  /// configuration check flags such keys as implausible instead.
  void AddSecret(std::string_view secret);
  std::string Redact(std::string_view text) const;
  bool empty() const { return needles_.empty(); }

  static constexpr std::string_view kMask = "[redacted]";

 private:
  std::vector<std::string> needles_;  // each secret, its base64 and its JSON-escaped form
};

}  // namespace rollgate::internal
