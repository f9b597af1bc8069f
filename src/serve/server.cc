// rollgate::Server (include/rollgate/serve.h): the public face of ServeService.
#include "base/net.h"
#include "config/loader.h"
#include "rollgate/serve.h"
#include "serve/serve_service.h"

namespace rollgate {

struct Server::Impl {
  explicit Impl(Config config, internal::ServeOptions options)
      : service(std::move(config), std::move(options)) {}
  internal::ServeService service;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Shutdown(); }

Result<std::unique_ptr<Server>> Server::Start(const ServeRequest& request) {
  ROLLGATE_ASSIGN_OR_RETURN(Config config, internal::LoadConfig(request.config));
  std::string listen = !request.listen.empty() ? request.listen
                       : config.serve          ? config.serve->listen
                                               : ServeConfig{}.listen;
  Result<internal::ListenAddress> address = internal::ParseListenAddress(listen);
  if (!address.ok()) {
    return Status::InvalidArgument(
        (request.listen.empty() ? request.config + ": serve.listen " : std::string("--listen ")) +
        address.status().message());
  }
  internal::ServeOptions options;
  options.listen = request.listen;
  options.evidence_dir = request.evidence_dir;
  options.log = request.log;
  std::unique_ptr<Server> server(
      new Server(std::make_unique<Impl>(std::move(config), std::move(options))));
  ROLLGATE_RETURN_IF_ERROR(server->impl_->service.Start());
  if (!address->loopback) server->beyond_loopback_ = address->host;
  return server;
}

std::string Server::url() const { return impl_->service.url(); }

void Server::Shutdown(int signal) { impl_->service.Shutdown(signal); }

}  // namespace rollgate
