#include "store/history_location.h"

#include <cctype>

#include "base/strings.h"

namespace rollgate::internal {

namespace {

// %XX decoding for query keys: libpq decodes keys too, so "pass%77ord=" is a password.
std::string PercentDecode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// libpq's URI: postgresql://[userspec@][hostspec][/dbname][?paramspec]. The userspec ends at
// the last '@' of the authority (a password may contain '@' only percent-encoded, but be
// generous) and is "user[:password]".
bool CarriesPassword(const std::string& uri) {
  std::size_t start = uri.find("://") + 3;
  std::size_t end = uri.find_first_of("/?", start);
  std::string authority =
      uri.substr(start, end == std::string::npos ? std::string::npos : end - start);
  std::size_t at = authority.rfind('@');
  if (at != std::string::npos && authority.substr(0, at).find(':') != std::string::npos)
    return true;
  std::size_t q = uri.find('?', start);
  if (q == std::string::npos) return false;
  for (const std::string& pair : Split(uri.substr(q + 1), '&')) {
    std::string key = ToLower(Trim(PercentDecode(pair.substr(0, pair.find('=')))));
    if (key == "password") return true;
  }
  return false;
}

}  // namespace

std::string HistoryDbScheme(const std::string& db) {
  std::size_t sep = db.find("://");
  if (sep == std::string::npos || sep == 0) return "";
  if (!std::isalpha(static_cast<unsigned char>(db[0]))) return "";
  for (std::size_t i = 0; i < sep; ++i) {
    char c = db[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return "";
  }
  return ToLower(db.substr(0, sep));
}

Result<HistoryLocation::Kind> ClassifyHistoryDb(const std::string& db, const std::string& what) {
  const std::string prefix = what.empty() ? "" : what + ": ";
  if (db.empty()) {
    return Status::InvalidArgument(prefix +
                                   "empty; give a file path (SQLite) or a "
                                   "postgresql://user@host:port/dbname URI");
  }
  std::string scheme = HistoryDbScheme(db);
  if (scheme.empty()) return HistoryLocation::Kind::kSqlite;
  if (scheme != "postgresql" && scheme != "postgres") {
    return Status::InvalidArgument(
        prefix + "the scheme " + SanitizeForDisplay(scheme, 40) +
        ":// is not supported; give a file path (SQLite, e.g. rollgate-history.db) or a "
        "postgresql://user@host:port/dbname URI");
  }
  if (CarriesPassword(db)) {
    return Status::InvalidArgument(
        prefix +
        "the PostgreSQL URI carries a password; remove it from the URI (it would show "
        "in logs, process lists and the history's own listing) and give it as "
        "history.password (any value source, e.g. {env: ROLLGATE_HISTORY_PASSWORD}) or "
        "through PGPASSWORD or PGPASSFILE");
  }
  return HistoryLocation::Kind::kPostgres;
}

}  // namespace rollgate::internal
