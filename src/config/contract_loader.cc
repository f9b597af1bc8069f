// The contract file (contract.yaml): when the provider's docs were reviewed, the endpoint, and
// the fields a request and a response must carry.
#include <yaml-cpp/yaml.h>

#include "base/clock.h"
#include "base/file_util.h"
#include "config/limits.h"
#include "config/loader.h"
#include "config/yaml_reader.h"

namespace rollgate::internal {

namespace {

Status ParseContractTop(const YamlReader& r, const YAML::Node& root, Contract* c) {
  if (!root.IsDefined() || root.IsNull())
    return Status::InvalidArgument(r.file() + ": the contract file is empty");
  ROLLGATE_RETURN_IF_ERROR(r.RequireMap(root, "(top level)"));
  ROLLGATE_RETURN_IF_ERROR(
      r.CheckKeys(root, "",
                  {"reviewed_on", "max_age_days", "sources", "endpoint", "request_headers",
                   "request_fields", "response_fields", "error_fields"}));
  ROLLGATE_RETURN_IF_ERROR(
      r.GetString(root, "reviewed_on", "", &c->reviewed_on, /*required=*/true));
  if (!ParseIsoDate(c->reviewed_on)) {
    return r.Error(root["reviewed_on"], "reviewed_on",
                   "'" + c->reviewed_on + "' is not a date; use YYYY-MM-DD");
  }
  ROLLGATE_RETURN_IF_ERROR(r.GetInt(root, "max_age_days", "", &c->max_age_days, 1, 3650000));
  ROLLGATE_RETURN_IF_ERROR(r.GetStringList(root, "sources", "", &c->sources));
  const YAML::Node ep = root["endpoint"];
  if (ep.IsDefined() && !ep.IsNull()) {
    ROLLGATE_RETURN_IF_ERROR(r.RequireMap(ep, "endpoint"));
    ROLLGATE_RETURN_IF_ERROR(r.CheckKeys(ep, "endpoint", {"method", "path"}));
    ROLLGATE_RETURN_IF_ERROR(r.GetString(ep, "method", "endpoint", &c->method));
    ROLLGATE_RETURN_IF_ERROR(r.GetString(ep, "path", "endpoint", &c->path));
    if (c->path.empty() || c->path[0] != '/')
      return r.Error(ep["path"], "endpoint.path", "must start with '/'");
  }
  ROLLGATE_RETURN_IF_ERROR(r.GetStringList(root, "request_headers", "", &c->request_headers));
  ROLLGATE_RETURN_IF_ERROR(r.GetStringList(root, "request_fields", "", &c->request_fields));
  ROLLGATE_RETURN_IF_ERROR(r.GetStringList(root, "response_fields", "", &c->response_fields));
  ROLLGATE_RETURN_IF_ERROR(r.GetStringList(root, "error_fields", "", &c->error_fields));
  return Status::Ok();
}

}  // namespace

Result<Contract> ParseContract(const std::string& text, const std::string& file) {
  Contract c;
  c.file = file;
  YamlReader reader(file);
  ROLLGATE_RETURN_IF_ERROR(CheckConfigLimits(reader, text));
  ROLLGATE_RETURN_IF_ERROR(WithYamlRoot(
      text, file, [&](const YAML::Node& root) { return ParseContractTop(reader, root, &c); }));
  return c;
}

Result<Contract> LoadContract(const std::string& path) {
  ROLLGATE_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path, 1u << 20));
  return ParseContract(text, path);
}

Result<ConfiguredContract> LoadConfiguredContract(const Config& config) {
  ConfiguredContract out;
  if (config.contract_path.empty()) return out;
  Result<Contract> contract = LoadContract(config.contract_path);
  if (contract.ok()) {
    out.contract = std::move(contract).value();
  } else if (contract.status().code() == Status::Code::kInvalidArgument) {
    return contract.status();  // file:line: what is wrong; the gate exits 2 on it too
  } else {
    out.unreadable = contract.status().message();
  }
  return out;
}

std::string ConfiguredContract::UnreadableWarning(const Config& config,
                                                  std::string_view then) const {
  if (unreadable.empty()) return "";
  return "contract " + config.contract_path + ": " + unreadable + "; " + std::string(then);
}

}  // namespace rollgate::internal
