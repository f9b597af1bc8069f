// CurlTransport: every request of a run on one libcurl multi handle, driven by one loop.
//
// The loop (Run) repeats: fire due timers (retry backoffs), hand finished transfers to their
// callbacks, end transfers that went silent for longer than their idle timeout, then sleep in
// epoll_wait until a socket is ready, curl's own timeout or the next timer or idle deadline is
// due, or Cancel() wakes it, and let curl act on exactly the sockets that are ready
// (curl_multi_socket_action). Callbacks may start new requests and timers; they are picked up
// by the next turn.
//
// Why the socket interface and not curl_multi_perform + curl_multi_poll: perform visits every
// transfer on each turn (a poll() system call each), so a fleet with 512 calls on the wire
// paid 512 system calls per answer; socket_action touches only the socket that woke us.
//
// Why the idle timeout lives here and not in curl: CURLOPT_LOW_SPEED_TIME has one-second
// granularity and measures throughput, not silence between SSE events. We see every byte in
// the write callback, so we track the last one ourselves.
//
// One transfer's easy handle (options, callbacks) and how its outcome is read back are in
// curl_transfer.cc.
#include "probe/curl_transport.h"

#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "base/net.h"
#include "base/strings.h"
#include "probe/curl_transfer.h"

namespace rollgate::internal {

namespace {

std::once_flag g_curl_init;

// The host as libcurl will connect to it (curl_url's parse, the one the transfer uses) is a
// loopback literal. A name that merely starts with "127." is not: it goes through the proxy.
bool IsLoopbackUrl(const std::string& url) {
  bool loopback = false;
  CURLU* u = curl_url();
  char* host = nullptr;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
    loopback = IsLoopbackHost(host);
  }
  curl_free(host);
  curl_url_cleanup(u);
  return loopback;
}

}  // namespace

struct CurlTransport::Impl {
  using Transfer = CurlTransfer;

  CURLM* multi = nullptr;
  int epoll_fd = -1;               // every socket curl asks us to watch, and wake_fd
  int wake_fd = -1;                // an eventfd: Cancel() writes it to end the wait
  double curl_deadline = -1;       // when curl wants curl_multi_socket_action(TIMEOUT); -1: never
  std::string last_url;            // the previous request's URL and whether it is loopback:
  bool last_url_loopback = false;  // a fleet sends thousands of requests to a few URLs
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active;
  std::deque<std::unique_ptr<Transfer>> queued;  // waiting for a slot (max_in_flight)
  std::size_t max_in_flight = 0;                 // 0: no limit
  std::vector<CURL*> idle_handles;  // reused: curl_easy_reset keeps nothing but the allocation
  std::multimap<double, TimerFn> timers;
  std::vector<std::pair<DoneFn, HttpExchange>> deferred;  // completions that need no network
  std::atomic<bool> cancelled{false};

  // CURLMOPT_SOCKETFUNCTION: watch `s` for what curl waits on (or stop watching it).
  static int OnSocket(CURL*, curl_socket_t s, int what, void* userp, void* socketp) {
    auto* m = static_cast<Impl*>(userp);
    if (what == CURL_POLL_REMOVE) {
      ::epoll_ctl(m->epoll_fd, EPOLL_CTL_DEL, s, nullptr);
      curl_multi_assign(m->multi, s, nullptr);
      return 0;
    }
    epoll_event ev{};
    ev.data.fd = s;
    ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
    int op = socketp ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (::epoll_ctl(m->epoll_fd, op, s, &ev) != 0) {
      // The socket's registration is not what we remembered (a descriptor number reused): fix it.
      ::epoll_ctl(m->epoll_fd, op == EPOLL_CTL_ADD ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, s, &ev);
    }
    static char watched;
    curl_multi_assign(m->multi, s, &watched);
    return 0;
  }

  // CURLMOPT_TIMERFUNCTION: when curl next wants to act on its own (connect and request
  // timeouts, a handle just added).
  static int OnTimer(CURLM*, long timeout_ms, void* userp) {
    auto* m = static_cast<Impl*>(userp);
    m->curl_deadline = timeout_ms < 0 ? -1 : CurlNowMs() + static_cast<double>(timeout_ms);
    return 0;
  }

