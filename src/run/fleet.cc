// `rollgate gate --config-dir`: every service's gate on one shared transport (docs/fleet.md).
#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "base/file_util.h"
#include "config/loader.h"
#include "evidence/evidence.h"
#include "probe/curl_transport.h"
#include "run/counting_transport.h"
#include "run/fleet_shard.h"
#include "run/runner.h"

namespace rollgate::internal {

namespace {

// Indices of the services whose calls are all answered, for the finishing threads.
class FinishQueue {
 public:
  void Push(std::size_t i) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ready_.push_back(i);
    }
    cv_.notify_one();
  }
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }
  // False once the queue is closed and empty.
  bool Pop(std::size_t* i) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return closed_ || !ready_.empty(); });
    if (ready_.empty()) return false;
    *i = ready_.front();
    ready_.pop_front();
    return true;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::size_t> ready_;
  bool closed_ = false;
};

}  // namespace

void KeepFleetSummaryOnly(RunReport* report) {
  std::vector<ReleaseReport> releases;  // for the CI annotations: "releases new 2, rollback 1"
  for (const ReleaseReport& r : report->releases) {
    ReleaseReport kept;
    kept.name = r.name;
    kept.version = r.version;
    releases.push_back(std::move(kept));
  }
  report->releases = std::move(releases);
  report->negative_auth_attempts = {};
  report->negative_auth_releases = {};
  report->evidence_files = {};
  report->drill_steps = {};
  report->gates.shrink_to_fit();
  report->warnings.shrink_to_fit();
}

Status RunFleetPipelines(std::vector<Config>* configs, const std::vector<RunOptions>& options,
                         std::size_t concurrency, std::vector<RunReport>* reports,
                         const std::function<void(const FleetProgress&)>& on_progress) {
  const std::size_t n = configs->size();
  // Each contract file is read once for the fleet, before any call: one that cannot be read
  // as YAML stops the fleet here (exit 2), as it stops a single gate.
  std::map<std::string, ContractState> contracts;
  for (const Config& c : *configs) {
    if (contracts.count(c.contract_path)) continue;
    Status st = LoadContractState(c.contract_path, &contracts[c.contract_path]);
    if (!st.ok()) return st.WithContext(c.file);
  }
  // One transport, one loop, every service's probes: the run takes about as long as the
  // slowest wave of `concurrency` requests, not the sum of the services.
  CurlTransport transport;
  transport.SetMaxInFlight(concurrency);
  CancelToken* cancel = options.empty() ? nullptr : options.front().cancel;
  reports->assign(n, RunReport{});
  AtomicWriteBatch evidence;  // two file-system flushes for the whole fleet, not four per service
  RunSeams seams;
  seams.evidence_batch = &evidence;
  // One generator per thread for every service's retry jitter, not one per service.
  seams.jitter = [] {
    thread_local std::mt19937_64 rng(std::random_device{}());
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  };
  // A service's pipeline (its resolved values, then its answers) exists from its launch until
  // its evidence is staged; then it, and its config, are freed and its report is cut to what
  // the fleet summary needs. So memory follows the concurrency, not the fleet.
  std::vector<std::unique_ptr<ServicePipeline>> pipelines(n);
  // Checks, gates and rendering per service on a few threads while other services' calls are
  // still on the wire (the evidence is only staged); each pipeline, with its answers, is freed
  // as soon as its report is done.
  FinishQueue queue;
  std::vector<Status> finished(n, Status::Ok());
  std::mutex progress_mu;
  FleetProgress progress;
  progress.services_total = n;
  if (on_progress) on_progress(progress);  // none done yet: the total is known
  auto worker = [&] {
    for (std::size_t i = 0; queue.Pop(&i);) {
      Status st = pipelines[i]->Finish();
      if (!st.ok()) finished[i] = st.WithContext((*configs)[i].file);
      pipelines[i].reset();
      (*configs)[i] = Config{};
      KeepFleetSummaryOnly(&(*reports)[i]);
      std::lock_guard<std::mutex> lock(progress_mu);
      ++progress.services_done;
      if (!(*reports)[i].passed()) ++progress.blocked;
      if (on_progress) on_progress(progress);
    }
  };
  std::vector<std::thread> finishers;
  std::size_t workers = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 2, 8);
  for (std::size_t w = 0; w < std::min(workers, n); ++w) finishers.emplace_back(worker);
  // Each service's calls go through its own counting view of the transport; a service with an
  // exec probe waits for its threads, after the loop. Services are launched as others finish,
  // while the calls they started number fewer than `window` (enough to keep the wire full):
  // the requests waiting for a slot, and the services' answers, stay bounded by the
  // concurrency rather than growing with the fleet.
  std::vector<std::unique_ptr<CountingTransport>> views(n);
  std::vector<std::vector<std::thread>> exec_threads(n);
  std::vector<std::size_t> calls_of(n, 0);
  const std::size_t window = concurrency == 0 ? n : concurrency;
  std::size_t launched = 0, calls_out = 0;  // on the loop thread (and before it runs)
  std::function<void()> launch_more = [&] {
    while (launched < n && calls_out < window) {
      std::size_t i = launched++;
      pipelines[i] =
          std::make_unique<ServicePipeline>((*configs)[i], options[i], seams, &(*reports)[i]);
      Status prepared = pipelines[i]->Prepare(&contracts.find((*configs)[i].contract_path)->second);
      if (!prepared.ok()) {  // not in a fleet (only `check --release` fails here); never launched
        finished[i] = prepared.WithContext((*configs)[i].file);
        pipelines[i].reset();
        continue;
      }
      views[i] = std::make_unique<CountingTransport>(&transport, [&, i] {
        if (exec_threads[i].empty()) queue.Push(i);
        calls_out -= calls_of[i];
        launch_more();
      });
      pipelines[i]->Launch(views[i].get(), &exec_threads[i]);
      calls_of[i] = views[i]->pending();
      calls_out += calls_of[i];
      if (calls_of[i] == 0 && exec_threads[i].empty()) queue.Push(i);
    }
  };
  {
    CancelRegistration cancel_calls(cancel, [&transport] { transport.Cancel(); });
    launch_more();
    transport.Run();
    for (std::size_t i = 0; i < n; ++i) {
      if (exec_threads[i].empty()) continue;
      for (auto& t : exec_threads[i]) t.join();
      queue.Push(i);
    }
  }
  queue.Close();
  for (auto& t : finishers) t.join();
  for (std::size_t i = 0; i < n; ++i) {
    if (!finished[i].ok()) return finished[i];
  }
  Status committed = evidence.Commit();
  if (!committed.ok()) return Status::IoError("cannot write evidence: " + committed.message());
  return Status::Ok();
}

}  // namespace rollgate::internal

