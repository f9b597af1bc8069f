// How an HTTP exchange reads inside a finding's detail: the status, the provider's error code and
// message, the Content-Type and the body's first bytes, and the attempts a retry made. Every
// string is sanitized and cut, so a hostile or huge body never reaches the console whole.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "contract/error_body.h"
#include "probe/http_transport.h"
#include "probe/probe.h"

namespace rollgate::internal {

/// "503 model_not_found: no available channel ... (request id: x)" - status, code and the
/// provider's message, sanitized and cut; or the body's first bytes when it is not an envelope.
std::string DescribeHttpError(const HttpExchange& ex, const std::optional<ErrorBody>& error);

/// "1 attempt" / "2 attempts (503, 200)".
std::string DescribeAttempts(const ProbeOutcome& outcome);

/// The answer's Content-Type header, or "(none)".
std::string ContentTypeOf(const HttpExchange& ex);

/// `first bytes: "<the body's first 60 bytes, sanitized>"`.
std::string FirstBytes(const std::string& body);

/// The statuses a call may answer, as the checks name them: {401, 403} -> "401/403".
std::string StatusList(const std::vector<int>& statuses);

}  // namespace rollgate::internal
