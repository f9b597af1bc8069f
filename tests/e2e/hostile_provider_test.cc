// A hostile provider: it echoes each release's key back in every spelling a provider, gateway or
// proxy could produce (tests/testutil/secret_forms.h) and in every channel it has (the error
// message, header names and values, a redirect's Location, an SSE error event), mixed with
// terminal escape sequences and Markdown/HTML. The keys are the awkward ones: non-ASCII, a BOM
// with a trailing space, backslashes, quotes, '/', '+', '=' and a space. rollgate's gate, check,
// diff, history and serve (with /metrics) run against it, and everything they leave behind
// (stdout, stderr, every evidence file, the history database) is scanned for every form of
// every key and for control characters. It also holds a header secret read from `{env:}`: sent
// to the provider, replaced on the invalid-token call, fingerprinted in `rollgate diff`.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/secret.h"
#include "e2e/e2e_util.h"
#include "e2e/raw_http_server.h"
#include "testutil/child_process.h"
#include "testutil/secret_forms.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"
#include "testutil/test_http_client.h"

namespace rollgate::testing {
namespace {

const std::string& HostileNewKey() { return AwkwardKeys()[0]; }  // env
const std::string& HostileRollbackKey() {
  return AwkwardKeys()[1];
}  // file, with a BOM and a space
const std::string& HostileRedirectKey() { return AwkwardKeys()[2]; }  // env
const std::string kHostileHeaderKey =
    "xh-gate\xc3\xa4way/Kp4\\Tn8\"Rs2+Lw6=";                           // X-Api-Key from {env:}
const std::string kHostileExecKey = "sk-exec-Hq3Vm8Zt1Rb6Xc9Ln2";      // only in the exec command
const std::string kHostileExecToken = "plain-exec-token-Wd4Jf7Gs0Kx";  // not key-shaped at all
const std::string kHostileServeToken = "rg-hostile-serve-Pm5Qr8Tu2Vy";
constexpr char kInvalidTokenPrefix[] = "sk-rollgate-negative-auth-invalid";

// Terminal escapes (colour, BEL), a bare CR that would overwrite the line, and Markdown/HTML
// that would make an image, a link and table columns. Short, so the spellings of the key that
// come first in each message all fit in the 140 bytes of it a detail quotes.
constexpr char kHostileInjection[] = "\x1b[31mX\x07\rOK <img src=x> [a](https://evil.example) |t|";

// The new release's version, read from the environment: config-derived text is held to the
// same rules as a provider's.
constexpr char kHostileVersion[] = "2.4\x1b[31m\x07\r0\x1b]0;pwned\x07";

// Each response carries kFormsPerRound spellings of its key, starting at round * kFormsPerRound:
// the test runs the gate until every spelling has been through every channel.
constexpr std::size_t kFormsPerRound = 3;

std::string Forms(const std::string& key, int round) {
  auto spellings = SecretSpellings(key);
  std::string out;
  for (std::size_t i = 0; i < kFormsPerRound; ++i) {
    out += spellings[(static_cast<std::size_t>(round) * kFormsPerRound + i) % spellings.size()]
               .second +
           " ";
  }
  return out;
}

std::string Response(const std::string& status, const std::vector<std::string>& headers,
                     const std::string& body) {
  std::string out = "HTTP/1.1 " + status +
                    "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\n";
  for (const auto& h : headers) out += h + "\r\n";
  return out + "\r\n" + body;
}

std::string ErrorJson(const std::string& message, const std::string& type) {
  return nlohmann::json({{"error", {{"message", message}, {"type", type}, {"code", nullptr}}}})
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

class HostileProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ =
        std::make_unique<RawHttpServer>([this](const RawRequest& req) { return Answer(req); });
    ASSERT_OK(server_->Start());
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
    dir_.Write("contract.yaml", "reviewed_on: 2026-11-20\nmax_age_days: 36500\n");
    dir_.Write("secrets/rollback.key", HostileRollbackKey() + "\n");
    // The app behind the exec release: it reports no `done` on its streaming path, as an app
    // whose SDK hides [DONE] cannot.
    dir_.Write(
        "app.sh",
        "printf '%s\\n' "
        "'{\"status\":200,\"content\":\"{\\\"ok\\\":true,\\\"label\\\":\\\"rollback-smoke\\\"}\","
        "\"finish_reason\":\"stop\",\"chunks\":3}'\n");
    config_ = dir_.Write("rollgate.yaml",
                         "service: hostile\ncontract: contract.yaml\nhistory: {db: history.db}\n"
                         "serve: {token: {env: HOSTILE_SERVE_TOKEN}}\n"
                         "defaults: {timeout_ms: 5000, retry: {max_attempts: 1}}\n"
                         "releases:\n"
                         "  new:\n    version: {env: HOSTILE_VERSION}\n    base_url: " +
                             base_ +
                             "/new\n    api_key: {env: HOSTILE_KEY_NEW}\n"
                             "    model: m\n    stream: true\n    headers: {X-Api-Key: {env: "
                             "HOSTILE_GATEWAY_KEY}, X-Tenant: acme}\n"
                             "  rollback:\n    version: '1'\n    base_url: " +
                             base_ +
                             "/rollback\n"
                             "    api_key: {file: secrets/rollback.key}\n    model: m\n"
                             "  redirect:\n    version: '1'\n    base_url: " +
                             base_ +
                             "/redirect\n"
                             "    api_key: {env: HOSTILE_KEY_REDIRECT}\n    model: m\n"
                             "  app:\n    version: '1'\n    probe: exec\n    stream: true\n"
                             "    command: [env, 'OPENAI_API_KEY=" +
                             kHostileExecKey + "', 'APP_SESSION_TOKEN=" + kHostileExecToken +
                             "', sh, app.sh, smoke]\n");
  }

