// The bad-input matrix: every hostile or broken answer a provider (or what stands in front of
// it) can give ends in a classified finding, in bounded time, without a crash, through the
// whole pipeline. Each case is a loopback server doing one bad thing.
#include <gtest/gtest.h>
#include <zlib.h>

#include <atomic>

#include "base/subprocess.h"
#include "config/loader.h"
#include "http_server/http_server.h"
#include "mock/mock_provider.h"
#include "run/runner.h"
#include "testutil/status_matchers.h"
#include "testutil/temp_dir.h"
#include "testutil/wait_until.h"

namespace rollgate::internal {
namespace {

constexpr char kBadInputKey[] = "sk-bad-input-0123456789";

std::string Gzip(const std::string& data) {
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);  // 31: gzip wrapper
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Handle("POST", "/depth/v1/chat/completions", [](const ServerRequest&) {
      return ServerResponse::Make(200, "application/json",
                                  std::string(500000, '[') + std::string(500000, ']'));
    });
    server_.Handle("POST", "/longline/v1/chat/completions", [](const ServerRequest&) {
      return ServerResponse::Make(200, "application/json", std::string(10 << 20, 'a'));
    });
    server_.Handle("POST", "/bomb/v1/chat/completions", [this](const ServerRequest&) {
      ServerResponse r = ServerResponse::Make(200, "application/json", gzip_bomb_);
      r.headers.emplace_back("Content-Encoding", "gzip");
      return r;
    });
    server_.Handle("POST", "/empty/v1/chat/completions", [](const ServerRequest&) {
      return ServerResponse::Make(200, "application/json", "");
    });
    server_.Handle("POST", "/stream-longline/v1/chat/completions", [](const ServerRequest&) {
      ServerResponse r;
      r.content_type = "text/event-stream";
      r.stream = [](StreamWriter& w) {
        std::string piece(64 << 10, 'x');
        if (!w.Write("data: ")) return false;
        for (int i = 0; i < 160; ++i) {  // 10 MB in one line, never a newline
          if (!w.Write(piece)) return false;
        }
        return true;
      };
      return r;
    });
    server_.Handle("POST", "/redirect/v1/chat/completions", [this](const ServerRequest&) {
      ServerResponse r = ServerResponse::Make(302, "text/html", "moved");
      r.headers.emplace_back("Location", "http://127.0.0.2:" + std::to_string(other_->port()) +
                                             "/v1/chat/completions");
      return r;
    });
    // Another host (127.0.0.2 is loopback too) that must never see the request.
    HttpServerOptions other_opts;
    other_opts.host = "127.0.0.2";
    other_ = std::make_unique<HttpServer>(other_opts);
    other_->SetFallback([this](const ServerRequest& req) {
      ++other_hits_;
      if (req.Header("authorization")) ++other_auth_hits_;
      return ServerResponse::Make(200, "application/json", "{}");
    });
    gzip_bomb_ = Gzip(std::string(20 << 20, '0'));
    ASSERT_OK(server_.Start());
    ASSERT_OK(other_->Start());
  }
  // The servers stop before the members their handlers read (gzip_bomb_, the hit counters) go:
  // a handler may still be writing to a client that already hung up.
  void TearDown() override {
    server_.Stop();
    if (other_) other_->Stop();
  }

  // Runs the gate pipeline with both releases pointed at `base_url` and returns the new release.
  RunReport Gate(const std::string& base_url, const std::string& extra = "", bool stream = false) {
    dir_.Write("contract.yaml", "reviewed_on: 2026-11-20\nmax_age_days: 36500\n");
    std::string yaml =
        "service: s\ncontract: contract.yaml\n"
        "defaults: {timeout_ms: 5000, retry: {max_attempts: 1}, stream_idle_timeout_ms: 2000}\n"
        "releases:\n  new: {version: '2', base_url: '" +
        base_url + "', api_key: " + kBadInputKey + ", model: m" + (stream ? ", stream: true" : "") +
        extra + "}\n  rollback: {version: '1', base_url: 'http://127.0.0.1:" +
        std::to_string(server_.port()) + "/empty', api_key: " + kBadInputKey + ", model: m}\n";
    Result<Config> cfg = ParseConfig(yaml, dir_.Join("rollgate.yaml"));
    EXPECT_OK(cfg);
    RunOptions options;
    options.write_evidence = false;
    RunReport report;
    double ms =
        testing::ElapsedMs([&] { EXPECT_OK(RunPipeline(*cfg, options, RunSeams{}, &report)); });
    EXPECT_LT(ms, 15000) << "not bounded";
    return report;
  }
  std::string Url(const std::string& prefix) {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + prefix;
  }
  static const CheckResult& Check(const RunReport& r, const std::string& id) {
    static CheckResult none;
    const ReleaseReport* rel = r.FindRelease("new");
    const CheckResult* c = rel ? rel->FindCheck(id) : nullptr;
    return c ? *c : none;
  }

  testing::TempDir dir_;
  HttpServer server_{HttpServerOptions{}};
  std::unique_ptr<HttpServer> other_;
  std::atomic<int> other_hits_{0}, other_auth_hits_{0};
  std::string gzip_bomb_;
};

