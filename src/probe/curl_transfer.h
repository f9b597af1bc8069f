// One request on libcurl: the CurlTransfer record, its easy handle's setup (options, headers,
// body, the write and header callbacks) and how its outcome is read back (status, timings,
// a failure classified into TransportError with a sentence that names host:port). The multi
// loop that runs many of them is curl_transport.cc. With curl_transport.{h,cc} the only files
// that include <curl/curl.h>.
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <string>

#include "probe/http_transport.h"

namespace rollgate::internal {

/// Monotonic milliseconds (the transport's clock) and wall-clock Unix milliseconds.
double CurlNowMs();
int64_t CurlUnixNowMs();

struct CurlTransfer {
  CURL* easy = nullptr;
  HttpRequest req;
  HttpTransport::DataFn on_data;
  HttpTransport::DoneFn on_done;
  HttpExchange ex;
  curl_slist* header_list = nullptr;
  char errbuf[CURL_ERROR_SIZE] = {0};
  bool too_large = false;
  double last_activity = 0;
};

/// Sets every option of `t->easy` for `t->req` (REQUIRES: a fresh or reset handle); the header
/// list it builds is t->header_list, freed by the owner. `loopback`: never through a proxy.
void ConfigureEasy(CurlTransfer* t, bool loopback);

/// Fills t->ex from the finished handle: status, phase timings, HTTP version, Location and,
/// when `code` is not CURLE_OK, the classified error and its detail.
void FillExchange(CurlTransfer* t, CURLcode code);

}  // namespace rollgate::internal
