// The rollback switch drill: the eight steps of DESIGN.md, in order, each recorded with its
// timestamps, status and detail. Any failure stops the drill, switches the route back to the
// rollback release and verifies it serves; the route is never left on a release that failed.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "rollgate/config.h"
#include "rollgate/report.h"
#include "run/runner.h"

namespace rollgate::internal {

struct DrillHooks {
  /// A step started (status kSkip, no finish time yet) or finished.
  std::function<void(const DrillStep& step, bool finished)> on_step;
  /// What the drill is waiting for right now ("route to serve 2.4.0 at http://...").
  std::function<void(const std::string& waiting_for)> on_wait;
};

/// Runs the drill over `config` (which must have `drill:`, `new` and `rollback`). `cancel`
/// (set by SIGINT/SIGTERM) stops it between steps and while waiting, and still restores the
/// rollback route. Findings land in `report` (its gates include rollback_switch_drill); a
/// Status is returned only for failures of rollgate itself.
Status RunDrill(const Config& config, const RunOptions& options, const RunSeams& seams, const DrillHooks& hooks,
                const std::atomic<bool>* cancel, RunReport* report);

}  // namespace rollgate::internal
