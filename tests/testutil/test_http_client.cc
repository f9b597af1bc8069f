#include "testutil/test_http_client.h"

#include <curl/curl.h>

#include <chrono>
#include <mutex>

#include "base/strings.h"

namespace rollgate::testing {

namespace {

using Clock = std::chrono::steady_clock;

struct Transfer {
  Clock::time_point start;
  TestResponse* response;
};

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

size_t OnBody(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  double at = MsSince(t->start);
  if (t->response->first_byte_ms < 0) t->response->first_byte_ms = at;
  t->response->chunks.push_back({at, std::string(data, n)});
  t->response->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response->headers.clear();  // a new response (after a 100 Continue) starts over
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  t->response->headers.emplace_back(internal::Trim(line.substr(0, colon)),
                                    internal::Trim(line.substr(colon + 1)));
  return n;
}

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

const std::string* TestResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (internal::EqualsIgnoreCase(k, name)) return &v;
  }
  return nullptr;
}

int TestResponse::HeaderCount(std::string_view name) const {
  int n = 0;
  for (const auto& [k, v] : headers) n += internal::EqualsIgnoreCase(k, name) ? 1 : 0;
  return n;
}

TestResponse Fetch(const TestRequest& request) {
  GlobalInitOnce();
  TestResponse response;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    response.error = "curl_easy_init failed";
    return response;
  }
  Transfer transfer{Clock::now(), &response};
  curl_slist* headers = nullptr;
  for (const auto& h : request.headers) headers = curl_slist_append(headers, h.c_str());
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip

  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!request.body.empty() || request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);

  CURLcode code = curl_easy_perform(curl);
  response.total_ms = MsSince(transfer.start);
  response.curl_code = static_cast<int>(code);
  response.transport_ok = code == CURLE_OK;
  if (!response.transport_ok) response.error = error[0] ? error : curl_easy_strerror(code);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return response;
}

TestResponse HttpGet(const std::string& url, std::vector<std::string> headers) {
  TestRequest r;
  r.url = url;
  r.headers = std::move(headers);
  return Fetch(r);
}

TestResponse HttpPost(const std::string& url, std::string body, std::vector<std::string> headers) {
  TestRequest r;
  r.method = "POST";
  r.url = url;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return Fetch(r);
}

std::vector<std::string> SseDataEvents(std::string_view body) {
  std::vector<std::string> events;
  std::string data;
  bool has_data = false;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) break;  // an unterminated last line is never dispatched
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      if (has_data) events.push_back(data);
      data.clear();
      has_data = false;
    } else if (line.rfind("data:", 0) == 0) {
      std::string_view value = line.substr(5);
      if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (has_data) data += '\n';
      data.append(value);
      has_data = true;
    }
  }
  return events;
}

}  // namespace rollgate::testing
