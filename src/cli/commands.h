// One function per command; main.cc parses flags with CLI11 and calls these.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mock/mock_provider.h"
#include "rollgate/run.h"

namespace rollgate::cli {

struct GateArgs {
  std::string config;
  std::string evidence_dir = "rollgate-evidence";
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
};
int RunCheckCommand(const CheckArgs& args);

struct DiffArgs {
  std::string config;
};
int RunDiffCommand(const DiffArgs& args);

struct DrillArgs {
  std::string config;
  std::string evidence_dir = "rollgate-evidence";
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

}  // namespace rollgate::cli
