// Scrubbing what a provider (or an app) sent back, as soon as it arrives and before any check
// reads it: every later step quotes, escapes, truncates or parses these strings, and a secret
// must be found while it is still the raw text the provider wrote (base/secret.h).
#pragma once

#include "base/secret.h"
#include "probe/app_probe.h"
#include "probe/probe.h"

namespace rollgate::internal {

/// The body, every header name and value, the Location, the transport's error text.
void RedactExchange(const Redactor& redactor, HttpExchange* exchange);

/// Every attempt's exchange and parsed error, and the assembled stream.
void RedactProbeOutcome(const Redactor& redactor, ProbeOutcome* outcome);

/// What an exec or http app probe reported: its failure text, its answer, the route's exchange.
void RedactAppProbeOutcome(const Redactor& redactor, AppProbeOutcome* outcome);

}  // namespace rollgate::internal
