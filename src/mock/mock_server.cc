// rollgate::mock::MockServer (include/rollgate/mock.h): the mock started from an operator's
// listen address.
#include "base/net.h"
#include "mock/mock_provider.h"

namespace rollgate::mock {

MockServer::MockServer(std::unique_ptr<MockProvider> provider) : provider_(std::move(provider)) {}

MockServer::~MockServer() { Stop(); }

Result<std::unique_ptr<MockServer>> MockServer::Start(const std::string& listen,
                                                      MockOptions options) {
  Result<internal::ListenAddress> address = internal::ParseListenAddress(listen);
  if (!address.ok()) return Status::InvalidArgument("--listen " + address.status().message());
  options.host = address->host;
  options.port = address->port;
  std::unique_ptr<MockServer> server(
      new MockServer(std::make_unique<MockProvider>(std::move(options))));
  ROLLGATE_RETURN_IF_ERROR(server->provider_->Start());
  if (!address->loopback) server->beyond_loopback_ = address->host;
  return server;
}

std::string MockServer::base_url() const { return provider_->base_url(); }

void MockServer::Stop() { provider_->Stop(); }

}  // namespace rollgate::mock
