// The invalid-token call through the app's own client (`probe: exec` / `probe: http`,
// docs/app-probes.md#the-invalid-token-call): the app ran its smoke call once more with a
// deliberately invalid key in place of its own and reported what its client saw. This judges
// that report for the `negative_auth` gate.
#pragma once

#include <string>
#include <vector>

#include "contract/app_protocol.h"
#include "rollgate/report.h"

namespace rollgate::internal {

/// What the call through one release's app came to.
struct AppNegativeAuthInput {
  std::string release;  // "new"
  bool http = false;    // the smoke route (X-Rollgate-Smoke-Api-Key), else the smoke command
  std::string failure;  // the probe itself failed (command, route, version): no usable answer
  AppAnswer answer;     // valid when failure is empty
};

/// The sentence a skip carries: what the app must add so the call runs through its client.
std::string AppNegativeAuthHowTo(bool http);

/// pass: the app used the invalid key (`smoke_api_key_used`) and its client reported an error
///   (a status in `expect_status`, or an authentication error by type or code) and no content.
/// fail: content, or a success, from the invalid key; an app speaking the current protocol
///   (it reports `client`) whose call succeeded without saying it used the key (it ignored
///   it); any other answer (ambiguous: 429, 5xx, no answer); the probe itself failing.
/// skip: an app that does not implement the call yet, with AppNegativeAuthHowTo's sentence.
CheckResult EvaluateAppNegativeAuth(const AppNegativeAuthInput& in,
                                    const std::vector<int>& expect_status);

}  // namespace rollgate::internal
