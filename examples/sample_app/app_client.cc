// Choices this client makes, each the way a careful production app would:
//  * redirects are not followed: a 301 from a wrong base URL (CometAPI answers wrong paths that
//    way) is reported as the 301 it is, instead of being turned into a GET somewhere else;
//  * the app's timeout covers the whole transfer, a streamed body included, so a stalled
//    stream ends as a timeout rather than hanging the caller;
//  * proxies from the environment are honoured, except for loopback URLs (local providers,
//    the tests' mock), which a corporate proxy could never reach;
//  * NOSIGNAL, since `serve` calls from many threads and curl's alarm() would hit them all.
#include "app_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

#include "base/strings.h"

namespace sample_app {

namespace {

namespace base = rollgate::internal;

struct Transfer {
  const ChatCall* call = nullptr;
  ChatReply* reply = nullptr;
  bool too_large = false;
};

size_t OnHeader(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->reply->headers.clear();  // a new response (after 100 Continue) starts over
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name = base::Trim(line.substr(0, colon));
  std::string value = base::Trim(line.substr(colon + 1));
  if (base::EqualsIgnoreCase(name, "content-type")) t->reply->content_type = value;
  t->reply->headers.emplace_back(std::move(name), std::move(value));
  return n;
}

size_t OnBody(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  if (t->reply->body.size() + n > kMaxBodyBytes) {
    t->too_large = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  t->reply->body.append(data, n);
  if (t->call->on_body) t->call->on_body(std::string_view(data, n));
  return n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return t->call->should_abort && t->call->should_abort() ? 1 : 0;
}

bool IsLoopback(const std::string& url) {
  std::string lower = base::ToLower(url);
  for (const char* prefix : {"http://127.", "http://localhost", "http://[::1]", "https://127.",
                             "https://localhost", "https://[::1]"}) {
    if (lower.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

TransportFailure Classify(CURLcode code, bool too_large) {
  if (too_large) return TransportFailure::kTooLarge;
  switch (code) {
    case CURLE_OK:
      return TransportFailure::kNone;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
      return TransportFailure::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportFailure::kTimeout;
    case CURLE_ABORTED_BY_CALLBACK:
      return TransportFailure::kAborted;
    default:
      return TransportFailure::kTransport;
  }
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

std::string ClientLibraryVersion() {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  return info != nullptr && info->version != nullptr ? info->version : "unknown";
}

ChatReply PostChat(const ChatCall& call) {
  ChatReply reply;
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    reply.failure = TransportFailure::kTransport;
    reply.failure_message = "POST " + call.url + ": cannot initialise libcurl";
    return reply;
  }
  curl_slist* raw = nullptr;
  raw = curl_slist_append(raw, ("Authorization: Bearer " + call.api_key).c_str());
  raw = curl_slist_append(raw, "Content-Type: application/json");
  raw = curl_slist_append(raw, "Accept: application/json");
  if (!call.correlation_id.empty()) {
    raw = curl_slist_append(raw, ("X-Client-Request-Id: " + call.correlation_id).c_str());
  }
  raw = curl_slist_append(raw, "Expect:");  // no 100-continue round trip for a small body
  std::unique_ptr<curl_slist, SlistDeleter> headers(raw);

  Transfer transfer{&call, &reply, false};
  char errbuf[CURL_ERROR_SIZE] = {0};
  CURL* e = curl.get();
  curl_easy_setopt(e, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, call.body.data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(e, CURLOPT_USERAGENT, call.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(call.timeout_ms));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(call.timeout_ms, 10000)));
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  if (IsLoopback(call.url)) curl_easy_setopt(e, CURLOPT_PROXY, "");
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &OnProgress);
  curl_easy_setopt(e, CURLOPT_XFERINFODATA, &transfer);

  CURLcode code = curl_easy_perform(e);
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  reply.status = static_cast<int>(status);
  reply.failure = Classify(code, transfer.too_large);
  if (reply.failure != TransportFailure::kNone) {
    std::string why;
    switch (reply.failure) {
      case TransportFailure::kTooLarge:
        why = "response body larger than " + std::to_string(kMaxBodyBytes) + " bytes";
        break;
      case TransportFailure::kAborted:
        why = "aborted: the app is shutting down";
        break;
      case TransportFailure::kTimeout:
        why = "no complete answer within " + std::to_string(call.timeout_ms) + " ms";
        break;
      default:
        why = errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(code));
    }
    reply.failure_message = "POST " + call.url + ": " + why;
  }
  return reply;
}

}  // namespace sample_app