  std::vector<std::string> Env() const {
    return {"HOSTILE_KEY_NEW=" + HostileNewKey(),
            "HOSTILE_KEY_REDIRECT=" + HostileRedirectKey(),
            "HOSTILE_VERSION=" + std::string(kHostileVersion),
            "HOSTILE_GATEWAY_KEY=" + kHostileHeaderKey,
            "HOSTILE_SERVE_TOKEN=" + kHostileServeToken,
            "NO_COLOR=1"};
  }

  // The provider's side: every answer echoes what it received, in as many forms as it can.
  std::string Answer(const RawRequest& req) {
    std::string auth = req.Header("authorization");
    {
      std::lock_guard<std::mutex> lock(mu_);
      received_.push_back({req.path, auth, req.Header("x-api-key")});
    }
    const int round = round_.load();
    if (auth.find(kInvalidTokenPrefix) != std::string::npos) {
      return Response("401 Unauthorized", {"Content-Type: application/json"},
                      ErrorJson("invalid token; X-Api-Key was " + req.Header("x-api-key"),
                                "invalid_request_error"));
    }
    if (req.path.rfind("/new/", 0) == 0 && req.body.find("\"stream\":true") != std::string::npos) {
      // An error event mid-stream, under HTTP 200, quoting the key.
      std::string chunk =
          nlohmann::json({{"choices", {{{"index", 0}, {"delta", {{"content", "{\"ok\":"}}}}}}})
              .dump();
      std::string error =
          ErrorJson(Forms(kHostileHeaderKey, round) + kHostileInjection, "server_error");
      std::string body = "data: " + chunk + "\n\ndata: " + error + "\n\n";
      return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" +
             body;
    }
    if (req.path.rfind("/new/", 0) == 0) {
      std::string key = HostileNewKey();
      return Response(
          "401 Unauthorized",
          {"Content-Type: application/json",
           "X-Request-Id: " + SecretSpellings(key)[round % 7].second,
           "X-\x1b[31mEvil\x07-Trace: \x1b]0;pwned\x07\rFAKE"},
          ErrorJson(Forms(key, round) + kHostileInjection + " " + key.substr(0, key.size() - 3),
                    "invalid_request_error"));
    }
    if (req.path.rfind("/rollback/", 0) == 0) {
      // No x-request-id: the request id comes from this header, name and value both hostile.
      return Response(
          "503 Service Unavailable",
          {"Content-Type: application/json",
           "X-\x1b[1mEvil\x07" + SecretSpellings(HostileRollbackKey())[round % 7].second +
               "-Request-Id: \x1b]0;pwned\x07\rFAKE " +
               SecretSpellings(HostileRollbackKey())[round % 7].second},
          ErrorJson(Forms(HostileRollbackKey(), round) + kHostileInjection, "server_error"));
    }
    std::string location = base_ + "/moved?k=" + Forms(HostileRedirectKey(), round);
    return Response("302 Found", {"Location: " + location, "Content-Type: text/plain"}, "moved");
  }

