// A MockProvider on 127.0.0.1:0 for tests: started in the constructor, always stopped in the
// destructor, plus request-body helpers for the Chat Completions calls tests make.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "mock/mock_provider.h"
#include "testutil/test_http_client.h"

namespace rollgate::testing {

class MockServer {
 public:
  explicit MockServer(mock::MockOptions options) : provider_(std::move(options)) {
    status_ = provider_.Start();
  }
  ~MockServer() { provider_.Stop(); }
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  /// The result of Start(); tests ASSERT_OK(mock.status()) first.
  const Status& status() const { return status_; }
  mock::MockProvider& provider() { return provider_; }
  std::string Url(const std::string& path) const { return provider_.base_url() + path; }

  /// POST /v1/chat/completions with `Authorization: Bearer <key>` (none when key is empty)
  /// and any extra header lines.
  TestResponse Chat(const std::string& body, const std::string& key,
                    std::vector<std::string> extra_headers = {}) const {
    extra_headers.push_back("Content-Type: application/json");
    if (!key.empty()) extra_headers.push_back("Authorization: Bearer " + key);
    return HttpPost(Url("/v1/chat/completions"), body, std::move(extra_headers));
  }

 private:
  mock::MockProvider provider_;
  Status status_;
};

struct ChatBodyOptions {
  std::string model = "gpt-4o-mini";
  std::string user = "return {\"ok\":true,\"label\":\"rollback-smoke\"}";
  bool stream = false;
  bool include_usage = false;
  int max_tokens = 0;  // 0: not sent
};

/// rollgate's smoke prompt (DESIGN.md) as a request body, adjusted by `o`.
inline std::string ChatBody(const ChatBodyOptions& o = {}) {
  auto quote = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  std::string body = "{\"model\":" + quote(o.model) +
                     ",\"messages\":[{\"role\":\"system\",\"content\":\"reply with a compact JSON "
                     "object only, no markdown\"},{\"role\":\"user\",\"content\":" +
                     quote(o.user) + "}],\"temperature\":0";
  if (o.max_tokens > 0) body += ",\"max_tokens\":" + std::to_string(o.max_tokens);
  if (o.stream) body += ",\"stream\":true";
  if (o.include_usage) body += ",\"stream_options\":{\"include_usage\":true}";
  return body + "}";
}

}  // namespace rollgate::testing
