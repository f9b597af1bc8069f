// The library entry points: what `rollgate gate` and `rollgate check` do, minus the printing.
#pragma once

#include <string>

#include "rollgate/config.h"
#include "rollgate/report.h"
#include "rollgate/status.h"

namespace rollgate {

struct RunOptions {
  std::string command = "gate";  // "gate": every release; "check": one release
  std::string release;           // check: the release to probe
  std::string evidence_dir = "rollgate-evidence";
  bool write_evidence = true;
};

/// Loads `config_path` and runs. A config that cannot be understood is an InvalidArgument
/// Status (exit 2); failing to write evidence is an IoError (exit 3). Findings about the
/// releases are in `report` (decision "block"), never a Status.
Status RunFromFile(const std::string& config_path, const RunOptions& options, RunReport* report);

/// The same with an already loaded config (the ad-hoc `check`, the demo, embedding).
Status RunWithConfig(const Config& config, const RunOptions& options, RunReport* report);

}  // namespace rollgate