TEST_F(BadInputTest, NestingBombIsRefusedNotRecursed) {
  RunReport r = Gate(Url("/depth"));
  EXPECT_EQ(Check(r, "parser_compatibility").status, CheckStatus::kFail);
  EXPECT_NE(Check(r, "parser_compatibility").detail.find("nested deeper than 128"),
            std::string::npos)
      << Check(r, "parser_compatibility").detail;
}

TEST_F(BadInputTest, TenMegabyteLineHitsTheBodyCap) {
  RunReport r = Gate(Url("/longline"));
  EXPECT_EQ(Check(r, "parser_compatibility").status, CheckStatus::kFail);
  EXPECT_NE(Check(r, "parser_compatibility").detail.find("larger than 1048576 bytes"),
            std::string::npos);
}

TEST_F(BadInputTest, CompressedBodyInflatingPastTheCapIsStopped) {
  ASSERT_LT(gzip_bomb_.size(), 100000u);  // 20 MB of zeros, tiny on the wire
  RunReport r = Gate(Url("/bomb"));
  EXPECT_EQ(Check(r, "parser_compatibility").status, CheckStatus::kFail);
  EXPECT_NE(Check(r, "parser_compatibility").detail.find("larger than"), std::string::npos)
      << Check(r, "parser_compatibility").detail;
}

TEST_F(BadInputTest, HeadersWithNoBody) {
  RunReport r = Gate(Url("/empty"));
  EXPECT_EQ(Check(r, "parser_compatibility").status, CheckStatus::kFail);
  EXPECT_NE(Check(r, "parser_compatibility").detail.find("not JSON"), std::string::npos);
}

TEST_F(BadInputTest, StreamWithAnEndlessLineIsBounded) {
  RunReport r = Gate(Url("/stream-longline"), "", /*stream=*/true);
  EXPECT_EQ(Check(r, "streaming").status, CheckStatus::kFail) << Check(r, "streaming").detail;
}

TEST_F(BadInputTest, RedirectToAnotherHostIsNotFollowedAndTheKeyStaysHome) {
  RunReport r = Gate(Url("/redirect"));
  EXPECT_EQ(Check(r, "connectivity").status, CheckStatus::kFail);
  EXPECT_NE(Check(r, "connectivity").detail.find("302 redirect to http://127.0.0.2:"),
            std::string::npos);
  EXPECT_EQ(other_hits_.load(), 0);
  EXPECT_EQ(other_auth_hits_.load(), 0);
}

TEST_F(BadInputTest, PlainHttpToARemoteHostIsRefusedBeforeAnyTraffic) {
  // 203.0.113.0/24 is TEST-NET-3: documentation only; rollgate must refuse before connecting.
  RunReport r = Gate("http://203.0.113.7");
  EXPECT_EQ(Check(r, "configuration").status, CheckStatus::kFail);
  EXPECT_NE(Check(r, "configuration").detail.find("plain http to 203.0.113.7"), std::string::npos);
  EXPECT_TRUE(r.FindRelease("new")->attempts.empty());
}

TEST_F(BadInputTest, SelfSignedTlsFailsClearlyUnlessTheCaIsConfigured) {
  // The mock over TLS with a self-signed certificate for 127.0.0.1 (openssl makes it).
  std::string cert = dir_.Join("cert.pem"), key = dir_.Join("key.pem");
  Result<CommandResult> made = RunCommand(
      {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
       "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert},
      {});
  ASSERT_OK(made);
  ASSERT_TRUE(made->succeeded()) << made->err;
  mock::MockOptions opts;
  opts.keys = {kBadInputKey};
  opts.tls_cert_file = cert;
  opts.tls_key_file = key;
  mock::MockProvider tls(opts);
  ASSERT_OK(tls.Start());
  ASSERT_EQ(tls.base_url().rfind("https://127.0.0.1:", 0), 0u) << tls.base_url();

  RunReport untrusted = Gate(tls.base_url());
  EXPECT_EQ(Check(untrusted, "connectivity").status, CheckStatus::kFail);
  EXPECT_NE(Check(untrusted, "connectivity").detail.find("TLS to 127.0.0.1:"), std::string::npos)
      << Check(untrusted, "connectivity").detail;
  EXPECT_NE(Check(untrusted, "connectivity").detail.find("ca_file"), std::string::npos);
  EXPECT_EQ(Check(untrusted, "parser_compatibility").status, CheckStatus::kSkip);

  // With the CA configured the same call goes through and every check passes.
  RunReport trusted = Gate(tls.base_url(), ", ca_file: '" + cert + "'");
  for (const char* id :
       {"connectivity", "authentication", "parser_compatibility", "content_sanity"}) {
    EXPECT_EQ(Check(trusted, id).status, CheckStatus::kPass)
        << id << ": " << Check(trusted, id).detail;
  }
}

TEST(MockTlsOptions, CertificateWithoutKeyIsAClearError) {
  mock::MockOptions opts;
  opts.tls_cert_file = "/nonexistent/cert.pem";
  mock::MockProvider provider(opts);
  Status st = provider.Start();
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("both a certificate and a key"), std::string::npos) << st.message();
  opts.tls_key_file = "/nonexistent/key.pem";
  mock::MockProvider missing(opts);
  st = missing.Start();
  EXPECT_NE(st.message().find("/nonexistent/cert.pem"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace rollgate::internal
