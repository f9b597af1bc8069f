// The smoke call: rollgate's prompt through the app's own config, client and parser, answered
// as one protocol JSON object (docs/app-probes.md). Shared by `sample_app smoke` (knobs from
// the environment) and `GET /smoke` (knobs from request headers).
//
// A failed provider call is data, not an error: every outcome, from a config_error before any
// call to a parser_error on a 200, ends in a protocol object. Only knobs that cannot be
// understood (a max-tokens value that is not a number) are refused, as usage errors.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "app_config.h"

namespace sample_app {

/// The knobs rollgate turns, as raw text: from ROLLGATE_* env vars (exec) or X-Rollgate-*
/// headers (http). nullopt: not given.
struct SmokeKnobs {
  std::optional<std::string> label;           // ROLLGATE_SMOKE_LABEL / X-Rollgate-Smoke-Label
  std::optional<std::string> max_tokens;      // ROLLGATE_SMOKE_MAX_TOKENS / ...-Max-Tokens
  std::optional<std::string> stream;          // ROLLGATE_SMOKE_STREAM / ...-Stream: 0 or 1
  std::optional<std::string> correlation_id;  // ROLLGATE_CORRELATION_ID / X-Client-Request-Id
  /// The invalid-token call: ROLLGATE_SMOKE_API_KEY / X-Rollgate-Smoke-Api-Key. When set, the
  /// call uses this key instead of the configured one.
  std::optional<std::string> api_key;
};

enum class KnobSource { kEnv, kHeaders };

struct SmokeInput {
  std::string label = "rollback-smoke";
  int max_tokens = 40;
  bool stream = false;
  std::string correlation_id;  // never empty after ParseSmokeKnobs (one is generated)
  std::string route = "cli";   // for the log: "cli" or "/smoke"
  std::string smoke_api_key;   // "" unless the invalid-token call asked for this key
};

/// Validates the knobs; errors name the variable or header ("ROLLGATE_SMOKE_MAX_TOKENS:
/// expected a positive integer, got 'lots'"), never the value of a key. A missing correlation
/// id gets a generated one, so the app's log line can always be found.
Result<SmokeInput> ParseSmokeKnobs(const SmokeKnobs& knobs, KnobSource source);

struct SmokeOutcome {
  std::string protocol_json;  // one line, no trailing newline; never contains the API key
  std::string warning;        // e.g. the log line could not be written; "" when none
};

/// Runs the smoke call: resolves the model alias, base URL and key (or takes the smoke key of
/// the invalid-token call), posts the prompt, parses the answer, falls back once when the
/// config says so, and appends the log line. The protocol object says who the client is
/// (`client`) and never carries either key.
/// `should_abort` (optional) is polled during the call; `serve` passes its stop signal.
SmokeOutcome RunSmoke(const AppConfig& config, const SmokeInput& input,
                      const std::function<bool()>& should_abort = {});

}  // namespace sample_app
