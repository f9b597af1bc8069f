// The rollback switch drill (the `rollgate drill` command; docs/drill.md): flip the route to the
// new release, probe the user-facing path, flip back to rollback and probe again, recording each
// step. Any failure or interrupt switches the route back to rollback and verifies it.
#pragma once

#include <functional>
#include <string>

#include "rollgate/report.h"
#include "rollgate/run.h"
#include "rollgate/status.h"

namespace rollgate {

/// What a caller may watch while the drill runs (the CLI's live line).
struct DrillHooks {
  /// A step started (status kSkip, no finish time yet) or finished.
  std::function<void(const DrillStep& step, bool finished)> on_step;
  /// What the drill is waiting for right now ("route to serve 2.4.0 at http://...").
  std::function<void(const std::string& waiting_for)> on_wait;
};

/// Loads `config_path` (which must have `drill:`, `new` and `rollback`) and runs the drill.
/// Cancelling `options.cancel` stops at the next safe point and restores the rollback route;
/// findings land in `report` (gate rollback_switch_drill, drill steps, route_left_on), evidence
/// and history are written as for gate; a Status is returned for bad input and for failures of
/// rollgate itself.
Status RunDrillFromFile(const std::string& config_path, const RunOptions& options,
                        const DrillHooks& hooks, RunReport* report);

}  // namespace rollgate
