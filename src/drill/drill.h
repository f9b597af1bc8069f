// The rollback switch drill: the eight steps of DESIGN.md, in order, each recorded with its
// timestamps, status and detail. Any failure or interrupt stops the drill, switches the route
// back to the rollback release and verifies it serves; the route is never left on a release
// that failed, and `route_left_on` says only what was observed through the user-facing path.
#pragma once

#include <functional>
#include <string>

#include "rollgate/config.h"
#include "rollgate/drill.h"
#include "rollgate/report.h"
#include "run/runner.h"

namespace rollgate::internal {

/// Runs the drill over `config` (which must have `drill:`, `new` and `rollback`). Cancelling
/// `options.cancel` (SIGINT/SIGTERM/SIGHUP) stops steps 1-3 at once, and later steps between
/// switches and while waiting; then the rollback route is restored and verified, and that
/// recovery itself is never cancelled (bounded by action_timeout_ms and settle.timeout_ms).
/// The report is then `interrupted`, decision "block". Findings land in `report` (its gates
/// include rollback_switch_drill); a Status is returned only for failures of rollgate itself.
Status RunDrill(const Config& config, const RunOptions& options, const RunSeams& seams,
                const DrillHooks& hooks, RunReport* report);

}  // namespace rollgate::internal
