// New against rollback: the release diff behind `rollgate diff` and the config_consistency
// gate, and the retry-policy audit behind the retry_policy gate.
#pragma once

#include <string>
#include <vector>

#include "config/profile.h"
#include "rollgate/report.h"

namespace rollgate::internal {

/// The fields compared, by the names `expect_differences:` uses.
const std::vector<std::string>& ConsistencyFields();

struct FieldDiff {
  std::string field;  // one of ConsistencyFields(), or "headers.NAME" (one row per header sent)
  std::string left;   // value in the first release ("" when it did not resolve)
  std::string right;
  std::string left_source;  // provenance
  std::string right_source;
  bool differs = false;
  bool expected = false;    // listed in expect_differences
  bool unresolved = false;  // resolved for one release and not the other
};

/// Compares two resolved releases field by field.
std::vector<FieldDiff> DiffReleases(const ReleaseProfile& left, const ReleaseProfile& right,
                                    const std::vector<std::string>& expect_differences);

/// Fails on any unexpected difference, naming both values and their sources.
CheckResult ConfigConsistencyGate(const std::vector<FieldDiff>& diffs, const std::string& left,
                                  const std::string& right);

/// Audits each release's retry policy: retrying 400/401/403/404/422 fails; more than 5 attempts
/// or backoffs that add up past the timeout are named as notes.
CheckResult RetryPolicyGate(const std::vector<ReleaseProfile>& profiles);

}  // namespace rollgate::internal
