#include "http_server/response_body.h"

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <utility>

namespace rollgate::internal {

namespace {

// The StreamWriter a producer gets: forwards to httplib's DataSink, enforces a declared
// length and gives up as soon as the server stops.
class SinkWriter : public StreamWriter {
 public:
  SinkWriter(httplib::DataSink& sink, const StopSignal& stop, std::optional<std::size_t> limit)
      : sink_(sink), stop_(stop), limit_(limit) {}

  bool Write(std::string_view bytes) override {
    if (bytes.empty()) return true;
    if (stop_.triggered()) return false;
    if (limit_ && written_ + bytes.size() > *limit_) return false;
    if (!sink_.write(bytes.data(), bytes.size())) return false;
    written_ += bytes.size();
    return true;
  }
  bool Wait(int ms) override { return stop_.WaitFor(std::chrono::milliseconds(ms)); }
  bool stopping() const override { return stop_.triggered(); }
  std::size_t written() const { return written_; }

 private:
  httplib::DataSink& sink_;
  const StopSignal& stop_;
  std::optional<std::size_t> limit_;
  std::size_t written_ = 0;
};

// Runs a producer once. httplib calls a content provider in a loop until the body is
// complete, so the whole producer runs inside the first call; a second call means the first
// one ended without completing the body, and we abort rather than loop.
struct ProducerRun {
  StreamProducer producer;
  std::function<void(const std::string&)> on_throw;  // reports with the route; may be empty
  bool ran = false;

  bool Call(StreamWriter& writer) {
    if (ran) return false;
    ran = true;
    try {
      return producer(writer);
    } catch (const std::exception& e) {
      if (on_throw) on_throw(std::string("the body's producer threw: ") + e.what());
    } catch (...) {
      if (on_throw) on_throw("the body's producer threw a non-standard exception");
    }
    return false;  // a throwing producer aborts its connection and nothing else
  }
};

}  // namespace

void EmitResponse(ServerResponse response, httplib::Response& res, const StopSignal& stop,
                  std::function<void(const std::string& what)> on_throw) {
  res.status = response.status;
  for (const auto& [key, value] : response.headers) res.set_header(key, value);
  const std::string& type =
      response.content_type.empty() ? kContentTypeText : response.content_type;
  if (!response.stream) {
    res.set_content(response.body, type);  // httplib 0.11 has no set_content(std::string&&)
    return;
  }
  if (response.stream_length && *response.stream_length == 0) {
    // httplib treats a zero-length provider as "no length"; an empty body says the same.
    res.set_content(std::string(), type);
    return;
  }
  auto run = std::make_shared<ProducerRun>();
  run->producer = std::move(response.stream);
  run->on_throw = std::move(on_throw);
  const StopSignal* stop_signal = &stop;
  if (response.stream_length) {
    std::size_t length = *response.stream_length;
    res.set_content_provider(
        length, type,
        [run, stop_signal, length](std::size_t, std::size_t, httplib::DataSink& sink) {
          SinkWriter writer(sink, *stop_signal, length);
          // Fewer bytes than declared is an abort: httplib would otherwise call us again.
          return run->Call(writer) && writer.written() == length;
        });
    return;
  }
  res.set_chunked_content_provider(type, [run, stop_signal](std::size_t, httplib::DataSink& sink) {
    SinkWriter writer(sink, *stop_signal, std::nullopt);
    if (!run->Call(writer)) return false;
    sink.done();
    return true;
  });
}

}  // namespace rollgate::internal
