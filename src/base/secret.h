// Secrets: how a key is shown (a fingerprint), how every output is scrubbed of it, and how a
// command line or URL is shown without the credentials it may carry.
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

/// Standard base64 (RFC 4648, padded), from nettle.
std::string Base64Encode(std::string_view data);

/// Compares two secrets in time that depends only on their lengths' hashes: both sides are
/// hashed with SHA-256 first, and the digests are compared with nettle's memeql_sec (no early
/// exit), so neither the content nor the length of the expected token leaks through timing.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

/// True when a variable, flag, header or query parameter called `name` likely holds a
/// credential: it contains KEY, TOKEN, SECRET, PASSWORD, PASSWD, AUTH, CREDENTIAL, COOKIE or
/// SIGNATURE (any case). "OPENAI_API_KEY", "--api-key", "X-Auth-Token", "access_token".
bool LooksLikeSecretName(std::string_view name);

/// A command line for display: argv joined by spaces, with the value masked in NAME=VALUE
/// and --flag=VALUE items whose name looks secret, in the item after such a flag
/// (`--token VALUE`), in "Header: value" items with such a header name, and in URLs
/// (ShowUrl). `env OPENAI_API_KEY=sk-… app smoke` -> `env OPENAI_API_KEY=[redacted] app smoke`.
/// Known secrets are the Redactor's business; this catches the ones rollgate was never told.
/// `masked`, when given, receives each value it masked: a command may echo what it was given,
/// so a caller that shows the command's output adds them to a Redactor.
std::string ShowCommand(const std::vector<std::string>& argv,
                        std::vector<std::string>* masked = nullptr);

/// A URL for display: the userinfo (user:password@) and the values of query parameters whose
/// name looks secret (?api_key=...) are masked. Anything else is returned as it is. `masked` as
/// for ShowCommand.
std::string ShowUrl(std::string_view url, std::vector<std::string>* masked = nullptr);

/// Scrubs known secrets from text before it leaves the process. Every output path (evidence,
/// console, errors, logs, history, metrics) passes through one Redactor, so a key echoed back
/// by a provider or a command's stderr is caught too. It runs on the raw text, before any
/// escaping for display, and it finds a secret however it was written (see redactor.cc):
///  * raw, its letters in any case (HTTP/2 lowercases header names);
///  * each byte percent-encoded (%2f or %2F, double-encoded %252F) or '+' for a space;
///  * JSON-escaped (\" \\ \/ \u00XX, non-ASCII raw or as \uXXXX and surrogate pairs), escaped
///    again inside another JSON string, Markdown-escaped, or as SanitizeForDisplay shows it
///    (\xNN); XML/HTML entities (&amp; &#47; &#x2F;);
///  * in base64 or base64url at each of the three alignments it can have inside a longer
///    encoding ("Bearer <key>", "user:<key>"), whatever surrounds it;
///  * cut short: its first 8 or more bytes where the text (or the token) ends.
/// Also masks anything shaped like an API key (`sk-` + 8 or more key characters), since a
/// provider may echo a key we never knew. A secret with a BOM or surrounding whitespace is
/// also scrubbed without them.
class Redactor {
 public:
  /// Secrets shorter than 4 bytes are not scrubbed (they would mangle every output); the
  /// configuration check flags such keys as implausible instead.
  void AddSecret(std::string_view secret);
  std::string Redact(std::string_view text) const;
  bool empty() const { return entries_.empty(); }

  static constexpr std::string_view kMask = "[redacted]";

  /// What one secret is searched as (internal to redactor.cc; public for its helpers).
  struct Entry {
    std::string text;
    bool fold_case = true;  // base64 forms are case-sensitive
    bool cut_short = true;  // a prefix of 8+ bytes counts (the secret itself, not its base64)
  };

 private:
  void AddEntry(Entry entry);
  std::vector<Entry> entries_;  // longest first, so a secret containing another goes whole
};

}  // namespace rollgate::internal
