// The fixture the HTTP server adapter tests share: a server on 127.0.0.1:0 that each test
// configures before Start() and that always stops.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http_server/http_server.h"

namespace rollgate::internal {

class HttpServerTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (server_) server_->Stop();
  }
  HttpServer& Make(HttpServerOptions options = {}) {
    server_ = std::make_unique<HttpServer>(std::move(options));
    return *server_;
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }

  std::unique_ptr<HttpServer> server_;
};

inline ServerResponse Ok(std::string body) { return ServerResponse::Make(200, "text/plain", body); }

// A producer that writes `pieces` with `gap_ms` between them.
inline StreamProducer Pieces(std::vector<std::string> pieces, int gap_ms) {
  return [pieces, gap_ms](StreamWriter& w) {
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      if (i > 0 && !w.Wait(gap_ms)) return false;
      if (!w.Write(pieces[i])) return false;
    }
    return true;
  };
}

}  // namespace rollgate::internal
