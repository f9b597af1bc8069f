// The gates: an operator's release checklist over the checks, and the one decision
// (DESIGN.md "Checks and gates"; ids are part of the public interface).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/profile.h"
#include "rollgate/config.h"
#include "rollgate/exit_code.h"
#include "rollgate/report.h"

namespace rollgate::internal {

struct ContractState {
  enum class State { kNotConfigured, kMissing, kLoaded } state = State::kNotConfigured;
  Contract contract;  // defaults unless kLoaded
  std::string path;
  std::string error;  // kMissing: why it could not be read
};

/// Present, reviewed within max_age_days of `today` (days since epoch, UTC), and every direct
/// release's effective method and path equal to the contract's (an exec or http release's app
/// client picks its own path: not compared).
CheckResult ContractReviewedGate(const ContractState& contract,
                                 const std::vector<ReleaseProfile>& profiles, int64_t today);

/// "new_release_smoke", "rollback_release_smoke", or "<name>_release_smoke".
std::string ReleaseGateId(const std::string& release);

/// Passes when every check of the release passed or was skipped.
CheckResult ReleaseSmokeGate(const ReleaseReport& release);

/// Combines the negative-auth results: one per provider endpoint (the direct call) and one per
/// exec/http release (the call through its client). Any fail: fail. Only skips: skip, with
/// their details. Passes beside skips: pass with a warning carrying the skips' details.
/// `enabled` false: skip.
/// `any_usable`: some release resolved its configuration (so an empty `per_endpoint` means no
/// release names its provider endpoint, as with exec and http probes without base_url).
CheckResult NegativeAuthGate(bool enabled, const std::vector<CheckResult>& per_endpoint,
                             bool any_usable);

/// Every probe record carries version, endpoint, timestamp and status; the provider's request
/// id is reported where it was sent, its absence is a note.
CheckResult ObservabilityGate(const RunReport& report);

/// kPass when no gate failed (a skipped gate does not block), else kBlock.
Decision Decide(const std::vector<CheckResult>& gates);

/// kPass: ExitCode::kPass (0); kBlock: ExitCode::kBlock (1). An interrupted run is kBlock here;
/// the CLI exits 128+signal for it instead (cli_common.h PrintReport).
ExitCode ExitCodeFor(Decision decision);

}  // namespace rollgate::internal
