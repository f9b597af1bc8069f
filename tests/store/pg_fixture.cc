#include "store/pg_fixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "base/file_util.h"
#include "base/net.h"
#include "base/secret.h"
#include "base/subprocess.h"

namespace rollgate::testing {

namespace {

constexpr char kPgBin[] = "/usr/lib/postgresql/15/bin/";
// The superuser's password: only the fixture uses it (to create and inspect).
constexpr char kPgSuperPassword[] = "pgsuper-fixture-3d8a6f0c2e5b7194";

bool PgAsRoot() { return ::geteuid() == 0; }

// argv run as the postgres user when we are root (initdb and the server refuse root).
std::vector<std::string> PgAsServerUser(std::vector<std::string> argv) {
  if (!PgAsRoot()) return argv;
  argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  return argv;
}

Result<std::string> PgRun(const std::vector<std::string>& argv, int timeout_ms = 60000,
                          const std::vector<std::string>& env = {}) {
  internal::CommandOptions options;
  options.timeout_ms = timeout_ms;
  options.max_output_bytes = 64 << 20;
  options.extra_env = env;
  Result<internal::CommandResult> r = internal::RunCommand(argv, options);
  if (!r.ok()) return r.status();
  if (!r->succeeded()) {
    const std::string& program = argv[0] == "runuser" && argv.size() > 4 ? argv[4] : argv[0];
    return Status::IoError(program + " failed (" + r->Describe(timeout_ms) + "): " + r->err +
                           r->out);
  }
  return r->out;
}

// Hands `path` to the postgres user (the server runs as it).
Status PgChown(const std::string& path) {
  if (!PgAsRoot()) return Status::Ok();
  return PgRun({"chown", "-R", "postgres:postgres", path}).status();
}

std::string PgMakeTempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "rollgate-pg-XXXXXX").string();
  char* made = ::mkdtemp(tmpl.data());
  return made ? made : "";
}

// fsync=off only: the tests stop the server as a crash would (-m immediate) and expect every
// committed run back, so commits must reach the WAL (synchronous_commit stays on); what fsync
// adds is surviving a crash of the machine itself.
std::vector<std::string> PgCtlStart(const std::string& data, const std::string& socket_dir,
                                    const std::string& log, int port) {
  return PgAsServerUser(
      {std::string(kPgBin) + "pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-o",
       "-p " + std::to_string(port) + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" +
           socket_dir + " -c fsync=off -c full_page_writes=off",
       "start"});
}

Status PgCtlStop(const std::string& data) {
  return PgRun(PgAsServerUser({std::string(kPgBin) + "pg_ctl", "-D", data, "-m", "immediate", "-w",
                               "-t", "60", "stop"}))
      .status();
}

Result<std::string> PgPsqlAs(const std::string& socket_dir, int port, const std::string& user,
                             const std::string& password, const std::string& db,
                             const std::string& sql) {
  return PgRun({"psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socket_dir, "-p",
                std::to_string(port), "-U", user, "-d", db, "-c", sql},
               60000, {std::string("PGPASSWORD=") + password});
}

