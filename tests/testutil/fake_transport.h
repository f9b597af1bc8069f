// An HttpTransport with virtual time and scripted answers: probes, retries and backoffs run
// instantly and deterministically, without sockets or sleeping.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "probe/http_transport.h"

namespace rollgate::testing {

struct FakeAnswer {
  internal::TransportError error = internal::TransportError::kNone;
  std::string error_detail;
  int status = 200;
  internal::Headers headers = {{"content-type", "application/json"}};
  std::vector<std::string> body_chunks;  // delivered one by one, `chunk_gap_ms` apart
  double latency_ms = 10;                // until the first chunk
  double chunk_gap_ms = 0;
};

class FakeTransport : public internal::HttpTransport {
 public:
  /// Answers the n-th (0-based) request to a URL, given the request.
  using Script = std::function<FakeAnswer(const internal::HttpRequest&, int n)>;
  explicit FakeTransport(Script script) : script_(std::move(script)) {}

  std::vector<internal::HttpRequest> requests;  // every request, in order
  double now() const { return now_; }

  void Start(internal::HttpRequest req, DataFn on_data, DoneFn on_done) override {
    int n = counts_[req.url]++;
    FakeAnswer a = script_(req, n);
    requests.push_back(req);
    double start = now_;
    int64_t start_unix = 1795564800000 + static_cast<int64_t>(now_);
    double t = now_ + a.latency_ms;
    auto ex = std::make_shared<internal::HttpExchange>();
    ex->start_ms = start;
    ex->start_unix_ms = start_unix;
    ex->status =
        a.error == internal::TransportError::kNone || !a.body_chunks.empty() ? a.status : 0;
    ex->headers = a.headers;
    ex->http_version = "1.1";
    for (std::size_t i = 0; i < a.body_chunks.size(); ++i) {
      std::string chunk = a.body_chunks[i];
      double at = t + i * a.chunk_gap_ms;
      int status = ex->status;
      Schedule(at, [ex, on_data, chunk, at, status] {
        if (ex->first_byte_ms < 0) ex->first_byte_ms = at;
        ex->body += chunk;
        if (on_data) on_data(status, chunk, at);
      });
    }
    double end = t + (a.body_chunks.empty() ? 0 : (a.body_chunks.size() - 1) * a.chunk_gap_ms);
    Schedule(end, [ex, on_done, a, end, start] {
      ex->error = a.error;
      ex->error_detail = a.error_detail;
      ex->end_ms = end;
      ex->timings.ttfb_ms = a.latency_ms;
      ex->timings.total_ms = end - start;
      on_done(*ex);
    });
  }
  void After(double delay_ms, TimerFn fn) override { Schedule(now_ + delay_ms, std::move(fn)); }
  void Run() override {
    while (!events_.empty()) {
      auto it = events_.begin();
      now_ = it->first;
      TimerFn fn = std::move(it->second);
      events_.erase(it);
      fn();
    }
  }
  double NowMs() const override { return now_; }
  void Cancel() override {}

 private:
  void Schedule(double at, TimerFn fn) { events_.emplace(at, std::move(fn)); }
  Script script_;
  std::map<std::string, int> counts_;
  std::multimap<double, TimerFn> events_;
  double now_ = 0;
};

}  // namespace rollgate::testing
