// See instance_probe.h. The route is called on rollgate's own CurlTransport, the same way the
// runner calls an http release's smoke route (LaunchHttpProbe); a hang-up is that transport's
// Cancel(), which aborts the transfer and closes its connection.
#include "rehearse/instance_probe.h"

#include <algorithm>
#include <thread>

#include "probe/curl_transport.h"
#include "rehearse/local_instance.h"
#include "run/outcome_redaction.h"

namespace rollgate::internal {

namespace {

Status StartInstance(const ReleaseConfig& rel, const AppPlan& plan,
                     const std::vector<std::string>& vars, const std::string& dir,
                     CancelToken* cancel, const Redactor* redactor, const Environment* env,
                     LocalInstance* instance) {
  LocalInstanceOptions o;
  o.release = "releases." + rel.name;
  o.command = plan.instance_command;
  o.dir = dir;
  o.env = vars;
  o.cancel = cancel;
  o.redactor = redactor;
  o.environment = env;
  return instance->Start(o);
}

}  // namespace

AppProbeOutcome ProbeThroughInstance(const ReleaseConfig& rel, const AppPlan& plan,
                                     const std::vector<std::string>& vars,
                                     const AppProbeRequest& request, const std::string& dir,
                                     CancelToken* cancel, const Redactor* redactor,
                                     const Environment* env) {
  AppProbeOutcome out;
  LocalInstance instance;
  Status st = StartInstance(rel, plan, vars, dir, cancel, redactor, env, &instance);
  if (!st.ok()) {
    out.failure = st.message();
    return out;
  }
  HttpProbeConfig http = rel.http;
  http.url = OnInstance(rel.http.url, instance.url());
  CurlTransport transport;
  CancelRegistration stop_on_cancel(cancel, [&transport] { transport.Cancel(); });
  // Longer than the mock's stalls (timeout_ms + 1.5 s): rollgate must not be the user who
  // leaves, or an app that propagates the hang-up would look as if its client timed out.
  LaunchHttpProbe(&transport, http, {}, rel.timeout_ms * 2 + 2000, request, {},
                  [&out](AppProbeOutcome o) { out = std::move(o); });
  transport.Run();
  instance.Stop();
  if (redactor)
    RedactAppProbeOutcome(*redactor, &out);  // what the app answered, as the runner does
  return out;
}

DisconnectObservation MeasureDisconnect(const ReleaseConfig& rel, const AppPlan& plan,
                                        const std::vector<std::string>& vars,
                                        const AppProbeRequest& request,
                                        const mock::MockProvider& mock, const std::string& session,
                                        const std::string& dir, CancelToken* cancel,
                                        std::string* problem, const Redactor* redactor,
                                        const Environment* env) {
  DisconnectObservation d;
  LocalInstance instance;
  Status st = StartInstance(rel, plan, vars, dir, cancel, redactor, env, &instance);
  if (!st.ok()) {
    *problem = st.message();
    return d;
  }
  HttpProbeConfig http = rel.http;
  http.url = OnInstance(rel.http.url, instance.url());
  CurlTransport transport;
  LaunchHttpProbe(&transport, http, {}, rel.timeout_ms, request, {}, [](const AppProbeOutcome&) {});
  std::thread route([&transport] { transport.Run(); });
  // Mid-stream: the mock has sent the app the stream's first chunks and holds the rest back.
  bool mid_stream =
      PollSession(mock, session, rel.timeout_ms, cancel, [](const mock::Observations& o) {
        return !o.log.empty() && o.log.front().stall_started_ms >= 0;
      });
  int64_t hung_up_at = mock.now_ms();
  transport.Cancel();  // rollgate, the app's user, hangs up
  route.join();
  if (!mid_stream) {
    *problem = "the app's upstream stream never reached the mock's stall within " +
               std::to_string(rel.timeout_ms) + " ms, so there was no moment to hang up in";
    instance.Stop();
    return d;
  }
  int64_t closed_at = -1;
  PollSession(mock, session, kDisconnectWindowMs, cancel, [&](const mock::Observations& o) {
    if (!o.log.empty() && o.log.front().client_closed_ms >= 0)
      closed_at = o.log.front().client_closed_ms;
    return closed_at >= 0;
  });
  d.watched_ms = mock.now_ms() - hung_up_at;
  if (closed_at >= 0) {
    d.propagated = true;
    d.upstream_closed_ms = std::max<int64_t>(0, closed_at - hung_up_at);
  }
  instance.Stop();
  return d;
}

}  // namespace rollgate::internal
