// The app's HTTP side (`sample_app serve`), on rollgate's HTTP server adapter:
//   GET /smoke    the smoke protocol object (docs/app-probes.md) as an application/json body;
//                 200 whenever the object was produced, whatever the provider answered, since a
//                 failed provider call is data. Knobs come from X-Rollgate-Smoke-* headers and
//                 X-Client-Request-Id; an unreadable knob is a 400. A client that hangs up
//                 ends the provider call made for it.
//   GET /healthz  200 "ok": the process serves (says nothing about the provider).
//   GET /version  200 {"app":"sample_app","version":...}.
// Every response carries X-Release-Version, so a caller behind a load balancer (the rollback
// switch drill's nginx) can tell which release answered.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "app_config.h"
#include "http_server/http_server.h"

namespace sample_app {

inline constexpr char kVersionHeader[] = "X-Release-Version";

/// "127.0.0.1:8080", "localhost:0", "[::1]:9000" -> host and port.
Result<std::pair<std::string, int>> ParseListen(std::string_view listen);

class AppServer {
 public:
  /// `config` is borrowed and must outlive the server. A /smoke whose client hangs up stops
  /// its provider call, unless `keep_upstream_on_disconnect`.
  AppServer(const AppConfig& config, std::string host, int port,
            bool keep_upstream_on_disconnect = false);
  ~AppServer();  // Stop()s
  AppServer(const AppServer&) = delete;
  AppServer& operator=(const AppServer&) = delete;

  /// Binds and serves on background threads; fails naming host:port.
  Status Start();
  /// Aborts in-flight provider calls (they answer "aborted"), stops, joins. Idempotent.
  void Stop();
  /// "http://HOST:PORT" with the bound port; valid after Start().
  std::string url() const;

 private:
  rollgate::internal::ServerResponse Smoke(const rollgate::internal::ServerRequest& request);

  const AppConfig& config_;
  std::string host_;
  bool keep_upstream_on_disconnect_ = false;
  rollgate::internal::HttpServer server_;
};

}  // namespace sample_app
