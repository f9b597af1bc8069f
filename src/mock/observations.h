// What the mock saw a client do on the wire, and which requests a query reads. The values and
// their JSON form (GET /_mock/observations) are the mock's control wire format, in
// contract/mock_control_body.h; the record that fills them is mock/observer.h. Nothing here
// holds a secret or a prompt.
#pragma once

#include <string>
#include <utility>

#include "contract/mock_control_body.h"
#include "rollgate/mock.h"

namespace rollgate::mock {

using internal::ClientTimeout;
using internal::Observations;
using internal::ObservationsJson;
using internal::ObservedAttempt;
using internal::RetryAfterWait;
using internal::StallKind;
using internal::StallKindName;

/// Which requests to read. Empty members match everything; set members must all match.
struct ObservationQuery {
  std::string session;            // requests under /_session/<session>/ only
  std::string key;                // requests with this bearer token (compared by fingerprint)
  std::string key_fingerprint;    // the same by fingerprint ("sha256:…"), as GET takes it
  std::string client_request_id;  // requests with this X-Client-Request-Id

  // One-member queries (designated initializers trip -Wmissing-field-initializers in g++ 12).
  static ObservationQuery Session(std::string name) {
    ObservationQuery q;
    q.session = std::move(name);
    return q;
  }
  static ObservationQuery Key(std::string key) {
    ObservationQuery q;
    q.key = std::move(key);
    return q;
  }
  static ObservationQuery ClientRequestId(std::string id) {
    ObservationQuery q;
    q.client_request_id = std::move(id);
    return q;
  }
};

}  // namespace rollgate::mock
