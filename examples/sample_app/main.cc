// sample_app: the small app a platform team runs, as rollgate's `probe: exec` and `probe: http`
// see it. This file is only the shell: flags, exit codes, and the signal handling `serve`
// needs. The work is in app_smoke.cc (the call), app_client.cc, app_parser.cc and app_log.cc.
//
// Exit codes: 0 the smoke answer was printed (whatever the provider said) or `serve` stopped
// cleanly; 2 usage or config error (the message names the file and key); 3 `serve` could not
// bind its address.
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "app_config.h"
#include "app_server.h"
#include "app_smoke.h"

namespace sample_app {
namespace {

constexpr char kUsage[] =
    "usage: sample_app smoke --config FILE\n"
    "       sample_app serve --config FILE [--listen HOST:PORT] [--keep-upstream-on-disconnect]\n"
    "\n"
    "smoke   make one smoke completion through the app's own client and parser and print the\n"
    "        result as one JSON object (rollgate's app protocol, docs/app-probes.md); exit 0\n"
    "        even when the provider call failed. Reads ROLLGATE_SMOKE_LABEL,\n"
    "        ROLLGATE_SMOKE_MAX_TOKENS, ROLLGATE_SMOKE_STREAM, ROLLGATE_CORRELATION_ID and\n"
    "        ROLLGATE_SMOKE_API_KEY (the invalid-token call: use this key instead).\n"
    "serve   serve GET /smoke (same object; knobs from X-Rollgate-Smoke-* headers and\n"
    "        X-Client-Request-Id), GET /healthz and GET /version until SIGINT or SIGTERM.\n"
    "        --listen defaults to 127.0.0.1:8080; port 0 picks a free port. Prints\n"
    "        'sample_app listening on http://HOST:PORT' when ready. A /smoke client that hangs\n"
    "        up ends the provider call made for it; --keep-upstream-on-disconnect lets the\n"
    "        call run on (the careless app `rollgate rehearse` reports).\n"
    "\n"
    "example (against the mock provider):\n"
    "  rollgate mock --listen 127.0.0.1:8787 --key sk-demo-key-0001 &\n"
    "  export SAMPLE_APP_BASE_URL=http://127.0.0.1:8787 COMETAPI_KEY=sk-demo-key-0001\n"
    "  ROLLGATE_CORRELATION_ID=try-1 sample_app smoke --config examples/sample_app/v2/app.json\n"
    "  sample_app serve --config examples/sample_app/v1/app.json --listen 127.0.0.1:0\n";

constexpr char kShortUsage[] =
    "usage: sample_app smoke --config FILE\n"
    "       sample_app serve --config FILE [--listen HOST:PORT]\n"
    "run 'sample_app --help' for details and an example\n";

struct Args {
  std::string command;  // "smoke" or "serve"
  std::string config;
  std::string listen = "127.0.0.1:8080";
  bool keep_upstream_on_disconnect = false;
  bool help = false;
};

// Returns nullopt (after printing why) when the command line cannot be understood.
std::optional<Args> ParseArgs(int argc, char** argv) {
  Args args;
  std::vector<std::string> rest(argv + 1, argv + argc);
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const std::string& a = rest[i];
    auto value = [&](const char* flag) -> std::optional<std::string> {
      if (i + 1 < rest.size()) return rest[++i];
      std::fprintf(stderr, "sample_app: %s needs a value\n", flag);
      return std::nullopt;
    };
    if (a == "-h" || a == "--help") {
      args.help = true;
    } else if (a == "--keep-upstream-on-disconnect") {
      args.keep_upstream_on_disconnect = true;
    } else if (a == "--config" || a == "--listen") {
      std::optional<std::string> v = value(a.c_str());
      if (!v) return std::nullopt;
      (a == "--config" ? args.config : args.listen) = *v;
    } else if (args.command.empty() && (a == "smoke" || a == "serve")) {
      args.command = a;
    } else {
      std::fprintf(stderr, "sample_app: unexpected argument '%s'\n", a.c_str());
      return std::nullopt;
    }
  }
  if (args.help) return args;
  if (args.command.empty() || args.config.empty()) {
    std::fprintf(stderr, "sample_app: %s\n",
                 args.command.empty() ? "a command is required (smoke or serve)"
                                      : "--config FILE is required");
    return std::nullopt;
  }
  return args;
}

std::optional<std::string> Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::optional<std::string>(v) : std::nullopt;
}

int Smoke(const AppConfig& config) {
  SmokeKnobs knobs{Env("ROLLGATE_SMOKE_LABEL"), Env("ROLLGATE_SMOKE_MAX_TOKENS"),
                   Env("ROLLGATE_SMOKE_STREAM"), Env("ROLLGATE_CORRELATION_ID"),
                   Env("ROLLGATE_SMOKE_API_KEY")};
  Result<SmokeInput> input = ParseSmokeKnobs(knobs, KnobSource::kEnv);
  if (!input.ok()) {
    std::fprintf(stderr, "sample_app: %s\n", input.status().message().c_str());
    return 2;
  }
  SmokeOutcome outcome = RunSmoke(config, *input);
  if (!outcome.warning.empty()) std::fprintf(stderr, "sample_app: %s\n", outcome.warning.c_str());
  std::printf("%s\n", outcome.protocol_json.c_str());
  std::fflush(stdout);
  return 0;
}

// REQUIRES: SIGINT and SIGTERM are blocked in every thread (main blocks them before any thread
// exists, and threads inherit the mask), so sigwait is the only place they are delivered.
int Serve(const AppConfig& config, const Args& args, const sigset_t& stop_signals) {
  const std::string& listen = args.listen;
  Result<std::pair<std::string, int>> address = ParseListen(listen);
  if (!address.ok()) {
    std::fprintf(stderr, "sample_app: %s\n", address.status().message().c_str());
    return 2;
  }
  AppServer server(config, address->first, address->second, args.keep_upstream_on_disconnect);
  Status started = server.Start();
  if (!started.ok()) {
    std::fprintf(stderr, "sample_app: %s\n", started.message().c_str());
    return 3;
  }
  std::printf("sample_app listening on %s\n", server.url().c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop_signals, &sig);
  server.Stop();
  std::fprintf(stderr, "sample_app: stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  return 0;
}

int Main(int argc, char** argv) {
  std::optional<Args> args = ParseArgs(argc, argv);
  if (!args) {
    std::fputs(kShortUsage, stderr);
    return 2;
  }
  if (args->help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  // Before any thread exists (curl's resolver, the server's workers): blocked here, the stop
  // signals are blocked everywhere, and `serve` takes them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  if (args->command == "serve") pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that hangs up is a failed write, not a dead process

  Result<AppConfig> config = LoadAppConfig(args->config);
  if (!config.ok()) {
    std::fprintf(stderr, "sample_app: %s\n", config.status().message().c_str());
    return 2;
  }
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    std::fprintf(stderr, "sample_app: cannot initialise libcurl\n");
    return 3;
  }
  int code = args->command == "serve" ? Serve(*config, *args, stop_signals) : Smoke(*config);
  curl_global_cleanup();
  return code;
}

}  // namespace
}  // namespace sample_app

int main(int argc, char** argv) { return sample_app::Main(argc, argv); }
