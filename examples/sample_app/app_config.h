// The sample app's own configuration file: one JSON document per release, shipped next to the
// image the way a platform team ships it (examples/sample_app/README.md has the schema).
//
// It is deliberately NOT rollgate's config format. The point of `probe: exec` / `probe: http` is
// that rollgate reaches the provider through the app's configuration path (which secret it
// reads, which model an alias maps to), so the app must have a path of its own to get wrong.
//
// Two kinds of problem, two outcomes:
//  * the file cannot be understood (unreadable, invalid JSON, unknown key, wrong type, unknown
//    parser): LoadAppConfig fails and the app exits 2 before doing anything;
//  * the file is fine but the deployment around it is not (the key's env var is unset, the
//    secret file is gone, the model alias maps to nothing): that is how the app would fail in
//    production, so it is reported as data ("type": "config_error") by the smoke call.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rollgate/status.h"

namespace sample_app {

using rollgate::Result;
using rollgate::Status;

/// How the app parses the provider's answer: the "shared library upgrade" knob.
enum class ParserMode {
  kTolerant,      // ignores unknown fields, as the official SDKs do
  kStrictFields,  // rejects top-level fields outside the OpenAI schema it was written for
  kContentParts,  // expects message.content as [{"type":"text","text":...}] parts
};

/// What a log line carries (app_log.h).
enum class LogFields {
  kFull,     // version, route, endpoint, model, status, request id, correlation id
  kMinimal,  // level, message and correlation id only: the logging an SRE fears
  kLeaky,    // full plus the Authorization header: a deliberate leak for rollgate to catch
};

/// Where a value comes from. Sources are resolved at call time, not at load time, so a key file
/// rotated under a running `serve` is read by the next call, as a mounted secret would be.
struct ValueSource {
  enum class Kind { kLiteral, kEnv, kFile };
  Kind kind = Kind::kLiteral;
  std::string text;  // the literal, the variable name, or the file path (already absolute)
  std::string key;   // the config key it belongs to ("api_key"), for messages
};

/// Retry once with another model when the primary call fails in a listed way.
struct FallbackConfig {
  std::string model;                 // the model name sent on the retry (not an alias)
  std::vector<int> on_status;        // HTTP statuses that trigger the retry
  std::vector<std::string> on_code;  // error.code values that trigger the retry
};

struct AppConfig {
  std::string path;     // the config file as given on the command line
  std::string version;  // the release version, sent as X-Release-Version and logged
  ValueSource base_url;
  ValueSource api_key;
  std::string model_alias;                    // a key of `models`, checked at call time
  std::map<std::string, std::string> models;  // alias -> provider model name
  int timeout_ms = 20000;                     // whole provider call, per attempt
  ParserMode parser = ParserMode::kTolerant;
  std::string log_file;  // resolved against the config's directory; empty: no log
  LogFields log_fields = LogFields::kFull;
  std::optional<FallbackConfig> fallback;
};

/// Reads and validates the file. Errors name the file and the key:
/// "v2/app.json: parser: unknown parser 'strict' (expected tolerant, strict-fields or
/// content-parts)". A model alias missing from `models` is not an error here (see above).
Result<AppConfig> LoadAppConfig(const std::string& path);

/// The value of `source` now. Fails with a message naming the config key and the source
/// ("api_key: environment variable COMETAPI_KEY is not set"). Values are trimmed of surrounding
/// whitespace (as the official SDKs do); an empty value counts as missing.
Result<std::string> ResolveValue(const ValueSource& source);

std::string_view ParserModeName(ParserMode mode);

}  // namespace sample_app
