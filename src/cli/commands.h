// One function per command; app.cc and server_commands.cc parse flags with CLI11 and call these.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rollgate/history.h"
#include "rollgate/mock.h"
#include "rollgate/run.h"

namespace rollgate::cli {

struct GateArgs {
  std::string config;
  std::string evidence_dir = "rollgate-evidence";
  std::string config_dir;  // fleet: every config in this directory
  int concurrency = 64;    // fleet: requests on the wire at once
  std::string dotenv;      // --dotenv: ROLLGATE_DECISION etc. for GitLab (docs/ci.md)
  std::string shard;       // fleet: INDEX/COUNT or auto/COUNT; empty: every service
};
int RunGateCommand(const GateArgs& args);

struct CheckArgs {
  std::string config;
  std::string release;
  std::string evidence_dir = "rollgate-evidence";
  // Ad hoc, without a config file:
  std::string base_url;
  std::string model;
  std::string api_key_env;
  bool stream = false;
  int timeout_ms = 20000;
  std::string dotenv;    // --dotenv (docs/ci.md)
  bool explain = false;  // print every effective setting and the requests before the run
  bool dry_run = false;  // explain, then stop: nothing is sent, no app command runs
};
int RunCheckCommand(const CheckArgs& args);

struct DiffArgs {
  std::string config;
};
int RunDiffCommand(const DiffArgs& args);

struct DrillArgs {
  std::string config;
  std::string evidence_dir = "rollgate-evidence";
  std::string dotenv;  // --dotenv (docs/ci.md)
};
int RunDrillCommand(const DrillArgs& args);

struct RehearseArgs {
  std::string config;  // empty: the built-in setup
  std::string format = "table";
  std::string evidence_dir = "rollgate-evidence/rehearse";
  int parallel = 6;
};
int RunRehearseCommand(const RehearseArgs& args);

struct MockArgs {
  std::string listen = "127.0.0.1:8787";
  std::string flavor = "cometapi";
  std::vector<std::string> scenario_for_key;    // KEY=SCENARIO
  std::vector<std::string> scenario_for_model;  // MODEL=SCENARIO
  mock::MockOptions options;
};
int RunMockCommand(MockArgs args);

struct DemoArgs {
  std::string evidence_dir = "rollgate-evidence";
};
int RunDemoCommand(const DemoArgs& args);

struct ServeArgs {
  std::string config;
  std::string listen;        // HOST:PORT; empty: serve.listen from the config (127.0.0.1:9464)
  std::string evidence_dir;  // empty: runs write no evidence files (the history has gate.json)
};
int RunServeCommand(const ServeArgs& args);

struct HistoryArgs {
  HistoryRequest request;        // the flags bind straight into the library's request
  std::string format = "table";  // table | json: request.json
};
int RunHistoryCommand(const HistoryArgs& args);

}  // namespace rollgate::cli