// The template data directory, made once per build directory: initdb, then the test role and
// database. Several test processes may ask at once; a lock file makes one of them do it.
Result<std::string> PgTemplate() {
  // In the temp directory, not the build tree: the postgres user must reach it, and a clone
  // under /root is out of its reach. One per build directory.
  const std::string base = (std::filesystem::temp_directory_path() /
                            ("rollgate-pg-template-15-" +
                             internal::Sha256Hex(internal::DirName(ROLLGATE_BINARY)).substr(0, 12)))
                               .string();
  const std::string data = base + "/data";
  int lock = ::open((base + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0) return Status::IoError(base + ".lock: cannot open");
  ::flock(lock, LOCK_EX);
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }
  } unlock{lock};
  if (internal::FileExists(base + "/ready")) return data;

  std::error_code ec;
  std::filesystem::remove_all(base, ec);
  std::filesystem::create_directories(base, ec);
  const std::string pwfile = base + "/pw";
  std::ofstream(pwfile) << kPgSuperPassword << "\n";
  ROLLGATE_RETURN_IF_ERROR(PgChown(base));
  ROLLGATE_RETURN_IF_ERROR(
      PgRun(PgAsServerUser({std::string(kPgBin) + "initdb", "-D", data, "--auth=scram-sha-256",
                            "-U", "postgres", "--pwfile=" + pwfile, "-E", "UTF8", "--locale=C",
                            "--no-sync", "--no-instructions"}),
            180000)
          .status());
  const int port = internal::FreeLoopbackPort().value_or(-1);
  ROLLGATE_RETURN_IF_ERROR(PgRun(PgCtlStart(data, base, base + "/log", port), 120000).status());
  Status made = PgPsqlAs(base, port, "postgres", kPgSuperPassword, "postgres",
                         std::string("CREATE ROLE ") + PgServer::kUser +
                             " LOGIN CREATEDB PASSWORD '" + PgServer::kPassword + "'")
                    .status();
  if (made.ok()) {
    made = PgPsqlAs(
               base, port, "postgres", kPgSuperPassword, "postgres",
               std::string("CREATE DATABASE ") + PgServer::kDatabase + " OWNER " + PgServer::kUser)
               .status();
  }
  Status stopped = PgCtlStop(data);
  ROLLGATE_RETURN_IF_ERROR(made);
  ROLLGATE_RETURN_IF_ERROR(stopped);
  std::ofstream(base + "/ready") << "ok\n";
  return data;
}

}  // namespace

std::string PgServer::Unavailable() {
  if (!internal::FileExists(std::string(kPgBin) + "initdb")) {
    return "PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin/initdb); "
           "scripts/bootstrap.sh --test installs postgresql-15";
  }
  if (PgAsRoot() && ::getpwnam("postgres") == nullptr) {
    return "running as root without a postgres user to run PostgreSQL as";
  }
  return "";
}

PgServer::~PgServer() {
  (void)Stop();
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

Status PgServer::Start() {
  Result<std::string> tmpl = PgTemplate();
  if (!tmpl.ok()) return tmpl.status();
  dir_ = PgMakeTempDir();
  if (dir_.empty()) return Status::IoError("mkdtemp failed");
  ROLLGATE_RETURN_IF_ERROR(PgRun({"cp", "-a", *tmpl, dir_ + "/data"}).status());
  ROLLGATE_RETURN_IF_ERROR(PgChown(dir_));
  Status st;
  for (int attempt = 0; attempt < 3; ++attempt) {  // a port taken between probe and bind
    st = StartOn(internal::FreeLoopbackPort().value_or(-1));
    if (st.ok()) return st;
  }
  return Status::IoError(st.message() + "\nserver log:\n" + Log());
}

Status PgServer::StartOn(int port) {
  port_ = port;
  ROLLGATE_RETURN_IF_ERROR(
      PgRun(PgCtlStart(dir_ + "/data", dir_, dir_ + "/log", port_), 120000).status());
  running_ = true;
  return Status::Ok();
}

Status PgServer::Stop() {
  if (!running_) return Status::Ok();
  running_ = false;
  return PgCtlStop(dir_ + "/data");
}

Status PgServer::Restart() {
  if (running_) return Status::Ok();
  return StartOn(port_);
}

std::string PgServer::Uri(const std::string& db) const {
  return std::string("postgresql://") + kUser + "@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

internal::HistoryLocation PgServer::Location(const std::string& db) const {
  internal::HistoryLocation l;
  l.kind = internal::HistoryLocation::Kind::kPostgres;
  l.db = Uri(db);
  l.password = kPassword;
  return l;
}

Result<std::string> PgServer::Psql(const std::string& sql, const std::string& db) const {
  return PgPsqlAs(dir_, port_, kUser, kPassword, db, sql);
}

Result<std::string> PgServer::Dump(const std::string& db) const {
  return PgRun({std::string(kPgBin) + "pg_dump", "-h", dir_, "-p", std::to_string(port_), "-U",
                kUser, "-d", db},
               60000, {PasswordEnv()});
}

Status PgServer::CreateDatabase(const std::string& name) const {
  return PgPsqlAs(dir_, port_, kUser, kPassword, kDatabase, "CREATE DATABASE " + name).status();
}

std::string PgServer::Log() const {
  Result<std::string> log = internal::ReadFileToString(dir_ + "/log");
  return log.ok() ? *log : "";
}

}  // namespace rollgate::testing
