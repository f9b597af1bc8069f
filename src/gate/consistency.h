// New against rollback: the release diff behind `rollgate diff` and the config_consistency
// gate, and the retry-policy audit behind the retry_policy gate.
#pragma once

#include <cstdint>
#include <map>
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

/// What a release's own client was seen doing on the wire (`rollgate rehearse` runs the app
/// against the mock): how many requests it sent for one call answered with each status.
struct ObservedRetries {
  std::map<int, int64_t> sends_per_status;  // {401: 4, 400: 1, ...}
};

/// Judges each release's retries: from what its client was observed doing when `observed` has
/// an entry for it (sending a 400/401/403/404/422 request more than once fails, "observed:
/// rollback's client sent the 401 request 4 times"; a `retry:` block that says otherwise is
/// named), else from its declared `retry:` block (retrying 400/401/403/404/422 fails). More
/// than 5 declared attempts or backoffs that add up past the timeout are notes. The detail
/// says which releases were judged from observation and which from their declaration.
CheckResult RetryPolicyGate(const std::vector<ReleaseProfile>& profiles,
                            const std::map<std::string, ObservedRetries>* observed = nullptr);

}  // namespace rollgate::internal
