// `rollgate rehearse`: every failure mode an operator fears, injected through the mock, must be
// caught by the gate or check that owns it (docs/rehearse.md). The rehearsal runs the real
// pipeline, once per mode, against an in-process mock provider.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollgate/rehearse.h"

namespace rollgate::internal {

// The options, the report and the entry point are public (rollgate/rehearse.h).
using ::rollgate::AppReport;
using ::rollgate::ParseRehearseResult;
using ::rollgate::Rehearse;
using ::rollgate::RehearseOptions;
using ::rollgate::RehearseReport;
using ::rollgate::RehearseResult;
using ::rollgate::RehearseRow;
using ::rollgate::RenderRehearseJson;
using ::rollgate::RenderRehearseTable;

}  // namespace rollgate::internal
