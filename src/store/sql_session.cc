#include "store/sql_session.h"

namespace rollgate::internal {

std::string AbbreviateSql(const std::string& sql) {
  std::string one_line;
  for (char c : sql) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (c == ' ' && (one_line.empty() || one_line.back() == ' ')) continue;
    one_line += c;
  }
  return one_line.size() > 60 ? one_line.substr(0, 57) + "..." : one_line;
}

}  // namespace rollgate::internal
