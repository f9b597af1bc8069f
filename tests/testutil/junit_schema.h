// Validating a junit.xml the way a CI server reads it: xmllint (Debian's libxml2-utils) against
// tests/data/junit/junit.xsd, the JUnit schema Jenkins and GitLab read. Nothing is downloaded.
#pragma once

#include <cstdlib>
#include <string>

#include "base/subprocess.h"

namespace rollgate::testing {

inline std::string JunitSchemaPath() {
  return std::string(ROLLGATE_SOURCE_DIR) + "/tests/data/junit/junit.xsd";
}

/// "" when `xml_file` is valid against the schema, else what xmllint said.
inline std::string JunitSchemaErrors(const std::string& xml_file) {
  internal::CommandOptions opts;
  opts.timeout_ms = 30000;
  Result<internal::CommandResult> r = internal::RunCommand(
      {"xmllint", "--noout", "--nonet", "--schema", JunitSchemaPath(), xml_file}, opts);
  if (!r.ok()) {
    return "xmllint cannot run (" + r.status().message() +
           "); scripts/bootstrap.sh --test installs libxml2-utils";
  }
  return r->succeeded() ? "" : r->Describe(opts.timeout_ms) + ": " + r->err;
}

/// The number an XPath count() expression gives on `xml_file` (-1 when xmllint fails).
inline int JunitXPathCount(const std::string& xml_file, const std::string& expression) {
  internal::CommandOptions opts;
  opts.timeout_ms = 30000;
  Result<internal::CommandResult> r = internal::RunCommand(
      {"xmllint", "--nonet", "--xpath", "count(" + expression + ")", xml_file}, opts);
  if (!r.ok() || !r->succeeded()) return -1;
  return std::atoi(r->out.c_str());
}

}  // namespace rollgate::testing
