// Starting and stopping a local instance of an `http` release. The process itself is run by
// RunCommand (base/subprocess.h) on a thread of its own: that already puts it in its own process
// group, bounds its output, and on cancel stops the whole group (SIGTERM, a short grace,
// SIGKILL) and reaps it, so Stop() only cancels and joins.
#include "rehearse/local_instance.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "base/environment.h"
#include "base/net.h"
#include "base/secret.h"
#include "base/strings.h"

namespace rollgate::internal {

namespace {

// Whether something accepts a TCP connection on 127.0.0.1:port. Readiness is judged by the
// port, not by calling the smoke route: every smoke call costs a call to the mock, which would
// count among the app's attempts. (A plain connect(); no library call is smaller.)
bool Accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// The command as shown in a message: secret-looking arguments masked (ShowCommand), known
// secrets scrubbed from the raw text before it is cut and escaped.
std::string Shown(const std::vector<std::string>& argv, const Redactor* redactor) {
  std::string shown = ShowCommand(argv);
  return SanitizeForDisplay(redactor ? redactor->Redact(shown) : shown, 200);
}

// The last 300 bytes of what the instance wrote to stderr, for the message that says why it
// exited. The whole captured text is scrubbed first: a tail cut through a key would leave a
// piece the Redactor could no longer recognise.
std::string StderrTail(const std::string& err, const Redactor* redactor) {
  std::string tail = redactor ? redactor->Redact(err) : err;
  if (tail.size() > 300) tail = tail.substr(tail.size() - 300);
  return SanitizeForDisplay(tail, 300);
}

}  // namespace

std::string OnInstance(const std::string& url, const std::string& base) {
  std::size_t scheme = url.find("://");
  std::size_t path = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  return base + (path == std::string::npos ? "/" : url.substr(path));
}

LocalInstance::~LocalInstance() { Stop(); }

std::string LocalInstance::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

Status LocalInstance::Start(const LocalInstanceOptions& options) {
  const std::string who =
      options.release + "'s rehearse.command (" + Shown(options.command, options.redactor) + ")";
  if (options.command.empty()) return Status::InvalidArgument(who + " is empty");
  Result<int> port = FreeLoopbackPort();
  if (!port.ok()) return Status::IoError(who + ": " + port.status().message());
  port_ = *port;
  std::vector<std::string> argv = options.command;
  for (auto& arg : argv) {
    for (std::size_t at = arg.find("{port}"); at != std::string::npos;
         at = arg.find("{port}", at)) {
      arg.replace(at, 6, std::to_string(port_));
    }
  }
  const Environment* env = options.environment ? options.environment : &ProcessEnvironment();
  Result<std::string> program = env->FindProgram(argv[0], options.dir);
  auto scrub = [&options](const std::string& text) {
    return options.redactor ? options.redactor->Redact(text) : text;
  };
  if (!program.ok())
    return Status::IoError(who + " cannot start: " + scrub(program.status().message()));
  argv[0] = *program;
  CommandOptions run;
  run.timeout_ms = options.max_lifetime_ms;
  run.max_output_bytes = 64u << 10;
  run.working_dir = options.dir;
  run.extra_env = options.env;
  run.extra_env.push_back("ROLLGATE_REHEARSE_PORT=" + std::to_string(port_));
  run.cancel = &stop_;
  runner_ = std::thread([this, env, argv, run] {
    Result<CommandResult> r = env->Run(argv, run);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (r.ok())
        result_ = *r;
      else
        run_error_ = r.status();
    }
    exited_ = true;
  });
  // The rehearsal's own cancel stops the instance as well.
  CancelRegistration follow(options.cancel, [this] { stop_.Cancel(); });
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options.ready_timeout_ms);
  while (!exited_ && !stop_.cancelled()) {
    if (Accepts(port_)) return Status::Ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      Stop();
      return Status::IoError(who +
                             " did not accept connections on 127.0.0.1:" + std::to_string(port_) +
                             " within " + std::to_string(options.ready_timeout_ms) +
                             " ms; it must listen on the port given in ROLLGATE_REHEARSE_PORT "
                             "(or where its command says {port})");
    }
    stop_.WaitFor(20);  // a bounded poll of the port, not a synchronisation sleep
  }
  Stop();
  std::lock_guard<std::mutex> lock(mu_);
  if (!run_error_.ok())
    return Status::IoError(who + " cannot start: " + scrub(run_error_.message()));
  std::string err = StderrTail(result_.err, options.redactor);
  return Status::IoError(who + " exited before it accepted connections (" +
                         result_.Describe(options.max_lifetime_ms) + ")" +
                         (err.empty() ? "" : ": " + err));
}

void LocalInstance::Stop() {
  stop_.Cancel();
  if (runner_.joinable()) runner_.join();
}

}  // namespace rollgate::internal
