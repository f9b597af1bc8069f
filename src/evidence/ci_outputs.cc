// GitHub Actions and GitLab CI outputs of a run. The formats, from the providers' docs:
//  * workflow commands: `::error title=T::MESSAGE` on a line of its own on stdout. The runner
//    splits the line at `::`, the properties at `,` and each property at `=`, then unescapes
//    %25 %0D %0A (and in properties %3A %2C); GitHub's toolkit escapes the same set.
//  * $GITHUB_OUTPUT / $GITHUB_STEP_SUMMARY: files the step appends to; an output is `name=value`
//    on one line or `name<<DELIMITER`, the value's lines, `DELIMITER`.
//  * GitLab dotenv: every line must match /^(.*?)=(.*)$/, key and value are stripped of white
//    space, nothing is unquoted, and `$NAME` in a value is expanded later (`$$` is a `$`).
// Nothing here is done by a library in Debian, hence the few hand-written lines.
#include "evidence/ci_outputs.h"

#include <algorithm>
#include <utility>

#include "base/strings.h"

namespace rollgate::internal {

namespace {

constexpr std::size_t kMaxAnnotationDetailBytes = 1024;

// Line breaks, tabs and other control bytes become spaces; cut at `max_bytes` on a UTF-8
// character boundary.
std::string OneLine(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes));
  for (unsigned char c : text) out += (c < 0x20 || c == 0x7f) ? ' ' : static_cast<char>(c);
  if (out.size() > max_bytes) {
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "…";
  }
  return out;
}

std::string Escape(std::string_view text, bool property) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      case ':':
        out += property ? "%3A" : ":";
        break;
      case ',':
        out += property ? "%2C" : ",";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string VersionOf(const ReleaseReport& r) { return r.version.empty() ? "unknown" : r.version; }

// The release(s) a gate is about: "release rollback 2.3.1" for a release's smoke gate, every
// release otherwise ("releases new 2.4.0, rollback 2.3.1").
std::string ReleasesOf(const RunReport& report, const CheckResult& gate) {
  constexpr std::string_view kSuffix = "_release_smoke";
  if (gate.id.size() > kSuffix.size() && gate.id.ends_with(kSuffix)) {
    const std::string name = gate.id.substr(0, gate.id.size() - kSuffix.size());
    if (const ReleaseReport* r = report.FindRelease(name))
      return "release " + r->name + " " + VersionOf(*r);
  }
  if (report.releases.empty()) return "no release";
  std::vector<std::string> parts;
  for (const auto& r : report.releases) parts.push_back(r.name + " " + VersionOf(r));
  return (parts.size() == 1 ? "release " : "releases ") + Join(parts, ", ");
}

std::string Annotation(const char* level, const std::string& title, const std::string& message) {
  return std::string("::") + level + " title=" + GithubEscapeProperty(title) +
         "::" + GithubEscapeData(message) + "\n";
}

std::string OutputLine(const std::string& name, const std::string& value) {
  if (value.find_first_of("\r\n") == std::string::npos) return name + "=" + value + "\n";
  std::string delimiter = "ROLLGATE_EOF";
  for (int n = 1; value.find(delimiter) != std::string::npos; ++n)
    delimiter = "ROLLGATE_EOF_" + std::to_string(n);
  return name + "<<" + delimiter + "\n" + value + "\n" + delimiter + "\n";
}

Result<std::string> DotenvLine(const std::string& key, const std::string& value) {
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    return Status::InvalidArgument(
        "--dotenv: " + key + " would be " + SanitizeForDisplay(value) +
        ", which has a line break or NUL that a dotenv file cannot carry; "
        "choose a value without one (e.g. a simpler --evidence-dir)");
  }
  if (!value.empty() && (TrimView(value).size() != value.size())) {
    return Status::InvalidArgument("--dotenv: " + key + " would be '" + value +
                                   "', whose leading or trailing white space GitLab strips; "
                                   "choose a value without it");
  }
  std::string out = key + "=";
  for (char c : value) out += c == '$' ? std::string("$$") : std::string(1, c);
  return out + "\n";
}

}  // namespace

CiVerdict CiVerdictFor(const RunReport& report, const std::string& evidence_dir) {
  CiVerdict v;
  v.decision = report.decision;
  v.evidence_dir = evidence_dir;
  for (const auto& g : report.gates) {
    if (g.status == CheckStatus::kFail) v.blocked_gates.push_back(g.id);
  }
  return v;
}

CiVerdict CiVerdictForFleet(const std::vector<RunReport>& runs, Decision decision,
                            const std::string& evidence_dir) {
  CiVerdict v;
  v.decision = decision;
  v.evidence_dir = evidence_dir;
  for (const auto& r : runs) {
    for (const auto& g : r.gates) {
      if (g.status == CheckStatus::kFail) v.blocked_gates.push_back(r.service + "/" + g.id);
    }
  }
  return v;
}

std::string GithubEscapeData(std::string_view text) { return Escape(text, /*property=*/false); }
std::string GithubEscapeProperty(std::string_view text) { return Escape(text, /*property=*/true); }

std::string RenderGithubAnnotations(const RunReport& report, const Redactor& redactor) {
  std::string out;
  const std::string who = "rollgate " + std::string(ToString(report.command)) + " (" +
                          OneLine(redactor.Redact(report.service), 200) + ")";
  for (const auto& g : report.gates) {
    const bool failed = g.status == CheckStatus::kFail;
    if (!failed && !(g.status == CheckStatus::kPass && g.warning)) continue;
    const std::string title = who + ": " + g.id + (failed ? " failed" : " passed with a note");
    const std::string message = OneLine(redactor.Redact(ReleasesOf(report, g)), 300) + ": " +
                                OneLine(redactor.Redact(g.detail), kMaxAnnotationDetailBytes);
    out += Annotation(failed ? "error" : "warning", title, message);
  }
  return out;
}

std::string RenderGithubOutputs(const CiVerdict& verdict) {
  return OutputLine("decision", ToString(verdict.decision)) +
         OutputLine("evidence_dir", verdict.evidence_dir) +
         OutputLine("blocked_gates", Join(verdict.blocked_gates, ","));
}

}  // namespace rollgate::internal

namespace rollgate {

std::string GithubStopCommands(std::string_view token) {
  return "::stop-commands::" + std::string(token) + "\n";
}
std::string GithubResumeCommands(std::string_view token) {
  return "::" + std::string(token) + "::\n";
}

}  // namespace rollgate

namespace rollgate::internal {

Result<std::string> RenderDotenv(const CiVerdict& verdict) {
  std::string out;
  const std::pair<const char*, std::string> vars[] = {
      {"ROLLGATE_DECISION", ToString(verdict.decision)},
      {"ROLLGATE_BLOCKED_GATES", Join(verdict.blocked_gates, ",")},
      {"ROLLGATE_EVIDENCE_DIR", verdict.evidence_dir}};
  for (const auto& [key, value] : vars) {
    ROLLGATE_ASSIGN_OR_RETURN(std::string line, DotenvLine(key, value));
    out += line;
  }
  return out;
}

}  // namespace rollgate::internal
