// The history's tables. The JSON (evidence/history_json.cc) is the stable view (scripts read
// it, docs/serve.md lists its fields); the tables may change with taste.
#include "store/history_format.h"

#include <algorithm>

#include "base/clock.h"

namespace rollgate::internal {

namespace {

// Fixed-width columns; the last column is never padded.
class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

  std::string Render() const {
    std::vector<std::size_t> width(rows_.front().size(), 0);
    for (const auto& row : rows_) {
      for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    }
    std::string out;
    for (const auto& row : rows_) {
      std::string line = " ";
      for (std::size_t i = 0; i < row.size(); ++i) {
        line += " " + row[i];
        if (i + 1 < row.size()) line += std::string(width[i] - row[i].size(), ' ') + " ";
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
    return out;
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

std::string Seconds(int64_t unix_ms) {
  std::string iso = FormatIsoUtc(unix_ms);  // 2026-11-25T10:03:07.120Z
  std::size_t dot = iso.find('.');
  return dot == std::string::npos ? iso : iso.substr(0, dot) + "Z";
}

std::string ReleaseSummary(const HistoryRelease& r) {
  std::string s = r.name + " " + r.version + " ";
  if (r.passed) return s + "ok";
  std::string failed;
  for (const auto& c : r.failed_checks) failed += (failed.empty() ? "" : ",") + c;
  return s + "FAIL(" + (failed.empty() ? "no checks" : failed) + ")";
}

}  // namespace

std::string RenderHistoryTable(const std::string& db_path, const std::vector<HistoryRun>& runs,
                               const std::vector<LastKnownGood>& last_known_good) {
  std::string out = "history " + db_path + "\n\nruns (newest first)\n";
  if (runs.empty()) {
    out += "  (none)\n";
  } else {
    Table t({"ID", "FINISHED (UTC)", "SERVICE", "COMMAND", "TRIGGER", "DECISION", "TOKENS",
             "RELEASES"});
    for (const auto& run : runs) {
      std::string releases;
      for (const auto& r : run.releases) {
        releases += (releases.empty() ? "" : "; ") + ReleaseSummary(r);
      }
      t.Add({std::to_string(run.id), Seconds(run.finished_unix_ms), run.service, run.command,
             run.trigger, ToString(run.decision), std::to_string(run.tokens_used), releases});
    }
    out += t.Render();
  }
  out += "\nlast known good\n";
  if (last_known_good.empty()) {
    out += "  (none: no release has passed every check yet)\n";
  } else {
    Table t({"SERVICE", "RELEASE", "VERSION", "WHEN (UTC)", "RUN", "KEY", "MODEL", "ENDPOINT"});
    for (const auto& g : last_known_good) {
      t.Add({g.service, g.release, g.version, Seconds(g.at_unix_ms), std::to_string(g.run_id),
             g.key_fingerprint.empty() ? "-" : g.key_fingerprint, g.model, g.endpoint});
    }
    out += t.Render();
  }
  return out;
}

std::string RenderFleetHistoryTable(const std::string& db, const std::vector<HistoryRun>& latest) {
  std::string out = "history " + db + ": the newest verdict of each service\n\n";
  if (latest.empty()) return out + "  (none: no gate has been recorded yet)\n";
  std::vector<const HistoryRun*> order;
  order.reserve(latest.size());
  for (const auto& run : latest) order.push_back(&run);
  // Blocked services first: they are what the reader is looking for.
  std::stable_partition(order.begin(), order.end(),
                        [](const HistoryRun* r) { return r->decision != Decision::kPass; });
  Table t({"SERVICE", "DECISION", "FINISHED (UTC)", "RUN", "TRIGGER", "RELEASES"});
  int passed = 0;
  for (const HistoryRun* run : order) {
    if (run->decision == Decision::kPass) ++passed;
    std::string releases;
    for (const auto& r : run->releases)
      releases += (releases.empty() ? "" : "; ") + ReleaseSummary(r);
    t.Add({run->service, ToString(run->decision), Seconds(run->finished_unix_ms),
           std::to_string(run->id), run->trigger, releases});
  }
  out += t.Render();
  out += "\n" + std::to_string(latest.size()) + " services: " + std::to_string(passed) + " pass, " +
         std::to_string(static_cast<int>(latest.size()) - passed) + " blocked\n";
  return out;
}

}  // namespace rollgate::internal