  CliRun Run(const std::string& label, const std::vector<std::string>& args) {
    CliRun run = RunRollgate(args, Env(), 60000);
    Collect(label + " stdout", run.out);
    Collect(label + " stderr", run.err);
    consoles_.push_back(run.out);
    return run;
  }
  void Collect(const std::string& where, const std::string& text) {
    texts_.emplace_back(where, text);
  }

  void CollectFiles() {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
      std::string path = entry.path().string();
      if (!entry.is_regular_file() || path.find("/secrets/") != std::string::npos) continue;
      if (path.ends_with("rollgate.yaml")) continue;  // the config names the exec command's secrets
      texts_.emplace_back(path, ReadOr(path));
    }
  }

  TempDir dir_;
  std::unique_ptr<RawHttpServer> server_;
  std::string base_;
  std::string config_;
  std::atomic<int> round_{0};
  std::mutex mu_;
  struct Received {
    std::string path, authorization, api_key;
  };
  std::vector<Received> received_;
  std::vector<std::pair<std::string, std::string>> texts_;
  std::vector<std::string> consoles_;
};

TEST_F(HostileProviderTest, NoFormOfAnyKeyAndNoControlCharacterReachesAnyOutput) {
  const std::size_t rounds =
      (SecretSpellings(HostileNewKey()).size() + kFormsPerRound - 1) / kFormsPerRound;
  for (std::size_t r = 0; r < rounds; ++r) {
    round_ = static_cast<int>(r);
    CliRun gate =
        Run("gate round " + std::to_string(r), {"gate", "--config", config_, "--evidence-dir",
                                                dir_.Join("ev/round-" + std::to_string(r))});
    EXPECT_EQ(gate.exit_code, 1) << gate.out << gate.err;
  }
  CliRun check = Run("check --release new", {"check", "--config", config_, "--release", "new",
                                             "--evidence-dir", dir_.Join("ev/check")});
  EXPECT_EQ(check.exit_code, 1) << check.out << check.err;

  // The header secret: fingerprinted in the diff, never shown.
  CliRun diff = Run("diff", {"diff", "--config", config_});
  EXPECT_NE(diff.out.find("headers.X-Api-Key"), std::string::npos) << diff.out;
  EXPECT_NE(diff.out.find(internal::KeyFingerprint(kHostileHeaderKey)), std::string::npos)
      << diff.out;

  std::string db = dir_.Join("history.db");
  Run("history", {"history", "--db", db});
  Run("history --run 1", {"history", "--db", db, "--run", "1"});

  // serve: a triggered run, then /metrics.
  ChildProcess serve;
  std::vector<std::string> env = Env();
  ASSERT_OK(serve.Start({{ROLLGATE_BINARY, "serve", "--config", config_, "--listen", "127.0.0.1:0",
                          "--evidence-dir", dir_.Join("ev/serve")},
                         env,
                         dir_.path()}));
  Result<std::string> ready =
      serve.WaitForLine("rollgate serve listening on ", std::chrono::seconds(20));
  ASSERT_OK(ready);
  std::string url = ready->substr(std::string("rollgate serve listening on ").size());
  TestResponse triggered =
      HttpPost(url + "/run", "", {"Authorization: Bearer " + kHostileServeToken});
  Collect("POST /run", triggered.body);
  TestResponse metrics = HttpGet(url + "/metrics");
  Collect("GET /metrics", metrics.body);
  EXPECT_NE(metrics.body.find("rollgate_"), std::string::npos) << metrics.body;
  ASSERT_TRUE(serve.Signal(SIGTERM));
  ASSERT_TRUE(serve.WaitForExit(std::chrono::seconds(30)).has_value());
  Collect("serve stdout", serve.out());
  Collect("serve stderr", serve.err());
  CollectFiles();

  // 1. No form of any secret, anywhere.
  std::vector<std::pair<std::string, std::string>> needles;
  for (const std::string& key :
       {HostileNewKey(), HostileRollbackKey(), HostileRedirectKey(), kHostileHeaderKey}) {
    for (auto& n : SecretNeedles(key)) needles.push_back(std::move(n));
  }
  for (const std::string& s : {kHostileExecKey, kHostileExecToken, kHostileServeToken})
    needles.emplace_back(s, s);
  int scanned = 0;
  for (const auto& [where, text] : texts_) {
    ++scanned;
    for (const auto& [needle, what] : needles) {
      ASSERT_EQ(text.find(needle), std::string::npos)
          << what << " (" << internal::SanitizeForDisplay(needle, 200) << ") found in " << where
          << ": "
          << internal::SanitizeForDisplay(
                 text.substr(text.find(needle) > 80 ? text.find(needle) - 80 : 0, 240), 400);
    }
  }
  EXPECT_GE(scanned, 40);

  // 2. No control character on a console, in summary.md, junit.xml or the history's outputs;
  // the escape sequences we sent are not in any file either (the history database included).
  for (const auto& [where, text] : texts_) {
    if (where.find("ev/") != std::string::npos || where.ends_with(".db") ||
        where.ends_with("-wal")) {
      EXPECT_EQ(text.find("\x1b["), std::string::npos) << where;
      EXPECT_EQ(text.find("\x1b]"), std::string::npos) << where;
    }
    bool readable = where.ends_with("stdout") || where.ends_with("summary.md") ||
                    where.ends_with("junit.xml") || where.ends_with("gate.json") ||
                    where.ends_with("probes.jsonl");
    if (!readable) continue;
    for (char c : {'\x1b', '\x07', '\r'}) {
      EXPECT_EQ(text.find(c), std::string::npos)
          << "control 0x" << std::hex << int(c) << " in " << where;
    }
  }

  // 3. The provider's Markdown and HTML are text in summary.md, not markup.
  std::string summary = ReadOr(dir_.Join("ev/round-0/summary.md"));
  EXPECT_NE(summary.find("&lt;img src=x"), std::string::npos) << "the message is there, escaped:\n"
                                                              << summary;
  EXPECT_EQ(summary.find("<img"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("](https://evil"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("https://evil"), std::string::npos) << "no autolink either:\n" << summary;
  EXPECT_EQ(summary.find("|t|"), std::string::npos) << summary;

  // 4. The exec command is shown with its secrets masked (argv[0] as found on PATH).
  EXPECT_NE(consoles_[0].find(
                "env OPENAI_API_KEY=[redacted] APP_SESSION_TOKEN=[redacted] sh app.sh smoke"),
            std::string::npos)
      << consoles_[0];

  // 5. An app that does not report `done`: unknown, said once, never "seen".
  nlohmann::json gate = nlohmann::json::parse(ReadOr(dir_.Join("ev/round-0/gate.json")));
  for (const auto& rel : gate["releases"]) {
    if (rel["name"] != "app") continue;
    EXPECT_TRUE(rel["stream"]["done_seen"].is_null()) << rel["stream"].dump();
    for (const auto& c : rel["checks"]) {
      if (c["id"] != "streaming") continue;
      std::string detail = c["detail"];
      EXPECT_NE(detail.find("[DONE] not reported by the app"), std::string::npos) << detail;
      EXPECT_EQ(detail.find("[DONE] seen"), std::string::npos) << detail;
      EXPECT_EQ(detail.find("[DONE]"), detail.rfind("[DONE]")) << "said once: " << detail;
    }
  }

  // 6. The rollback key's BOM and trailing space are a configuration note.
  for (const auto& rel : gate["releases"]) {
    if (rel["name"] != "rollback") continue;
    std::string detail = rel["checks"][0]["detail"];
    EXPECT_NE(detail.find("starts with a UTF-8 byte-order mark and ends with whitespace"),
              std::string::npos)
        << detail;
  }

  // 7. The header secret reached the provider on every real call, and never on the
  // invalid-token call, which carried an invalid value instead.
  std::lock_guard<std::mutex> lock(mu_);
  int real = 0, negative = 0;
  for (const auto& r : received_) {
    if (r.path.rfind("/new/", 0) != 0) continue;
    if (r.authorization.find(kInvalidTokenPrefix) != std::string::npos) {
      ++negative;
      EXPECT_NE(r.api_key, kHostileHeaderKey);
      EXPECT_EQ(r.api_key.rfind(kInvalidTokenPrefix, 0), 0u) << r.api_key;
    } else {
      ++real;
      EXPECT_EQ(r.api_key, kHostileHeaderKey);
    }
  }
  EXPECT_GT(real, 0);
  EXPECT_GT(negative, 0);
}

}  // namespace
}  // namespace rollgate::testing
