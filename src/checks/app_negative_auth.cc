// The order of the questions follows what the answer can prove. The call first has to have
// happened (a probe failure proves nothing, and is a failure of the app's error path). Then:
// did the app say it used the invalid key? Only then is its answer about that key at all.
// An app that did not say so either ignored the key (it speaks the current protocol, which
// has the call, and its call succeeded: fail) or does not implement the call yet (skip, with
// the sentence of what to add; never a silent skip).
#include "checks/app_negative_auth.h"

#include <algorithm>

#include "base/strings.h"
#include "checks/describe_exchange.h"
#include "checks/release_checks.h"

namespace rollgate::internal {

namespace {

constexpr const char kId[] = "negative_auth";

bool HasContent(const ChatResponse& c) {
  return (c.content_kind == ChatResponse::ContentKind::kString && !c.content.empty()) ||
         c.content_kind == ChatResponse::ContentKind::kOther;
}

// The client's typed error for a rejected key: AuthenticationError / PermissionDeniedError in
// the official SDKs, the provider's authentication_error / invalid_api_key where the app
// parses the body itself.
bool IsAuthError(const AppAnswer& a) {
  if (!a.error) return false;
  for (const std::string* s : {&a.error->type, &a.error->code}) {
    if (ContainsIgnoreCase(*s, "authentic") || ContainsIgnoreCase(*s, "permission") ||
        ContainsIgnoreCase(*s, "invalid_api_key")) {
      return true;
    }
  }
  return false;
}

// "401 AuthenticationError invalid_api_key: Incorrect API key provided" (sanitized, cut).
std::string DescribeAnswer(const AppAnswer& a) {
  std::string out = a.status == 0 ? std::string("no HTTP status") : std::to_string(a.status);
  if (!a.error) return out + ", no error";
  for (const std::string* s : {&a.error->type, &a.error->code}) {
    if (!s->empty()) out += " " + SanitizeForDisplay(*s, 40);
  }
  if (!a.error->message.empty()) out += ": " + SanitizeForDisplay(a.error->message, 120);
  return out;
}

CheckResult Make(CheckStatus status, std::string detail) {
  return {kId, status, std::move(detail), false};
}

}  // namespace

std::string AppNegativeAuthHowTo(bool http) {
  if (http) {
    return "To add it: when the X-Rollgate-Smoke-Api-Key header is sent, make the smoke route call "
           "the provider with that key instead of its configured one and add "
           "\"smoke_api_key_used\": true to its answer (docs/app-probes.md#the-invalid-token-call)";
  }
  return "To add it: when ROLLGATE_SMOKE_API_KEY is set, make the smoke command call the provider "
         "with that key instead of its configured one and add \"smoke_api_key_used\": true to its "
         "JSON line (docs/app-probes.md#the-invalid-token-call)";
}

CheckResult EvaluateAppNegativeAuth(const AppNegativeAuthInput& in,
                                    const std::vector<int>& expect_status) {
  const AppAnswer& a = in.answer;
  std::string app = in.release + "'s app (" + (in.http ? "smoke route" : "smoke command") + ")";
  const char* variable = in.http ? "X-Rollgate-Smoke-Api-Key" : "ROLLGATE_SMOKE_API_KEY";
  if (!in.failure.empty()) {
    return Make(CheckStatus::kFail,
                "the invalid-token call through " + app + " failed: " + in.failure);
  }
  bool succeeded = Is2xx(a.status) && !a.error;
  if (!a.smoke_api_key_used) {
    if (a.client_reported && (succeeded || HasContent(a.chat))) {
      return Make(CheckStatus::kFail,
                  "the app ignored " + std::string(variable) + ": " + app +
                      " answered the invalid-token call with " + std::to_string(a.status) +
                      (HasContent(a.chat) ? " and content" : "") +
                      ", so its call succeeded with its own key (its answer has no "
                      "\"smoke_api_key_used\": true). " +
                      AppNegativeAuthHowTo(in.http));
    }
    return Make(CheckStatus::kSkip, "not run through " + app +
                                        ": it does not implement the invalid-token call yet "
                                        "(its answer does not say it used " +
                                        variable + "). " + AppNegativeAuthHowTo(in.http));
  }
  if (HasContent(a.chat)) {
    return Make(CheckStatus::kFail,
                "content from an invalid key: " + app +
                    " used the deliberately invalid key and "
                    "reported content (status " +
                    std::to_string(a.status) +
                    "): the provider accepts any key, or the app's client turns a rejected "
                    "key into an answer");
  }
  if (Is2xx(a.status)) {
    return Make(CheckStatus::kFail,
                app + " used the deliberately invalid key and reported " + DescribeAnswer(a) +
                    ": a success without content, so the provider does not enforce auth or "
                    "the app's client hides the rejection");
  }
  bool expected =
      std::find(expect_status.begin(), expect_status.end(), a.status) != expect_status.end();
  if (expected || (a.status == 0 && IsAuthError(a))) {
    return Make(CheckStatus::kPass, in.release +
                                        "'s own client treated the invalid key as an error: " +
                                        DescribeAnswer(a) + ", no content");
  }
  return Make(CheckStatus::kFail,
              "ambiguous: " + app + " reported " + DescribeAnswer(a) +
                  " for the invalid-token call, not " + StatusList(expect_status) +
                  " or an authentication error, so it proves nothing about its client");
}

}  // namespace rollgate::internal
