#include "contract/flagger_payload.h"

#include "contract/json_util.h"

namespace rollgate::internal {

Result<FlaggerPayload> ParseFlaggerPayload(std::string_view body) {
  using nlohmann::json;
  // Bounded like every body from the network: a nesting bomb from a caller with a valid token
  // costs neither the server's stack nor its seconds.
  Result<json> parsed = ParseJsonBounded(body);
  if (!parsed.ok()) {
    return Status::InvalidArgument("the body is not JSON (" + parsed.status().message() +
                                   "); Flagger sends {name, namespace, phase, metadata}");
  }
  const json& j = *parsed;
  if (!j.is_object()) {
    return Status::InvalidArgument(
        "the body is not a JSON object; Flagger sends {name, namespace, phase, metadata}");
  }
  FlaggerPayload p;
  auto text = [&](const char* key, std::string* out) -> Status {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return Status::Ok();
    if (!it->is_string()) return Status::InvalidArgument(std::string(key) + ": expected a string");
    *out = it->get<std::string>();
    return Status::Ok();
  };
  ROLLGATE_RETURN_IF_ERROR(text("name", &p.name));
  ROLLGATE_RETURN_IF_ERROR(text("namespace", &p.namespace_name));
  ROLLGATE_RETURN_IF_ERROR(text("phase", &p.phase));
  auto md = j.find("metadata");
  if (md != j.end() && !md->is_null()) {
    if (!md->is_object()) return Status::InvalidArgument("metadata: expected an object");
    for (const auto& [key, value] : md->items()) {
      if (value.is_string()) {
        p.metadata[key] = value.get<std::string>();
      } else {
        p.metadata[key] = value.dump(-1, ' ', false, json::error_handler_t::replace);
      }
    }
  }
  return p;
}

}  // namespace rollgate::internal