namespace rollgate {

Status RunFleet(const std::string& config_dir, const FleetOptions& options, FleetReport* report) {
  std::error_code ec;
  std::vector<std::string> files;
  // The error_code forms throughout: the range-for's operator++ would throw on a read error.
  for (std::filesystem::directory_iterator it(config_dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    bool yaml =
        (name.size() > 5 && name.ends_with(".yaml")) || (name.size() > 4 && name.ends_with(".yml"));
    std::error_code kind_error;
    if (it->is_regular_file(kind_error) && yaml && name.find("contract") == std::string::npos) {
      files.push_back(it->path().string());
    }
  }
  if (ec) return Status::InvalidArgument("--config-dir " + config_dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    return Status::InvalidArgument(
        "--config-dir " + config_dir +
        ": no *.yaml config in it (files named *contract* are contracts, not configs)");
  }
  if (options.shard_count < 1 || options.shard_index < 0 ||
      options.shard_index >= options.shard_count) {
    return Status::InvalidArgument("shard " + std::to_string(options.shard_index) + "/" +
                                   std::to_string(options.shard_count) + " does not exist");
  }
  std::vector<Config> configs;
  std::vector<RunOptions> run_options;
  std::set<std::string> services;
  std::set<std::string> evidence_dirs;
  report->services_total = 0;
  for (const auto& f : files) {
    Result<Config> cfg = internal::LoadConfig(f);
    if (!cfg.ok()) return cfg.status();
    if (!services.insert(cfg->service).second) {
      return Status::InvalidArgument(f + ": service " + cfg->service +
                                     " appears in two configs; give each its own");
    }
    // The service name becomes a directory: anything but [A-Za-z0-9._-] turns into '_', so a
    // name like "../x" or "a/b" cannot write outside the evidence directory.
    std::string dir_name = cfg->service;
    for (char& c : dir_name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
    }
    if (dir_name.find_first_not_of('.') == std::string::npos) dir_name = "_" + dir_name;
    if (!evidence_dirs.insert(dir_name).second) {
      return Status::InvalidArgument(f + ": service " + cfg->service +
                                     " shares its evidence directory " + dir_name +
                                     " with another config; rename one");
    }
    ++report->services_total;
    if (internal::ShardOf(cfg->service, options.shard_count) != options.shard_index) continue;
    RunOptions o;
    o.command = Command::kGate;
    o.write_evidence = !options.evidence_dir.empty();
    o.evidence_dir = options.evidence_dir + "/" + dir_name;
    o.cancel = options.cancel;
    run_options.push_back(o);
    configs.push_back(std::move(*cfg));
  }
  ROLLGATE_RETURN_IF_ERROR(internal::RunFleetPipelines(&configs, run_options, options.concurrency,
                                                       &report->runs, options.on_progress));
  report->decision = Decision::kPass;
  for (const auto& r : report->runs) {
    if (!r.passed()) report->decision = Decision::kBlock;
  }
  if (options.evidence_dir.empty()) return Status::Ok();
  std::string name = "fleet-summary.md";
  if (options.shard_count > 1) {
    name = "fleet-summary-shard-" + std::to_string(options.shard_index) + "-of-" +
           std::to_string(options.shard_count) + ".md";
  }
  // A shard none of whose services ran has no evidence directory yet, and still its summary.
  Status st = internal::MakeDirs(options.evidence_dir);
  if (!st.ok()) return Status::IoError("cannot write the fleet summary: " + st.message());
  internal::RemoveStaleTempFiles(options.evidence_dir);  // a killed fleet run's summary temp file
  std::string path = options.evidence_dir + "/" + name;
  st = internal::WriteFileAtomic(path,
                                 internal::RenderFleetSummary(report->runs, /*markdown=*/true, {}));
  if (!st.ok()) return Status::IoError("cannot write the fleet summary: " + st.message());
  report->summary_file = path;
  return Status::Ok();
}

Status ParseFleetShard(const std::string& text, FleetOptions* options) {
  ROLLGATE_ASSIGN_OR_RETURN(internal::ShardSpec shard,
                            internal::ParseShard(text, internal::SystemEnvironment::Get()));
  options->shard_index = shard.index;
  options->shard_count = shard.count;
  return Status::Ok();
}

std::string RenderFleetConsole(const FleetReport& report, bool color) {
  internal::ConsoleStyle style;
  style.color = color;
  return internal::RenderFleetSummary(report.runs, /*markdown=*/false, style);
}

}  // namespace rollgate
