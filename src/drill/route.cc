#include "drill/route.h"

#include <chrono>
#include <optional>
#include <thread>

#include "base/secret.h"
#include "base/strings.h"
#include "config/profile.h"
#include "probe/curl_transport.h"

namespace rollgate::internal {

namespace {

HttpExchange Fetch(HttpRequest req, CancelToken* cancel = nullptr) {
  CurlTransport transport;
  CancelRegistration stop(cancel, [&transport] { transport.Cancel(); });
  std::optional<HttpExchange> out;
  transport.Start(std::move(req), nullptr, [&](HttpExchange ex) { out = std::move(ex); });
  transport.Run();
  return out ? std::move(*out) : HttpExchange{};
}

}  // namespace

ActionResult RunRouteAction(const DrillAction& action, int timeout_ms, const Environment& env,
                            const std::string& dir) {
  ActionResult out;
  if (!action.is_http()) {
    CommandOptions opts;
    opts.timeout_ms = timeout_ms;
    opts.working_dir = dir;
    std::vector<std::string> ran = action.command;
    Result<CommandResult> r = RunConfiguredCommand(env, action.command, opts, &ran[0]);
    // What the command line masks (--token=..., a URL's password) it may print back: its
    // stderr is scrubbed of those before it is cut for display. The run's Redactor, which
    // knows the releases' keys, scrubs the detail again later.
    std::vector<std::string> given;
    std::string shown = "`" + ShowCommand(ran, &given) + "`";
    if (!r.ok()) {
      out.detail = shown + " could not start: " + r.status().message();
      return out;
    }
    out.ok = r->succeeded();
    Redactor redactor;
    for (const auto& secret : given) redactor.AddSecret(secret);
    std::string err = SanitizeEndsForDisplay(redactor.Redact(Trim(r->err)), 160);
    out.detail = shown + " " + (out.ok ? "succeeded" : "failed: " + r->Describe(timeout_ms)) +
                 (!out.ok && !err.empty() ? ": " + err : "");
    return out;
  }
  std::string shown = action.method + " " + ShowUrl(action.url);
  // The action's headers come from any value source; the secret ones (a token for the route
  // controller) are scrubbed from what the switch endpoint answers, before it is quoted.
  ResolvedHeaders headers = ResolveHeaders(action.headers, Resolver(env, dir));
  if (!headers.errors.empty()) {
    out.detail = shown + " not sent: " + Join(headers.errors, "; ");
    return out;
  }
  Redactor redactor;
  HttpRequest req;
  req.method = action.method;
  req.url = action.url;
  req.body = action.body;
  req.timeout_ms = timeout_ms;
  for (const auto& h : headers.headers) {
    req.headers.emplace_back(h.name, h.value);
    if (h.secret) redactor.AddSecret(h.value);
  }
  HttpExchange ex = Fetch(std::move(req));
  ex.body = redactor.Redact(ex.body);
  ex.error_detail = redactor.Redact(ex.error_detail);
  if (!ex.transport_ok()) {
    out.detail = shown + " failed: " + ex.error_detail;
  } else if (ex.status < 200 || ex.status >= 300) {
    out.detail = shown + " answered " + std::to_string(ex.status) + " (\"" +
                 SanitizeForDisplay(ex.body, 80) + "\")";
  } else {
    out.ok = true;
    out.detail = shown + " answered " + std::to_string(ex.status);
  }
  return out;
}

SettleResult WaitForVersion(const std::string& url, const std::string& header,
                            const std::map<std::string, std::string>& headers,
                            const std::string& want, int timeout_ms, int poll_ms,
                            CancelToken* cancel, const Clock& clock) {
  SettleResult out;
  double deadline = clock.NowMonoMs() + timeout_ms;
  std::string last_problem;
  int in_a_row = 0;          // consecutive polls that named `want`
  std::string flapped_from;  // a version that answered again after `want` had
  while (true) {
    ++out.polls;
    HttpRequest req;
    req.method = "GET";
    req.url = url;
    req.timeout_ms = std::max(1000, std::min(poll_ms * 4, 5000));
    for (const auto& [k, v] : headers) req.headers.emplace_back(k, v);
    HttpExchange ex = Fetch(std::move(req), cancel);
    bool match = false;
    if (!ex.transport_ok()) {
      last_problem = ex.error_detail;
    } else if (const std::string* v = FindHeader(ex.headers, header)) {
      out.served = *v;
      match = *v == want;
      if (match && ++in_a_row >= kSettledPolls) {
        out.ok = true;
        // Built once, then returned.
        // NOLINTNEXTLINE(performance-inefficient-string-concatenation)
        out.detail = url + " serves " + want + " (" + Plural(out.polls, "poll", "polls") +
                     ", the last " + std::to_string(kSettledPolls) + " in a row)";
        return out;
      }
      if (!match) {
        if (in_a_row > 0) flapped_from = SanitizeForDisplay(*v, 40);
        last_problem = "still served by " + SanitizeForDisplay(*v, 40);
      } else {
        last_problem =
            "served by " + want + " only " + Plural(in_a_row, "poll", "polls") + " in a row";
      }
    } else {
      last_problem = "answered " + std::to_string(ex.status) + " without a " + header + " header";
    }
    if (!match) in_a_row = 0;
    if (cancel && cancel->cancelled()) {
      // Built once, then returned.
      // NOLINTBEGIN(performance-inefficient-string-concatenation)
      out.detail = "interrupted (" + SignalName(cancel->signal()) + ") while waiting for " + want +
                   " on " + url + " (" + last_problem + ")";
      // NOLINTEND(performance-inefficient-string-concatenation)
      return out;
    }
    if (clock.NowMonoMs() + poll_ms > deadline) break;
    SleepUnlessCancelled(poll_ms, cancel);
  }
  out.detail =
      "the route did not converge: " + url + " was not served by " + want + " within " +
      FormatDurationMs(timeout_ms) + " (" + Plural(out.polls, "poll", "polls") + "; " +
      last_problem +
      (flapped_from.empty() ? ""
                            : "; flapping: " + flapped_from + " answered again after " + want) +
      ")";
  return out;
}

void SleepUnlessCancelled(int ms, const CancelToken* cancel) {
  if (cancel) {
    cancel->WaitFor(ms);
  } else if (ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }
}

std::string DescribeRouteAction(const DrillAction& action) {
  if (action.is_http()) return action.method + " " + action.url;
  std::vector<std::string> words;
  for (const auto& arg : action.command) {
    bool plain = !arg.empty() && arg.find_first_not_of(
                                     "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                     "0123456789@%+=:,./_-") == std::string::npos;
    if (plain) {
      words.push_back(arg);
      continue;
    }
    std::string quoted = "'";
    for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    words.push_back(quoted + "'");
  }
  return Join(words, " ");
}

}  // namespace rollgate::internal
