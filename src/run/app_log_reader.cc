#include "run/app_log_reader.h"

#include "base/file_util.h"
#include "base/strings.h"
#include "checks/app_logs.h"

namespace rollgate::internal {

AppLogMark MarkAppLog(const LogsConfig& logs, const std::string& config_dir) {
  AppLogMark m;
  if (logs.file.empty()) return m;
  m.path = ResolveRelative(config_dir, logs.file);
  Result<FileMark> mark = MarkFileEnd(m.path);
  if (mark.ok()) {
    m.mark = *mark;
  } else {
    m.status = mark.status();
  }
  return m;
}

namespace {

CheckResult Failed(std::string detail) {
  return {"app_logs", CheckStatus::kFail, std::move(detail), false};
}

}  // namespace

CheckResult ReadAndCheckAppLogs(const LogsConfig& logs, const AppLogMark& mark,
                                const Environment& env, const std::string& config_dir,
                                const std::vector<std::string>& ids, const Redactor& redactor) {
  AppLogsInput in;
  in.correlation_ids = ids;
  in.require = logs.require;
  in.fields = logs.fields;
  in.patterns = logs.patterns;
  std::string text;
  if (!logs.file.empty()) {
    if (!mark.status.ok()) {
      return Failed("cannot read the app's log file: " + mark.status.message());
    }
    Result<FileTail> tail = ReadSinceMark(mark.path, mark.mark, logs.max_bytes);
    if (!tail.ok()) return Failed("cannot read the app's log file: " + tail.status().message());
    text = std::move(tail->text);
    in.source = "file " + mark.path + " (" + std::to_string(tail->written) +
                " bytes written since the probe started";
    if (tail->restarted) in.source += "; rotated or truncated meanwhile, read from its start";
    if (tail->capped)
      in.source += "; the first " + std::to_string(text.size()) + " read, logs.max_bytes";
    in.source += ")";
  } else {
    CommandOptions opts;
    opts.timeout_ms = logs.timeout_ms;
    opts.working_dir = config_dir;
    opts.max_output_bytes = logs.max_bytes;
    std::vector<std::string> ran = logs.command;
    Result<CommandResult> r = RunConfiguredCommand(env, logs.command, opts, &ran[0]);
    const std::string command = ShowCommand(ran);
    if (!r.ok()) return Failed("cannot read the app's logs: " + r.status().message());
    if (!r->succeeded()) {
      return Failed("the logs command `" + command + "` failed (" + r->Describe(logs.timeout_ms) +
                    "): " + SanitizeEndsForDisplay(Trim(redactor.Redact(r->err)), 160));
    }
    text = std::move(r->out);
    in.source = "`" + command + "`";
  }
  in.logs = text;
  return CheckAppLogs(in, redactor);
}

}  // namespace rollgate::internal
