#include "probe/curl_transfer.h"

#include <algorithm>
#include <chrono>
#include <string_view>

#include "base/strings.h"
#include "rollgate/version.h"

namespace rollgate::internal {

const char* TransportErrorName(TransportError error) {
  switch (error) {
    case TransportError::kNone:
      return "ok";
    case TransportError::kDns:
      return "dns";
    case TransportError::kConnect:
      return "connect_failed";
    case TransportError::kTls:
      return "tls";
    case TransportError::kTimeout:
      return "timeout";
    case TransportError::kIdleTimeout:
      return "idle_timeout";
    case TransportError::kReset:
      return "reset";
    case TransportError::kBodyTooLarge:
      return "body_too_large";
    case TransportError::kBadEncoding:
      return "bad_encoding";
    case TransportError::kBadUrl:
      return "bad_url";
    case TransportError::kCancelled:
      return "cancelled";
    case TransportError::kOther:
      return "error";
  }
  return "error";
}

double CurlNowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

int64_t CurlUnixNowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

std::string HostPortOf(const std::string& url) {
  std::string out;
  CURLU* u = curl_url();
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    char* host = nullptr;
    char* port = nullptr;
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) out = host;
    if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
      out += ":";
      out += port;
    }
    curl_free(host);
    curl_free(port);
  }
  curl_url_cleanup(u);
  return out;
}

// Any byte from the server: the first one dates time-to-first-byte, each resets the idle clock.
double MarkActivity(CurlTransfer* t) {
  double now = CurlNowMs();
  if (t->ex.first_byte_ms < 0) t->ex.first_byte_ms = now;
  t->last_activity = now;
  return now;
}

size_t OnWrite(char* ptr, size_t size, size_t n, void* userdata) {
  auto* t = static_cast<CurlTransfer*>(userdata);
  size_t len = size * n;
  double now = MarkActivity(t);
  if (t->ex.body.size() + len > t->req.max_body_bytes) {
    t->too_large = true;
    return 0;  // makes curl abort the transfer with CURLE_WRITE_ERROR
  }
  t->ex.body.append(ptr, len);
  if (t->on_data) {
    long code = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
    t->on_data(static_cast<int>(code), std::string_view(ptr, len), now);
  }
  return len;
}

size_t OnHeader(char* ptr, size_t size, size_t n, void* userdata) {
  auto* t = static_cast<CurlTransfer*>(userdata);
  size_t len = size * n;
  MarkActivity(t);
  std::string_view line(ptr, len);
  if (line.rfind("HTTP/", 0) == 0) {
    t->ex.headers.clear();  // a new response (after 100 Continue or a proxy's CONNECT)
    return len;
  }
  std::size_t colon = line.find(':');
  if (colon != std::string_view::npos && t->ex.headers.size() < 200) {
    t->ex.headers.emplace_back(Trim(line.substr(0, colon)), Trim(line.substr(colon + 1)));
  }
  return len;
}

