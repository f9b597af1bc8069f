#include "app_server.h"

#include <poll.h>
#include <sys/socket.h>

#include <nlohmann/json.hpp>

#include "app_smoke.h"

namespace sample_app {

namespace {

namespace base = rollgate::internal;
using base::ServerRequest;
using base::ServerResponse;

std::optional<std::string> HeaderValue(const ServerRequest& request, std::string_view name) {
  const std::string* v = request.Header(name);
  return v ? std::optional<std::string>(*v) : std::nullopt;
}

// Whether the client of `fd` (the request's connection) has closed or reset it. The app's user
// leaving is a reason to stop the provider call made for it: a poll() for a hang-up, then a
// peek that tells a close (0 bytes) from a pipelined request (bytes to read).
bool ClientGone(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  if (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) return true;
  char byte = 0;
  return ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

base::HttpServerOptions Options(std::string host, int port) {
  base::HttpServerOptions o;
  o.host = std::move(host);
  o.port = port;
  // A smoke call holds a connection for up to timeout_ms; a few are enough for probes and a drill.
  o.max_connections = 8;
  o.max_request_body_bytes = 64u << 10;  // every route is a GET
  return o;
}

}  // namespace

Result<std::pair<std::string, int>> ParseListen(std::string_view listen) {
  std::size_t colon = listen.rfind(':');
  std::string_view host = colon == std::string_view::npos ? "" : listen.substr(0, colon);
  std::string_view port = colon == std::string_view::npos ? "" : listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  bool digits = !port.empty() && port.size() <= 5 &&
                port.find_first_not_of("0123456789") == std::string_view::npos;
  int number = digits ? std::stoi(std::string(port)) : -1;
  if (host.empty() || number < 0 || number > 65535) {
    return Status::InvalidArgument(
        "--listen: expected HOST:PORT (e.g. 127.0.0.1:8080, port 0 "
        "for any free port), got '" +
        std::string(listen) + "'");
  }
  return std::make_pair(std::string(host), number);
}

AppServer::AppServer(const AppConfig& config, std::string host, int port,
                     bool keep_upstream_on_disconnect)
    : config_(config),
      host_(host),
      keep_upstream_on_disconnect_(keep_upstream_on_disconnect),
      server_(Options(std::move(host), port)) {
  auto with_version = [this](ServerResponse r) {
    r.headers.emplace_back(kVersionHeader, config_.version);
    return r;
  };
  server_.Handle("GET", "/smoke", [this, with_version](const ServerRequest& request) {
    return with_version(Smoke(request));
  });
  server_.Handle("GET", "/healthz", [with_version](const ServerRequest&) {
    return with_version(ServerResponse::Make(200, "text/plain", "ok\n"));
  });
  server_.Handle("GET", "/version", [this, with_version](const ServerRequest&) {
    nlohmann::ordered_json body = {{"app", "sample_app"}, {"version", config_.version}};
    return with_version(ServerResponse::Make(200, "application/json", body.dump() + "\n"));
  });
  server_.SetFallback([with_version](const ServerRequest& request) {
    return with_version(ServerResponse::Make(404, "text/plain",
                                             "no route " + request.method + " " + request.path +
                                                 " (try GET /smoke, /healthz or /version)\n"));
  });
}

AppServer::~AppServer() { Stop(); }

Status AppServer::Start() { return server_.Start(); }

void AppServer::Stop() { server_.Stop(); }

std::string AppServer::url() const {
  bool ipv6 = host_.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(server_.port());
}

ServerResponse AppServer::Smoke(const ServerRequest& request) {
  SmokeKnobs knobs;
  knobs.label = HeaderValue(request, "X-Rollgate-Smoke-Label");
  knobs.max_tokens = HeaderValue(request, "X-Rollgate-Smoke-Max-Tokens");
  knobs.stream = HeaderValue(request, "X-Rollgate-Smoke-Stream");
  knobs.correlation_id = HeaderValue(request, "X-Client-Request-Id");
  knobs.api_key = HeaderValue(request, "X-Rollgate-Smoke-Api-Key");
  Result<SmokeInput> input = ParseSmokeKnobs(knobs, KnobSource::kHeaders);
  if (!input.ok()) return ServerResponse::Make(400, "text/plain", input.status().message() + "\n");
  input->route = "/smoke";
  // Stop() must not wait out a 20 s provider call: the call polls the stop signal; and a
  // client that hung up no longer wants the answer, so its provider call stops too (unless
  // --keep-upstream-on-disconnect asks for the careless behaviour, to rehearse it).
  int fd = request.socket_fd;
  SmokeOutcome outcome = RunSmoke(config_, *input, [this, fd] {
    return server_.stop_signal().triggered() || (!keep_upstream_on_disconnect_ && ClientGone(fd));
  });
  // Where an operator of `serve` looks; the answer itself still goes out.
  if (!outcome.warning.empty()) std::fprintf(stderr, "sample_app: %s\n", outcome.warning.c_str());
  return ServerResponse::Make(200, "application/json", outcome.protocol_json + "\n");
}

}  // namespace sample_app
