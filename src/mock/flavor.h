// Which provider the mock imitates. Split out of mock_provider.h so the mock's internal files
// can name it without depending on the provider class.
#pragma once

namespace rollgate::mock {

/// kCometApi: CometAPI's gateway quirks (FACTS.md §1): errors typed comet_api_error with the
/// request id inside the message, no x-request-id header, 503 for unknown models, 500 for a
/// missing `messages`, 301 for wrong paths, dated model snapshots, extra usage fields.
/// kOpenAi: OpenAI's behaviour (FACTS.md §2, §3): x-request-id on every response, 404 for
/// unknown models and paths, 400 for bad requests.
enum class Flavor { kCometApi, kOpenAi };

}  // namespace rollgate::mock
