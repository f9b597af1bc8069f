// The per-release checks (ids are part of the public interface, DESIGN.md): configuration,
// connectivity, authentication, model, parser_compatibility, content_sanity, streaming,
// latency. Each turns probe outcomes into a status and one actionable line. The chat path is a
// chain: once a check fails, the later ones say "not reached" instead of piling on.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/profile.h"
#include "contract/chat_response.h"
#include "probe/probe.h"
#include "rollgate/config.h"
#include "rollgate/report.h"

namespace rollgate::internal {

/// An HTTP status in 200..299.
inline bool Is2xx(int status) { return status >= 200 && status < 300; }

struct ReleaseProbes {
  std::optional<ProbeOutcome> chat;    // absent when configuration failed
  std::optional<ProbeOutcome> stream;  // present when the release streams
  // exec/http probes: how the app was called ("the smoke command `app smoke`"), what its own
  // parser read (used instead of parsing a body), and an error in the app's own configuration.
  std::string via;
  std::optional<ChatResponse> chat_parsed;
  std::string app_config_error;
  std::optional<FallbackRecord> fallback;  // chat is then the fallback call
};

struct ReleaseEvaluation {
  std::vector<CheckResult> checks;
  ParsedFields parsed;   // what the chat answer revealed (never the completion text)
  StreamSummary stream;  // the streaming path, when probed
};

ReleaseEvaluation EvaluateRelease(const ReleaseProfile& profile, const ReleaseProbes& probes,
                                  const Contract& contract, const Thresholds& thresholds);

/// The result of the deliberately-invalid-token call against one endpoint.
CheckResult EvaluateNegativeAuth(const ProbeOutcome& outcome, const std::string& endpoint,
                                 const std::vector<int>& expect_status);

}  // namespace rollgate::internal
