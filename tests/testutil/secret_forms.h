// Every way a provider (or anything between it and rollgate) may write a secret back: the
// Redactor's unit tests feed each form to it, and the hostile-provider test echoes each form in
// every channel and then looks for each one in everything rollgate left behind.
#pragma once

#include <cctype>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "base/secret.h"
#include "base/strings.h"

namespace rollgate::testing {

/// Keys shaped to defeat a plain search: non-ASCII (a 2-byte letter and a 4-byte emoji), a
/// UTF-8 BOM (as a Windows editor saves it) with a trailing space, and the characters every
/// escaper treats specially (\ " / + =). Each is distinctive enough that 12 bytes of it never
/// occur by chance, and each is a key a provider could be sent (no space inside).
inline const std::vector<std::string>& AwkwardKeys() {
  static const std::vector<std::string> keys = {
      "sk-h0st\xc3\xadle-caf\xc3\xa9-\xf0\x9f\x94\x91-Zq7Xw2Rk9Lm4",
      "\xef\xbb\xbfrk-bom-Vt8Pq3Ws6Yh1 ",
      "gw\\tok\"en/Jd5+Mx0=Qc7==padBf2",
  };
  return keys;
}

inline std::string PercentEncoded(const std::string& s, bool upper, bool plus_for_space) {
  const char* hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ' && plus_for_space) {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

inline std::string ReplacedAll(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size())
    s.replace(p, from.size(), to);
  return s;
}

inline std::string JsonInner(const std::string& s, bool ensure_ascii) {
  std::string dumped =
      nlohmann::json(s).dump(-1, ' ', ensure_ascii, nlohmann::json::error_handler_t::replace);
  return dumped.substr(1, dumped.size() - 2);
}

inline std::string Base64Url(std::string b64) {
  for (char& c : b64) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return b64;
}

/// (name, spelling) for every form of `key`. Base64 forms carry the key inside a longer
/// encoding, after a prefix of 0, 1 and 2 bytes and after "Bearer " and "user:".
inline std::vector<std::pair<std::string, std::string>> SecretSpellings(const std::string& key) {
  std::string upper = key;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::vector<std::pair<std::string, std::string>> out = {
      {"raw", key},
      {"uppercased", upper},
      {"url upper", PercentEncoded(key, true, false)},
      {"url lower", PercentEncoded(key, false, false)},
      {"form-encoded", PercentEncoded(key, true, true)},
      {"url-encoded twice", PercentEncoded(PercentEncoded(key, true, false), true, false)},
      {"SanitizeForDisplay", internal::SanitizeForDisplay(key, 1000)},
  };
  for (bool ascii : {false, true}) {
    std::string name = ascii ? "json ensure_ascii" : "json";
    std::string inner = JsonInner(key, ascii);
    out.emplace_back(name, inner);
    out.emplace_back(name + " with \\/", ReplacedAll(inner, "/", "\\/"));
    out.emplace_back(name + " inside json", JsonInner(inner, ascii));
  }
  for (std::string prefix : {"", "a", "ab", "Bearer ", "user:"}) {
    std::string b64 = internal::Base64Encode(prefix + key + "\x01\x02tail");
    out.emplace_back("base64 after '" + prefix + "'", b64);
    out.emplace_back("base64url after '" + prefix + "'", Base64Url(b64));
    out.emplace_back("base64 json-escaped after '" + prefix + "'", ReplacedAll(b64, "/", "\\/"));
  }
  return out;
}

/// What must never appear anywhere: each spelling (base64 ones by the part that depends on the
/// key alone) and every 12-byte run of the raw key (a key cut short).
inline std::vector<std::pair<std::string, std::string>> SecretNeedles(const std::string& key) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, spelled] : SecretSpellings(key)) {
    if (name.rfind("base64", 0) == 0) continue;
    out.emplace_back(spelled, name);
  }
  for (std::size_t offset = 0; offset < 3; ++offset) {
    // Full groups of the key's own bytes, at each alignment: what any longer encoding contains.
    std::string tail = key.substr(offset);
    tail.resize(tail.size() / 3 * 3);
    out.emplace_back(internal::Base64Encode(tail), "base64");
    out.emplace_back(Base64Url(internal::Base64Encode(tail)), "base64url");
  }
  for (std::size_t i = 0; i + 12 <= key.size(); ++i)
    out.emplace_back(key.substr(i, 12), "12 bytes of the key");
  return out;
}

}  // namespace rollgate::testing
