#include "probe/probe.h"

#include <random>

#include "sse/sse_parser.h"

namespace rollgate::internal {

JitterFn DefaultJitter() {
  auto rng = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [rng] { return std::uniform_real_distribution<double>(0.0, 1.0)(*rng); };
}

namespace {

// The state of one probe across its attempts. Owned by the callbacks it hands the transport
// (a shared_ptr), so it lives exactly as long as work for it is pending.
class ProbeRun : public std::enable_shared_from_this<ProbeRun> {
 public:
  ProbeRun(HttpTransport* transport, ProbeSpec spec, JitterFn jitter,
           std::function<int64_t()> now_unix_ms, std::function<void(ProbeOutcome)> done)
      : transport_(transport),
        spec_(std::move(spec)),
        jitter_(std::move(jitter)),
        now_unix_ms_(std::move(now_unix_ms)),
        done_(std::move(done)) {}

  void Begin() {
    outcome_.started_ms = transport_->NowMs();
    StartAttempt();
  }

 private:
  void StartAttempt() {
    auto self = shared_from_this();
    HttpTransport::DataFn on_data;
    if (spec_.stream) {
      assembler_ = std::make_unique<ChatStreamAssembler>();
      last_event_ms_ = -1;
      max_gap_ms_ = 0;
      parser_ = std::make_unique<SseParser>([this](const SseEvent& e) {
        double at = current_chunk_ms_;
        if (last_event_ms_ >= 0) max_gap_ms_ = std::max(max_gap_ms_, at - last_event_ms_);
        last_event_ms_ = at;
        assembler_->OnEvent(e, at);
      });
      on_data = [self](int status, std::string_view chunk, double at_ms) {
        if (status < 200 || status >= 300) return;  // an error body, read after the fact
        self->current_chunk_ms_ = at_ms;
        self->parser_->Feed(chunk);
      };
    }
    transport_->Start(spec_.request, std::move(on_data),
                      [self](HttpExchange ex) { self->OnAttemptDone(std::move(ex)); });
  }

  void OnAttemptDone(HttpExchange ex) {
    Attempt attempt;
    attempt.number = static_cast<int>(outcome_.attempts.size()) + 1;
    bool is_2xx = ex.status >= 200 && ex.status < 300;
    if (!ex.body.empty() && (!is_2xx || !spec_.stream))
      attempt.error_body = ParseErrorBody(ex.body);
    attempt.decision =
        DecideRetry(spec_.retry, attempt.number, ex, attempt.error_body, jitter_(), now_unix_ms_());
    // Once a stream has started (2xx), nothing is retried (FACTS §3.2).
    if (spec_.stream && is_2xx) attempt.decision = RetryDecision{};
    attempt.exchange = std::move(ex);
    bool retry = attempt.decision.retry;
    double delay = attempt.decision.delay_ms;
    outcome_.attempts.push_back(std::move(attempt));
    if (retry) {
      auto self = shared_from_this();
      transport_->After(delay, [self] { self->StartAttempt(); });
      return;
    }
    Finish();
  }

  void Finish() {
    outcome_.finished_ms = transport_->NowMs();
    const HttpExchange& last = outcome_.attempts.back().exchange;
    if (spec_.stream && parser_ && last.status >= 200 && last.status < 300) {
      parser_->Finish();
      assembler_->Finish(spec_.usage_requested);
      outcome_.stream = assembler_->result();
      if (parser_->overflowed()) {
        outcome_.stream->problems.push_back("an SSE event exceeded the size limit");
      }
      outcome_.stream_max_gap_ms = max_gap_ms_;
    }
    auto done = std::move(done_);
    done(std::move(outcome_));
  }

  HttpTransport* transport_;
  ProbeSpec spec_;
  JitterFn jitter_;
  std::function<int64_t()> now_unix_ms_;
  std::function<void(ProbeOutcome)> done_;
  ProbeOutcome outcome_;
  std::unique_ptr<SseParser> parser_;
  std::unique_ptr<ChatStreamAssembler> assembler_;
  double current_chunk_ms_ = 0;
  double last_event_ms_ = -1;
  double max_gap_ms_ = 0;
};

}  // namespace

void LaunchProbe(HttpTransport* transport, ProbeSpec spec, JitterFn jitter,
                 std::function<int64_t()> now_unix_ms, std::function<void(ProbeOutcome)> done) {
  auto run = std::make_shared<ProbeRun>(transport, std::move(spec), std::move(jitter),
                                        std::move(now_unix_ms), std::move(done));
  run->Begin();
}

}  // namespace rollgate::internal
