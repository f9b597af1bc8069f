// A blocking HTTP client for tests, on libcurl's easy API: one request, one fresh connection,
// every body piece recorded with its arrival time so tests can prove a stream is incremental.
// Test-only: the product's client is src/probe/curl_transport.cc.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rollgate::testing {

struct TestRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value" lines, sent as given
  std::string body;                  // sent when non-empty or when method is POST
  long timeout_ms = 15000;           // whole transfer
};

struct TestChunk {
  double at_ms = 0;  // since the request started
  std::string data;
};

struct TestResponse {
  bool transport_ok = false;  // curl completed the transfer (a 4xx/5xx still counts as ok)
  int curl_code = 0;          // CURLcode
  std::string error;          // curl's message when !transport_ok
  long status = 0;            // 0 when no response line arrived
  std::vector<std::pair<std::string, std::string>> headers;  // as received, in order
  std::string body;
  std::vector<TestChunk> chunks;  // the body as curl delivered it
  double first_byte_ms = -1;      // arrival of the first body byte, -1 if none
  double total_ms = 0;

  /// The first value of `name` (case-insensitive), or nullptr.
  const std::string* Header(std::string_view name) const;
  /// How many times `name` appears.
  int HeaderCount(std::string_view name) const;
};

/// Performs one request against a loopback server. Never follows redirects, never uses a
/// proxy, never asks for compression unless the caller adds Accept-Encoding itself.
TestResponse Fetch(const TestRequest& request);

TestResponse HttpGet(const std::string& url, std::vector<std::string> headers = {});
TestResponse HttpPost(const std::string& url, std::string body,
                      std::vector<std::string> headers = {});

/// The `data:` payloads of an SSE body, one per event, in order (events split on a blank
/// line; comment lines skipped).
std::vector<std::string> SseDataEvents(std::string_view body);

}  // namespace rollgate::testing
