// What the run endpoints of `rollgate serve` answer, for the controllers that call them:
//
//  * Flagger (POST /hooks/flagger) reads only the status code: 200-202 is a pass, anything
//    above 202 a failure. So: 200 pass, 412 block, 503 capped / busy / stopping, 500 when
//    rollgate itself failed. Every non-pass is a failure, which is the safe side.
//  * Argo Rollouts (GET /hooks/argo, a web metric) treats a non-2xx answer as a measurement
//    *error*, not a failure, so the verdict must be in the body: 200 with
//    {"decision", "success": bool, ...} for pass, block and capped; other codes only for auth
//    (401/403), rollgate's own failures (500) and answers that are not verdicts at all (503:
//    serve is stopping, or too busy to wait for the run in flight).
//  * POST /run answers like Flagger; it never reuses an older result.
//
// Every body is the same JSON object (docs/serve.md), written by evidence/verdict_json.h; Flagger's
// payload is read by contract/flagger_payload.h. This file decides the words and the codes.
#pragma once

#include <string>

#include "base/secret.h"
#include "contract/flagger_payload.h"
#include "http_server/http_message.h"
#include "rollgate/status.h"
#include "serve/run_coordinator.h"

namespace rollgate::internal {

/// The JSON body for `outcome`; every text passes through `redactor`.
std::string RenderOutcomeJson(const RunOutcome& outcome, const Redactor& redactor);

enum class Caller { kFlagger, kArgo, kRunApi };

/// The HTTP status for `outcome` when `caller` asked (see the file comment).
int StatusFor(Caller caller, const RunOutcome& outcome);

/// The whole response: status, JSON body, and Retry-After on a 503.
ServerResponse OutcomeResponse(Caller caller, const RunOutcome& outcome, const Redactor& redactor);

/// A JSON error body {"decision":"error","success":false,"error":message} with `status`.
ServerResponse JsonError(int status, const std::string& message);

}  // namespace rollgate::internal
