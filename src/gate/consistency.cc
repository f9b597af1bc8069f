#include "gate/consistency.h"

#include <algorithm>
#include <cmath>

#include "base/secret.h"
#include "base/strings.h"
#include "config/loader.h"
#include "probe/retry_policy.h"

namespace rollgate::internal {

const std::vector<std::string>& ConsistencyFields() { return ConsistencyFieldNames(); }

namespace {

// The server the release calls: scheme, host and port (http://h:9 and http://h:10 differ).
std::string HostOf(const ReleaseProfile& p) { return UrlOrigin(p.base_url); }

std::string RetryText(const RetryPolicy& r) {
  std::vector<std::string> codes;
  for (int c : r.retry_on) codes.push_back(std::to_string(c));
  return std::to_string(r.max_attempts) + " attempts, backoff " + std::to_string(r.backoff_ms) +
         " ms, retry_on [" + Join(codes, ",") + "]";
}

// Where a value came from; for a value that did not resolve, why not.
std::string Source(const ReleaseProfile& p, const std::string& key) {
  for (const auto& e : p.errors) {
    if (e.rfind(key + " ", 0) == 0) return e;
  }
  auto it = p.provenance.find(key);
  return it == p.provenance.end() ? "config" : it->second;
}

// What the diff shows for one header of one release: the fingerprint of its value (values
// may be credentials, so none is ever shown), "(not sent)", or "" when it did not resolve.
std::string HeaderValue(const ReleaseProfile& p, const std::string& name, bool* ok) {
  *ok = true;
  for (const auto& h : p.headers) {
    if (EqualsIgnoreCase(h.name, name))
      return h.value.empty() ? "(empty)" : KeyFingerprint(h.value);
  }
  for (const auto& [configured, source] : p.config->headers) {
    if (EqualsIgnoreCase(configured, name)) {
      *ok = false;  // configured, but its source did not resolve
      return "";
    }
  }
  return "(not sent)";
}

std::string HeaderSource(const ReleaseProfile& p, const std::string& name) {
  for (const auto& [configured, source] : p.config->headers) {
    if (EqualsIgnoreCase(configured, name)) return Source(p, "headers." + configured);
  }
  return "not configured";
}

// One row per header either release sends (names compare case-insensitively, as in HTTP).
void AddHeaderDiffs(const ReleaseProfile& a, const ReleaseProfile& b,
                    const std::vector<std::string>& expect, std::vector<FieldDiff>* out) {
  std::vector<std::string> names;
  for (const ReleaseProfile* p : {&a, &b}) {
    for (const auto& header : p->config->headers) {
      const std::string& name =
          header.first;  // not a structured binding: clang-14 cannot capture one
      bool seen = std::any_of(names.begin(), names.end(),
                              [&](const std::string& n) { return EqualsIgnoreCase(n, name); });
      if (!seen) names.push_back(name);
    }
  }
  const bool all_expected = std::find(expect.begin(), expect.end(), "headers") != expect.end();
  for (const auto& name : names) {
    FieldDiff d;
    d.field = "headers." + name;
    bool l_ok = true, r_ok = true;
    d.left = HeaderValue(a, name, &l_ok);
    d.right = HeaderValue(b, name, &r_ok);
    d.left_source = HeaderSource(a, name);
    d.right_source = HeaderSource(b, name);
    d.unresolved = l_ok != r_ok;
    d.differs = d.unresolved || d.left != d.right;
    d.expected = all_expected || std::find(expect.begin(), expect.end(), d.field) != expect.end();
    out->push_back(std::move(d));
  }
}

}  // namespace

std::vector<FieldDiff> DiffReleases(const ReleaseProfile& a, const ReleaseProfile& b,
                                    const std::vector<std::string>& expect) {
  std::vector<FieldDiff> out;
  auto add = [&](const std::string& field, const std::string& l, const std::string& r,
                 const std::string& ls, const std::string& rs, bool l_ok, bool r_ok) {
    FieldDiff d;
    d.field = field;
    d.left = l;
    d.right = r;
    d.left_source = ls;
    d.right_source = rs;
    d.unresolved = l_ok != r_ok;
    d.differs = d.unresolved || l != r;
    d.expected = std::find(expect.begin(), expect.end(), field) != expect.end();
    out.push_back(std::move(d));
  };
  const ReleaseConfig& ca = *a.config;
  const ReleaseConfig& cb = *b.config;
  add("endpoint_host", HostOf(a), HostOf(b), Source(a, "base_url"), Source(b, "base_url"),
      !HostOf(a).empty(), !HostOf(b).empty());
  add("path", a.path, b.path, Source(a, "path"), Source(b, "path"), true, true);
  add("method", a.ShownMethod(), b.ShownMethod(), "config", "config", true, true);
  add("model", a.model, b.model, Source(a, "model"), Source(b, "model"), !a.model.empty(),
      !b.model.empty());
  add("key_fingerprint", a.key_fingerprint, b.key_fingerprint, Source(a, "api_key"),
      Source(b, "api_key"), !a.key_fingerprint.empty(), !b.key_fingerprint.empty());
  add("timeout_ms", std::to_string(ca.timeout_ms), std::to_string(cb.timeout_ms), "config",
      "config", true, true);
  add("retry", RetryText(ca.retry), RetryText(cb.retry), "config", "config", true, true);
  add("stream", ca.stream ? "true" : "false", cb.stream ? "true" : "false", "config", "config",
      true, true);
  add("probe", ToString(ca.probe), ToString(cb.probe), "config", "config", true, true);
  AddHeaderDiffs(a, b, expect, &out);
  return out;
}

CheckResult ConfigConsistencyGate(const std::vector<FieldDiff>& diffs, const std::string& left,
                                  const std::string& right) {
  CheckResult g{"config_consistency", CheckStatus::kPass, "", false};
  std::vector<std::string> unexpected, expected;
  bool declarable = false;  // at least one difference could be declared in expect_differences
  for (const auto& d : diffs) {
    if (!d.differs) continue;
    if (d.unresolved) {
      // A secret or value that resolves on one side only is never an "expected" difference.
      const bool left_ok = !d.left.empty();
      unexpected.push_back(d.field + " resolves for " + (left_ok ? left : right) + " (" +
                           (left_ok ? d.left_source : d.right_source) + ") but not for " +
                           (left_ok ? right : left) + " (" +
                           (left_ok ? d.right_source : d.left_source) + ")");
      continue;
    }
    declarable = declarable || !d.expected;
    // One line per differing field, a handful per run: the expression shows the line's shape.
    // NOLINTNEXTLINE(performance-inefficient-string-concatenation)
    std::string text = d.field + ": " + left + " '" + d.left + "' (" + d.left_source + ") vs " +
                       right + " '" + d.right + "' (" + d.right_source + ")";
    (d.expected ? expected : unexpected).push_back(text);
  }
  if (!unexpected.empty()) {
    g.status = CheckStatus::kFail;
    g.detail = "unexpected difference" + std::string(unexpected.size() > 1 ? "s: " : ": ") +
               Join(unexpected, "; ") +
               (declarable ? " (declare intended ones in expect_differences)" : "");
    return g;
  }
  if (expected.empty()) {
    g.detail = left + " and " + right + " agree on " + Join(ConsistencyFields(), ", ");
  } else {
    g.detail = "only expected differences: " + Join(expected, "; ");
  }
  return g;
}

namespace {

// The observed half of the retry_policy gate for one release: failures (a non-retryable status
// sent more than once) and notes (a declaration the observation contradicts).
void JudgeObserved(const ReleaseProfile& p, const ObservedRetries& seen,
                   std::vector<std::string>* failures, std::vector<std::string>* notes) {
  const RetryPolicy& r = p.config->retry;
  auto declared = [&](int code) {
    return std::find(r.retry_on.begin(), r.retry_on.end(), code) != r.retry_on.end();
  };
  std::vector<std::string> sent, contradicted;
  for (const auto& [code, n] : seen.sends_per_status) {
    if (!IsNeverRetriedStatus(code)) continue;
    if (n > 1) {
      sent.push_back("the " + std::to_string(code) + " request " + std::to_string(n) + " times");
      if (!declared(code) || r.max_attempts <= 1) contradicted.push_back(std::to_string(code));
    } else if (n == 1 && declared(code) && r.max_attempts > 1) {
      notes->push_back("releases." + p.name + ".retry declares retrying " + std::to_string(code) +
                       " but its client was observed sending it once: the declaration is not what "
                       "the client does");
    }
  }
  if (sent.empty()) return;
  std::string text =
      "observed: " + p.name + "'s client sent " + Join(sent, ", ") +
      ": those fail the same way every time, so retries only multiply load during an incident";
  if (!contradicted.empty()) {
    text += " (releases." + p.name + ".retry says it does not retry " + Join(contradicted, ", ") +
            ": the declaration contradicts what the client does)";
  }
  failures->push_back(text);
}

// The declared half: retry_on naming a non-retryable status fails; long policies are notes.
void JudgeDeclared(const ReleaseProfile& p, bool observed, std::vector<std::string>* failures,
                   std::vector<std::string>* notes, std::vector<std::string>* fine) {
  const RetryPolicy& r = p.config->retry;
  std::vector<std::string> codes;
  for (int code : r.retry_on) {
    if (IsNeverRetriedStatus(code)) codes.push_back(std::to_string(code));
  }
  std::string name = "releases." + p.name + ".retry";
  if (!codes.empty() && !observed) {
    failures->push_back(
        name + " retries " + Join(codes, ", ") +
        ": those fail the same way every time, so retries only multiply load during an incident");
  }
  if (r.max_attempts > 5) {
    notes->push_back(name + ": " + std::to_string(r.max_attempts) +
                     " attempts turn one user request into " + std::to_string(r.max_attempts) +
                     " provider calls");
  }
  double backoff = 0;
  for (int k = 1; k < r.max_attempts; ++k) {
    backoff += std::min<double>(r.backoff_ms * std::pow(2.0, k - 1), r.max_backoff_ms);
  }
  double worst = backoff + static_cast<double>(r.max_attempts) * p.config->timeout_ms;
  if (backoff > p.config->timeout_ms) {
    notes->push_back(name + ": backoffs add up to " + FormatDurationMs(backoff) +
                     ", longer than timeout_ms " + std::to_string(p.config->timeout_ms) +
                     "; worst case " + FormatDurationMs(worst));
  } else {
    fine->push_back(p.name + " worst case " + FormatDurationMs(worst));
  }
}

}  // namespace

CheckResult RetryPolicyGate(const std::vector<ReleaseProfile>& profiles,
                            const std::map<std::string, ObservedRetries>* observed) {
  CheckResult g{"retry_policy", CheckStatus::kPass, "", false};
  std::vector<std::string> failures, notes, fine, by_observation, by_declaration;
  for (const auto& p : profiles) {
    if (!p.config) continue;
    const ObservedRetries* seen = nullptr;
    if (observed) {
      auto it = observed->find(p.name);
      if (it != observed->end() && !it->second.sends_per_status.empty()) seen = &it->second;
    }
    (seen ? by_observation : by_declaration).push_back(p.name);
    if (seen) JudgeObserved(p, *seen, &failures, &notes);
    JudgeDeclared(p, seen != nullptr, &failures, &notes, &fine);
  }
  // Which evidence the gate used, when it used any observation at all.
  std::string basis;
  if (!by_observation.empty()) {
    basis =
        " [judged from the observed client: " + Join(by_observation, ", ") +
        (by_declaration.empty() ? "" : "; from the declared retry: " + Join(by_declaration, ", ")) +
        "]";
  }
  if (!failures.empty()) {
    g.status = CheckStatus::kFail;
    g.detail = Join(failures, "; ");
    if (!notes.empty()) g.detail += "; also: " + Join(notes, "; ");
    g.detail += basis;
    return g;
  }
  if (!notes.empty()) {
    g.warning = true;
    g.detail = "no non-retryable status is retried; note: " + Join(notes, "; ") + basis;
    return g;
  }
  g.detail = "no non-retryable status is retried (" + Join(fine, ", ") + ")" + basis;
  return g;
}

}  // namespace rollgate::internal
