// The route side of the drill: switching the route (a command or an HTTP call), waiting until
// the user-facing path serves the expected release, and smoking that path.
#pragma once

#include <string>

#include "base/clock.h"
#include "base/environment.h"
#include "rollgate/cancel.h"
#include "rollgate/config.h"

namespace rollgate::internal {

struct ActionResult {
  bool ok = false;
  std::string detail;  // what ran and how it ended (stderr or body first bytes on failure)
};

/// Runs one switch action, bounded by `timeout_ms`. Commands run without a shell in `dir`. It is
/// never cancelled half-way (a half-done switch is the worst state to leave a route in): the
/// drill lets it finish, then restores the rollback route.
ActionResult RunRouteAction(const DrillAction& action, int timeout_ms, const Environment& env,
                            const std::string& dir);

struct SettleResult {
  bool ok = false;
  std::string served;  // the last version the path reported
  std::string detail;
  int polls = 0;
};

/// Polls `url` until its `header` equals `want`, every poll_ms, at most timeout_ms (and not
/// past `cancel`, which may be null; a cancel also ends a poll in flight). Each poll is a GET
/// bounded by a few poll intervals. The wait ends after kSettledPolls matching answers in a
/// row: while a switch drains (nginx's old workers after a reload) the previous release still
/// answers some requests, and one lucky poll must not count as a switch (the drill's smoke call
/// retries as well: drill.cc SmokeVia).
inline constexpr int kSettledPolls = 3;
SettleResult WaitForVersion(const std::string& url, const std::string& header,
                            const std::map<std::string, std::string>& headers,
                            const std::string& want, int timeout_ms, int poll_ms,
                            CancelToken* cancel, const Clock& clock);

/// Sleeps `ms`, returning as soon as `cancel` (may be null) is cancelled.
void SleepUnlessCancelled(int ms, const CancelToken* cancel);

/// The switch action as an operator would type it: the argv shell-quoted where needed, or
/// "METHOD URL" for an HTTP action.
std::string DescribeRouteAction(const DrillAction& action);

}  // namespace rollgate::internal
