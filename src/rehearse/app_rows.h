// The rehearsal's per-release judgement and rendering of what an app's own client did: a mode
// row judged from what the mock saw the target's app do (AddAppObservation), and the APPS
// table of the console (docs/rehearse.md; the `apps[]` JSON is evidence/rehearse_json.cc's).
// Internal to rehearse/.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "rehearse/modes.h"
#include "rehearse/rehearse.h"
#include "rollgate/report.h"

namespace rollgate::internal {

/// "200: 1, 401: 4".
std::string AttemptsText(const std::map<std::string, int64_t>& attempts);

/// Amends `row` (a mode whose target went through its app) with what the mock saw the app's
/// client do, and the judgement only the observation can make.
void AddAppObservation(const Mode& mode, const ModeSetup& setup, const RunReport& report,
                       RehearseRow* row);

/// The APPS table under the matrix ("" when there are no apps).
std::string RenderApps(const RehearseReport& report);

}  // namespace rollgate::internal
