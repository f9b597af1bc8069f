// rollgate_mock_server: the mock provider as a process, for tests that drive it from outside
// (tests/sdk/run.sh and the official OpenAI SDK). It takes a subset of `rollgate mock`'s flags
// with the same meaning and prints the same single ready line, so run.sh works with either:
//
//   rollgate_mock_server [--listen HOST:PORT] [--key K]... [--model M]... [--flavor F]
//                        [--scenario S] [--latency-ms N] [--chunk-interval-ms N]
//
// Prints "rollgate mock listening on http://HOST:PORT" (flushed) once serving, then runs until
// SIGINT or SIGTERM. Exit codes: 0 after a signal, 2 for bad flags, 3 when it cannot start.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/net.h"
#include "mock/mock_provider.h"

namespace {

using rollgate::mock::MockOptions;

int Usage(const std::string& problem) {
  std::fprintf(stderr,
               "rollgate_mock_server: %s\n"
               "usage: rollgate_mock_server [--listen HOST:PORT] [--key K]... [--model M]...\n"
               "         [--flavor cometapi|openai] [--scenario S] [--latency-ms N]\n"
               "         [--chunk-interval-ms N]\n",
               problem.c_str());
  return 2;
}

bool ParseInt(const std::string& text, int* out) {
  if (text.empty() || text.size() > 9 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  *out = std::atoi(text.c_str());
  return true;
}

bool ParseListen(const std::string& listen, MockOptions* o) {
  rollgate::Result<rollgate::internal::ListenAddress> address =
      rollgate::internal::ParseListenAddress(listen);
  if (!address.ok()) return false;
  o->host = address->host;
  o->port = address->port;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  MockOptions options;
  std::string flavor = "cometapi";
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) return Usage(flag + " needs a value");
    std::string value = argv[++i];
    bool ok = true;
    if (flag == "--listen") {
      ok = ParseListen(value, &options);
    } else if (flag == "--key") {
      options.keys.push_back(value);
    } else if (flag == "--model") {
      options.models.push_back(value);
    } else if (flag == "--flavor") {
      flavor = value;
    } else if (flag == "--scenario") {
      options.scenario = value;
    } else if (flag == "--latency-ms") {
      ok = ParseInt(value, &options.latency_ms);
    } else if (flag == "--chunk-interval-ms") {
      ok = ParseInt(value, &options.chunk_interval_ms);
    } else {
      return Usage("unknown flag " + flag);
    }
    if (!ok) return Usage("bad value for " + flag);
  }
  rollgate::Result<rollgate::mock::Flavor> parsed = rollgate::mock::ParseFlavor(flavor);
  if (!parsed.ok()) return Usage(parsed.status().message());
  options.flavor = *parsed;

  // Block the signals before any thread starts, so every thread inherits the mask and the
  // main thread alone receives them in sigwait().
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  rollgate::mock::MockProvider provider(options);
  rollgate::Status status = provider.Start();
  if (!status.ok()) {
    std::fprintf(stderr, "rollgate_mock_server: %s\n", status.message().c_str());
    return 3;
  }
  std::printf("rollgate mock listening on %s\n", provider.base_url().c_str());
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  provider.Stop();
  return 0;
}