  Impl() {
    std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    multi = curl_multi_init();
    epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
    wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wake_fd;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev);
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::OnSocket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::OnTimer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
  }

  // Lets curl act on `fd` (or on its timeouts, CURL_SOCKET_TIMEOUT).
  void Act(curl_socket_t fd, int events) {
    int running = 0;
    curl_multi_socket_action(multi, fd, events, &running);
  }

  bool IsLoopback(const std::string& url) {
    if (url != last_url) {
      last_url = url;
      last_url_loopback = IsLoopbackUrl(url);
    }
    return last_url_loopback;
  }

  ~Impl() {
    for (auto& [easy, t] : active) {
      curl_multi_remove_handle(multi, easy);
      curl_easy_cleanup(easy);
      curl_slist_free_all(t->header_list);
    }
    for (CURL* e : idle_handles) curl_easy_cleanup(e);
    curl_multi_cleanup(multi);
    if (epoll_fd >= 0) ::close(epoll_fd);
    if (wake_fd >= 0) ::close(wake_fd);
  }

  void Complete(std::unique_ptr<Transfer> t, std::vector<std::pair<DoneFn, HttpExchange>>* out) {
    curl_slist_free_all(t->header_list);
    t->header_list = nullptr;
    if (t->easy) {
      curl_easy_reset(t->easy);
      idle_handles.push_back(t->easy);
    }
    out->emplace_back(std::move(t->on_done), std::move(t->ex));
  }

  // Ends transfers that went silent longer than their idle timeout; returns the next deadline.
  double CheckIdle(double now, std::vector<std::pair<DoneFn, HttpExchange>>* done) {
    double next = -1;
    for (auto it = active.begin(); it != active.end();) {
      Transfer* t = it->second.get();
      if (t->req.idle_timeout_ms > 0 && t->ex.first_byte_ms >= 0) {
        double deadline = t->last_activity + t->req.idle_timeout_ms;
        if (now >= deadline) {
          curl_multi_remove_handle(multi, t->easy);
          FillExchange(t, CURLE_OK);
          t->ex.error = TransportError::kIdleTimeout;
          t->ex.error_detail = "the response stalled: nothing received for " +
                               FormatDurationMs(t->req.idle_timeout_ms) + " after " +
                               std::to_string(t->ex.body.size()) + " body bytes";
          t->ex.end_ms = now;
          std::unique_ptr<Transfer> owned = std::move(it->second);
          it = active.erase(it);
          Complete(std::move(owned), done);
          continue;
        }
        if (next < 0 || deadline < next) next = deadline;
      }
      ++it;
    }
    return next;
  }

  // Puts a transfer on the wire: an easy handle from the pool, options, the multi handle.
  void Launch(std::unique_ptr<Transfer> t) {
    t->ex.start_ms = CurlNowMs();
    t->ex.start_unix_ms = CurlUnixNowMs();
    t->last_activity = t->ex.start_ms;
    if (!idle_handles.empty()) {
      t->easy = idle_handles.back();
      idle_handles.pop_back();
    } else {
      t->easy = curl_easy_init();
    }
    ConfigureEasy(t.get(), IsLoopback(t->req.url));
    if (curl_multi_add_handle(multi, t->easy) != CURLM_OK) {
      t->ex.error = TransportError::kOther;
      t->ex.error_detail = "libcurl refused the request";
      t->ex.end_ms = CurlNowMs();
      Complete(std::move(t), &deferred);
      return;
    }
    CURL* easy = t->easy;
    active.emplace(easy, std::move(t));
  }

  void LaunchQueued() {
    while (!queued.empty() && (max_in_flight == 0 || active.size() < max_in_flight)) {
      std::unique_ptr<Transfer> t = std::move(queued.front());
      queued.pop_front();
      Launch(std::move(t));
    }
  }

  void CancelAll(std::vector<std::pair<DoneFn, HttpExchange>>* done) {
    double now = CurlNowMs();
    auto cancel = [&](std::unique_ptr<Transfer> t) {
      t->ex.error = TransportError::kCancelled;
      t->ex.error_detail = "cancelled (rollgate was interrupted)";
      t->ex.end_ms = now;
      Complete(std::move(t), done);
    };
    for (auto& [easy, t] : active) {
      curl_multi_remove_handle(multi, easy);
      cancel(std::move(t));
    }
    active.clear();
    while (!queued.empty()) {
      std::unique_ptr<Transfer> t = std::move(queued.front());
      queued.pop_front();
      t->ex.start_ms = now;
      t->ex.start_unix_ms = CurlUnixNowMs();
      cancel(std::move(t));
    }
  }
};

