// Host names and listen addresses taken as literals: nothing here resolves a name.
//
// What a name resolves to is whoever runs its DNS's choice ("127.0.0.1.nip.io" resolves to
// 127.0.0.1 today and anywhere tomorrow), so only literals count as loopback, and a listen
// address must be an IP address (or `localhost`, which means 127.0.0.1 without asking DNS).
#pragma once

#include <string>
#include <string_view>

#include "rollgate/status.h"

namespace rollgate::internal {

/// True for a loopback host given as a literal: an IPv4 address in 127.0.0.0/8 written as a
/// dotted quad (parsed by inet_pton, not matched by prefix), ::1 (bare or in brackets, any
/// spelling inet_pton accepts), an IPv4-mapped ::ffff:127.x.y.z, and the name `localhost` in
/// any case with an optional trailing dot. Every other name is not loopback, however it starts.
bool IsLoopbackHost(std::string_view host);

/// True when `host` is an IPv4 or IPv6 address literal (IPv6 bare or in brackets).
bool IsIpLiteral(std::string_view host);

struct ListenAddress {
  std::string host;  // an IP literal to bind: "127.0.0.1", "::1", "0.0.0.0"; never a name
  int port = 0;      // 0 asks the kernel for a free port
  bool loopback = false;
};

/// Parses a listen address, HOST:PORT or [IPV6]:PORT. HOST must be an IP literal or
/// `localhost` (bound as 127.0.0.1); a name is refused, never resolved. PORT is 0 to 65535.
/// InvalidArgument naming the address and what to write instead.
Result<ListenAddress> ParseListenAddress(std::string_view text);

/// A port on 127.0.0.1 that was free a moment ago (bound to port 0, read back, closed), for a
/// process that must be told its port rather than pick one (a local app instance, PostgreSQL,
/// Prometheus). Another process may take it first: callers retry or fail clearly.
Result<int> FreeLoopbackPort();

}  // namespace rollgate::internal
