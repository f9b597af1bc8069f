// `rollgate diff`: the consistency gate over two releases of one config, without a call.
#include "base/display.h"
#include "base/environment.h"
#include "base/secret.h"
#include "config/loader.h"
#include "config/profile.h"
#include "gate/consistency.h"
#include "gate/gates.h"
#include "rollgate/run.h"

namespace rollgate {

Status DiffFromFile(const std::string& config_path, const ResolveOptions& options,
                    DiffReport* report) {
  ROLLGATE_ASSIGN_OR_RETURN(Config config, internal::LoadConfig(config_path));
  const ReleaseConfig* left = config.FindRelease(report->left);
  const ReleaseConfig* right = config.FindRelease(report->right);
  if (!left || !right) {
    return Status::InvalidArgument(config_path + ": no release named " +
                                   (left ? report->right : report->left));
  }
  ROLLGATE_ASSIGN_OR_RETURN(
      std::vector<internal::ReleaseProfile> profiles,
      internal::ResolveWithoutProbing(
          config, {left, right}, options.env ? *options.env : ProcessEnvironment(), options.cancel,
          "the built-in method and path are compared", &report->warnings));
  const internal::ReleaseProfile& a = profiles[0];
  const internal::ReleaseProfile& b = profiles[1];
  std::vector<internal::FieldDiff> diffs = internal::DiffReleases(a, b, config.expect_differences);
  report->gate = internal::ConfigConsistencyGate(diffs, report->left, report->right);
  internal::Redactor redactor;
  for (const internal::ReleaseProfile* p : {&a, &b}) {
    redactor.AddSecret(p->api_key);
    for (const auto& h : p->headers) {
      if (h.secret) redactor.AddSecret(h.value);
    }
  }
  auto shown = [&](const std::string& s) { return internal::DisplayText(redactor.Redact(s)); };
  for (const auto& d : diffs) {
    report->rows.push_back({shown(d.field), shown(d.left), shown(d.right), shown(d.left_source),
                            shown(d.right_source), d.differs, d.expected, d.unresolved});
  }
  report->gate.detail = shown(report->gate.detail);
  return Status::Ok();
}

}  // namespace rollgate