CurlTransport::CurlTransport() : impl_(std::make_unique<Impl>()) {}
CurlTransport::~CurlTransport() = default;

double CurlTransport::NowMs() const { return CurlNowMs(); }

void CurlTransport::Start(HttpRequest request, DataFn on_data, DoneFn on_done) {
  auto t = std::make_unique<CurlTransfer>();
  t->req = std::move(request);
  t->on_data = std::move(on_data);
  t->on_done = std::move(on_done);
  if (impl_->cancelled.load()) {
    t->ex.start_ms = CurlNowMs();
    t->ex.start_unix_ms = CurlUnixNowMs();
    t->ex.error = TransportError::kCancelled;
    t->ex.error_detail = "cancelled (rollgate was interrupted)";
    t->ex.end_ms = t->ex.start_ms;
    impl_->deferred.emplace_back(std::move(t->on_done), std::move(t->ex));
    return;
  }
  // Timings start when the request goes out, not while it waits for a slot.
  impl_->queued.push_back(std::move(t));
  impl_->LaunchQueued();
}

void CurlTransport::SetMaxInFlight(std::size_t n) { impl_->max_in_flight = n; }

void CurlTransport::After(double delay_ms, TimerFn fn) {
  impl_->timers.emplace(CurlNowMs() + std::max(0.0, delay_ms), std::move(fn));
}

void CurlTransport::Cancel() {
  impl_->cancelled.store(true);
  uint64_t one = 1;
  (void)!::write(impl_->wake_fd, &one, sizeof one);
}

void CurlTransport::Run() {
  Impl& m = *impl_;
  std::vector<std::pair<DoneFn, HttpExchange>> done;
  while (true) {
    done.clear();
    done.swap(m.deferred);
    double now = CurlNowMs();
    bool cancelled = m.cancelled.load();
    if (cancelled) m.CancelAll(&done);
    // Timers due now (all of them once cancelled: their callbacks end quickly).
    std::vector<TimerFn> due;
    while (!m.timers.empty() && (cancelled || m.timers.begin()->first <= now)) {
      due.push_back(std::move(m.timers.begin()->second));
      m.timers.erase(m.timers.begin());
    }
    if (m.curl_deadline >= 0 && now >= m.curl_deadline) {
      m.curl_deadline = -1;
      m.Act(CURL_SOCKET_TIMEOUT, 0);
    }
    int msgs_left = 0;
    while (CURLMsg* msg = curl_multi_info_read(m.multi, &msgs_left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      CURLcode code = msg->data.result;
      auto it = m.active.find(easy);
      if (it == m.active.end()) continue;
      std::unique_ptr<CurlTransfer> t = std::move(it->second);
      m.active.erase(it);
      curl_multi_remove_handle(m.multi, easy);
      t->ex.end_ms = CurlNowMs();
      FillExchange(t.get(), code);
      m.Complete(std::move(t), &done);
    }
    double next_idle = m.CheckIdle(CurlNowMs(), &done);
    m.LaunchQueued();
    for (auto& [fn, ex] : done) fn(std::move(ex));
    for (auto& fn : due) fn();
    m.LaunchQueued();
    if (m.active.empty() && m.queued.empty() && m.timers.empty() && m.deferred.empty()) break;
    if (!m.deferred.empty()) continue;
    // Sleep until a socket is ready or the next deadline; never longer than 250 ms so a
    // missed wakeup costs little. Then let curl act on the sockets that are ready.
    now = CurlNowMs();
    double wait = 250;
    if (!m.timers.empty()) wait = std::min(wait, m.timers.begin()->first - now);
    if (next_idle >= 0) wait = std::min(wait, next_idle - now);
    if (m.curl_deadline >= 0) wait = std::min(wait, m.curl_deadline - now);
    int wait_ms = wait > 0 ? static_cast<int>(wait) + 1 : 0;
    epoll_event events[256];
    int n = ::epoll_wait(m.epoll_fd, events, 256, wait_ms);
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == m.wake_fd) {
        uint64_t count = 0;
        (void)!::read(m.wake_fd, &count, sizeof count);
        continue;
      }
      uint32_t ev = events[i].events;
      int mask = ((ev & EPOLLIN) ? CURL_CSELECT_IN : 0) | ((ev & EPOLLOUT) ? CURL_CSELECT_OUT : 0) |
                 ((ev & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
      m.Act(fd, mask);
    }
  }
}

}  // namespace rollgate::internal
