#include "mock/scenario.h"

#include <array>
#include <utility>

#include "mock/mock_provider.h"

namespace rollgate::mock {

namespace {

constexpr std::array<std::pair<Scenario, std::string_view>, 33> kScenarios = {{
    {Scenario::kOk, "ok"},
    {Scenario::kRotatedKey, "rotated-key"},
    {Scenario::kModelMissing, "model-missing"},
    {Scenario::kSchemaDrift, "schema-drift"},
    {Scenario::kTruncated, "truncated"},
    {Scenario::kPromptIgnored, "prompt-ignored"},
    {Scenario::kErrorIn200, "error-in-200"},
    {Scenario::kHtml502, "html-502"},
    {Scenario::kRateLimited, "rate-limited"},
    {Scenario::kFlaky5xx, "flaky-5xx"},
    {Scenario::kSlow, "slow"},
    {Scenario::kSlowBody, "slow-body"},
    {Scenario::kStreamCut, "stream-cut"},
    {Scenario::kStreamError, "stream-error"},
    {Scenario::kStreamNoUsage, "stream-no-usage"},
    {Scenario::kNoRequestId, "no-request-id"},
    {Scenario::kAcceptAnyKey, "accept-any-key"},
    {Scenario::kWrongContentType, "wrong-content-type"},
    {Scenario::kInvalidUtf8, "invalid-utf8"},
    {Scenario::kOversizedBody, "oversized-body"},
    {Scenario::kResetMidBody, "reset-mid-body"},
    {Scenario::kEmptyChoices, "empty-choices"},
    {Scenario::kStreamStall, "stream-stall"},
    {Scenario::kStreamSchemaDrift, "stream-schema-drift"},
    {Scenario::kPrimaryModelDown, "primary-model-down"},
    {Scenario::kStallHeaders, "stall-headers"},
    {Scenario::kStallMidBody, "stall-mid-body"},
    {Scenario::kStatus400, "status-400"},
    {Scenario::kStatus403, "status-403"},
    {Scenario::kStatus404, "status-404"},
    {Scenario::kStatus422, "status-422"},
    {Scenario::kStatus500, "status-500"},
    {Scenario::kStatus503, "status-503"},
}};

}  // namespace

const std::vector<std::string>& AllScenarioNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    out.reserve(kScenarios.size());
    for (const auto& [scenario, name] : kScenarios) out.emplace_back(name);
    return out;
  }();
  return names;
}

const std::vector<std::string>& ScenarioNames() { return AllScenarioNames(); }

std::optional<Scenario> ParseScenario(std::string_view name) {
  for (const auto& [scenario, known] : kScenarios) {
    if (known == name) return scenario;
  }
  return std::nullopt;
}

std::string_view ScenarioName(Scenario scenario) {
  for (const auto& [known, name] : kScenarios) {
    if (known == scenario) return name;
  }
  return "ok";
}

int InjectedStatus(Scenario scenario) {
  switch (scenario) {
    case Scenario::kStatus400:
      return 400;
    case Scenario::kStatus403:
      return 403;
    case Scenario::kStatus404:
      return 404;
    case Scenario::kStatus422:
      return 422;
    case Scenario::kStatus500:
      return 500;
    case Scenario::kStatus503:
      return 503;
    default:
      return 0;
  }
}

bool OnlyAffectsStreams(Scenario scenario) {
  switch (scenario) {
    case Scenario::kStreamCut:
    case Scenario::kStreamError:
    case Scenario::kStreamNoUsage:
    case Scenario::kStreamStall:
    case Scenario::kStreamSchemaDrift:
      return true;
    default:
      return false;
  }
}

}  // namespace rollgate::mock