void Classify(CurlTransfer* t, CURLcode code, curl_off_t conn) {
  HttpExchange& ex = t->ex;
  const HttpRequest& r = t->req;
  std::string where = HostPortOf(r.url);
  std::string curl_text = t->errbuf[0] ? std::string(t->errbuf) : curl_easy_strerror(code);
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      ex.error = TransportError::kDns;
      ex.error_detail = "DNS lookup failed for " + where + " (" + curl_text + ")";
      return;
    case CURLE_COULDNT_CONNECT:
      ex.error = TransportError::kConnect;
      ex.error_detail = "cannot connect to " + where + " (" + curl_text + ")";
      return;
    case CURLE_OPERATION_TIMEDOUT: {
      ex.error = TransportError::kTimeout;
      std::string limit = FormatDurationMs(r.timeout_ms);
      // Which phase ran out: a reused connection has no connect time, so "was the request
      // sent" (request size) and "did any response byte arrive" tell the phases apart.
      long sent = 0;
      curl_easy_getinfo(t->easy, CURLINFO_REQUEST_SIZE, &sent);
      if (ex.first_byte_ms >= 0) {
        ex.error_detail = "response from " + where + " incomplete after " + limit + " (status " +
                          std::to_string(ex.status) + ", " + std::to_string(ex.body.size()) +
                          " body bytes received)";
      } else if (sent > 0 || conn > 0) {
        ex.error_detail = "connected to " + where + " but no response within " + limit;
      } else {
        ex.error_detail = "no connection to " + where + " within " +
                          FormatDurationMs(std::min(r.connect_timeout_ms, r.timeout_ms));
      }
      return;
    }
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
      ex.error = TransportError::kTls;
      ex.error_detail = "TLS to " + where + " failed: " + curl_text +
                        (r.ca_file.empty() ? " (a private CA needs ca_file)" : "");
      return;
    case CURLE_WRITE_ERROR:
      if (t->too_large) {
        ex.error = TransportError::kBodyTooLarge;
        ex.error_detail = "response body larger than " + std::to_string(r.max_body_bytes) +
                          " bytes (max_body_bytes); rollgate stopped reading";
        return;
      }
      break;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      ex.error = TransportError::kReset;
      ex.error_detail = "connection to " + where + " closed mid-response after " +
                        std::to_string(ex.body.size()) + " body bytes (" + curl_text + ")";
      return;
    case CURLE_BAD_CONTENT_ENCODING:
      ex.error = TransportError::kBadEncoding;
      ex.error_detail = "cannot decode the response's Content-Encoding (" + curl_text + ")";
      return;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      ex.error = TransportError::kBadUrl;
      ex.error_detail = "unusable URL (" + curl_text + "): base_url must be http(s)://host[:port]";
      return;
    default:
      break;
  }
  ex.error = TransportError::kOther;
  ex.error_detail = "request to " + where + " failed: " + curl_text;
}

}  // namespace

void ConfigureEasy(CurlTransfer* t, bool loopback) {
  CURL* e = t->easy;
  const HttpRequest& r = t->req;
  curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is a finding, not a hop
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // the cap applies to decoded bytes
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout_ms));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(r.connect_timeout_ms, r.timeout_ms)));
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!r.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, r.ca_file.c_str());
  curl_easy_setopt(e, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  // HTTPS_PROXY / NO_PROXY from the environment apply, as they do for the app; loopback is
  // never sent through a proxy.
  if (loopback) curl_easy_setopt(e, CURLOPT_PROXY, "");
  std::string ua = std::string("User-Agent: ") + kToolName + "/" + kToolVersion;
  t->header_list = curl_slist_append(t->header_list, ua.c_str());
  t->header_list = curl_slist_append(t->header_list, "Expect:");
  for (const auto& [name, value] : r.headers) {
    std::string h = name;
    h.append(": ").append(value);
    t->header_list = curl_slist_append(t->header_list, h.c_str());
  }
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->header_list);
  if (r.method == "GET") {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else {
    if (r.method != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    if (r.method == "POST" || !r.body.empty()) {
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(r.body.size()));
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.c_str());  // lives in t->req
    }
  }
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &OnWrite);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
}

void FillExchange(CurlTransfer* t, CURLcode code) {
  HttpExchange& ex = t->ex;
  CURL* e = t->easy;
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  ex.status = static_cast<int>(status);
  curl_off_t dns = 0, conn = 0, app = 0, start = 0, total = 0;
  curl_easy_getinfo(e, CURLINFO_NAMELOOKUP_TIME_T, &dns);
  curl_easy_getinfo(e, CURLINFO_CONNECT_TIME_T, &conn);
  curl_easy_getinfo(e, CURLINFO_APPCONNECT_TIME_T, &app);
  curl_easy_getinfo(e, CURLINFO_STARTTRANSFER_TIME_T, &start);
  curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &total);
  ex.timings.dns_ms = dns / 1000.0;
  ex.timings.connect_ms = conn > dns ? (conn - dns) / 1000.0 : 0;
  ex.timings.tls_ms = app > conn ? (app - conn) / 1000.0 : 0;
  ex.timings.ttfb_ms = start / 1000.0;
  ex.timings.total_ms = total / 1000.0;
  long version = 0;
  curl_easy_getinfo(e, CURLINFO_HTTP_VERSION, &version);
  ex.http_version = version == CURL_HTTP_VERSION_2_0   ? "2"
                    : version == CURL_HTTP_VERSION_3   ? "3"
                    : version == CURL_HTTP_VERSION_1_0 ? "1.0"
                    : version                          ? "1.1"
                                                       : "";
  if (const std::string* loc = FindHeader(ex.headers, "location")) ex.location = *loc;
  if (code == CURLE_OK) return;
  Classify(t, code, conn);
}

}  // namespace rollgate::internal
