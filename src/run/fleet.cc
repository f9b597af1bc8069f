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

// Each contract file is read once for the fleet, before any call: one that cannot be read
// as YAML stops the fleet here (exit 2), as it stops a single gate.
Status LoadFleetContracts(const std::vector<Config>& configs,
                          std::map<std::string, ContractState>* contracts) {
  for (const Config& c : configs) {
    if (contracts->count(c.contract_path)) continue;
    Status st = LoadContractState(c.contract_path, &(*contracts)[c.contract_path]);
    if (!st.ok()) return st.WithContext(c.file);
  }
  return Status::Ok();
}

// One fleet run. One transport, one loop, every service's probes: the run takes about as long
// as the slowest wave of `concurrency` requests, not the sum of the services. Checks, gates and
// rendering run per service on a few finishing threads while other services' calls are still
// on the wire (the evidence is only staged).
class FleetRun {
 public:
  FleetRun(std::vector<Config>* configs, const std::vector<RunOptions>& options,
           std::size_t concurrency, std::vector<RunReport>* reports,
           const std::function<void(const FleetProgress&)>& on_progress,
           std::map<std::string, ContractState>* contracts)
      : configs_(*configs),
        options_(options),
        reports_(*reports),
        on_progress_(on_progress),
        contracts_(*contracts),
        n_(configs->size()),
        window_(concurrency == 0 ? n_ : concurrency),
        pipelines_(n_),
        finished_(n_, Status::Ok()),
        views_(n_),
        exec_threads_(n_),
        calls_of_(n_, 0) {
    transport_.SetMaxInFlight(concurrency);
    seams_.evidence_batch = &evidence_;
    // One generator per thread for every service's retry jitter, not one per service.
    seams_.jitter = [] {
      thread_local std::mt19937_64 rng(std::random_device{}());
      return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    };
  }

  Status Run();

 private:
  void FinishLoop();
  void LaunchMore();

  std::vector<Config>& configs_;
  const std::vector<RunOptions>& options_;
  std::vector<RunReport>& reports_;
  const std::function<void(const FleetProgress&)>& on_progress_;
  std::map<std::string, ContractState>& contracts_;
  const std::size_t n_;
  const std::size_t window_;  // the calls launched services may have out at once
  CurlTransport transport_;
  AtomicWriteBatch evidence_;  // two file-system flushes for the whole fleet, not four per service
  RunSeams seams_;
  // A service's pipeline (its resolved values, then its answers) exists from its launch until
  // its evidence is staged; then it, and its config, are freed and its report is cut to what
  // the fleet summary needs. So memory follows the concurrency, not the fleet.
  std::vector<std::unique_ptr<ServicePipeline>> pipelines_;
  FinishQueue queue_;
  std::vector<Status> finished_;
  std::mutex progress_mu_;
  FleetProgress progress_;
  // Each service's calls go through its own counting view of the transport; a service with an
  // exec probe waits for its threads, after the loop.
  std::vector<std::unique_ptr<CountingTransport>> views_;
  std::vector<std::vector<std::thread>> exec_threads_;
  std::vector<std::size_t> calls_of_;
  std::size_t launched_ = 0, calls_out_ = 0;  // on the loop thread (and before it runs)
};

// A finishing thread: each pipeline, with its answers, is freed as soon as its report is done.
void FleetRun::FinishLoop() {
  for (std::size_t i = 0; queue_.Pop(&i);) {
    Status st = pipelines_[i]->Finish();
    if (!st.ok()) finished_[i] = st.WithContext(configs_[i].file);
    pipelines_[i].reset();
    configs_[i] = Config{};
    KeepFleetSummaryOnly(&reports_[i]);
    std::lock_guard<std::mutex> lock(progress_mu_);
    ++progress_.services_done;
    if (!reports_[i].passed()) ++progress_.blocked;
    if (on_progress_) on_progress_(progress_);
  }
}

// Services are launched as others finish, while the calls they started number fewer than
// `window_` (enough to keep the wire full): the requests waiting for a slot, and the services'
// answers, stay bounded by the concurrency rather than growing with the fleet.
void FleetRun::LaunchMore() {
  while (launched_ < n_ && calls_out_ < window_) {
    std::size_t i = launched_++;
    pipelines_[i] =
        std::make_unique<ServicePipeline>(configs_[i], options_[i], seams_, &reports_[i]);
    Status prepared = pipelines_[i]->Prepare(&contracts_.find(configs_[i].contract_path)->second);
    if (!prepared.ok()) {  // not in a fleet (only `check --release` fails here); never launched
      finished_[i] = prepared.WithContext(configs_[i].file);
      pipelines_[i].reset();
      continue;
    }
    views_[i] = std::make_unique<CountingTransport>(&transport_, [this, i] {
      if (exec_threads_[i].empty()) queue_.Push(i);
      calls_out_ -= calls_of_[i];
      LaunchMore();
    });
    pipelines_[i]->Launch(views_[i].get(), &exec_threads_[i]);
    calls_of_[i] = views_[i]->pending();
    calls_out_ += calls_of_[i];
    if (calls_of_[i] == 0 && exec_threads_[i].empty()) queue_.Push(i);
  }
}

Status FleetRun::Run() {
  CancelToken* cancel = options_.empty() ? nullptr : options_.front().cancel;
  progress_.services_total = n_;
  if (on_progress_) on_progress_(progress_);  // none done yet: the total is known
  std::vector<std::thread> finishers;
  std::size_t workers = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 2, 8);
  for (std::size_t w = 0; w < std::min(workers, n_); ++w) {
    finishers.emplace_back([this] { FinishLoop(); });
  }
  {
    CancelRegistration cancel_calls(cancel, [this] { transport_.Cancel(); });
    LaunchMore();
    transport_.Run();
    for (std::size_t i = 0; i < n_; ++i) {
      if (exec_threads_[i].empty()) continue;
      for (auto& t : exec_threads_[i]) t.join();
      queue_.Push(i);
    }
  }
  queue_.Close();
  for (auto& t : finishers) t.join();
  for (std::size_t i = 0; i < n_; ++i) {
    if (!finished_[i].ok()) return finished_[i];
  }
  Status committed = evidence_.Commit();
  if (!committed.ok()) return Status::IoError("cannot write evidence: " + committed.message());
  return Status::Ok();
}

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
  std::map<std::string, ContractState> contracts;
  ROLLGATE_RETURN_IF_ERROR(LoadFleetContracts(*configs, &contracts));
  reports->assign(configs->size(), RunReport{});
  FleetRun run(configs, options, concurrency, reports, on_progress, &contracts);
  return run.Run();
}

}  // namespace rollgate::internal

namespace rollgate {

namespace {

// The fleet's config files: *.yaml and *.yml in `config_dir`, sorted, without the contracts.
Result<std::vector<std::string>> ListFleetConfigs(const std::string& config_dir) {
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
  return files;
}

// The service name becomes a directory: anything but [A-Za-z0-9._-] turns into '_', so a
// name like "../x" or "a/b" cannot write outside the evidence directory.
std::string EvidenceDirName(const std::string& service) {
  std::string dir_name = service;
  for (char& c : dir_name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  }
  if (dir_name.find_first_not_of('.') == std::string::npos) dir_name = "_" + dir_name;
  return dir_name;
}

// fleet-summary.md (one per shard) in the evidence directory.
Status WriteFleetSummary(const FleetOptions& options, FleetReport* report) {
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

}  // namespace

Status RunFleet(const std::string& config_dir, const FleetOptions& options, FleetReport* report) {
  ROLLGATE_ASSIGN_OR_RETURN(std::vector<std::string> files, ListFleetConfigs(config_dir));
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
    ROLLGATE_ASSIGN_OR_RETURN(Config cfg, internal::LoadConfig(f));
    if (!services.insert(cfg.service).second) {
      return Status::InvalidArgument(f + ": service " + cfg.service +
                                     " appears in two configs; give each its own");
    }
    std::string dir_name = EvidenceDirName(cfg.service);
    if (!evidence_dirs.insert(dir_name).second) {
      // Error path: built once, then returned.
      // NOLINTBEGIN(performance-inefficient-string-concatenation)
      return Status::InvalidArgument(f + ": service " + cfg.service +
                                     " shares its evidence directory " + dir_name +
                                     " with another config; rename one");
      // NOLINTEND(performance-inefficient-string-concatenation)
    }
    ++report->services_total;
    if (internal::ShardOf(cfg.service, options.shard_count) != options.shard_index) continue;
    RunOptions o;
    o.command = Command::kGate;
    o.write_evidence = !options.evidence_dir.empty();
    o.evidence_dir = options.evidence_dir + "/" + dir_name;
    o.cancel = options.cancel;
    o.env = options.env;
    o.clock = options.clock;
    run_options.push_back(o);
    configs.push_back(std::move(cfg));
  }
  ROLLGATE_RETURN_IF_ERROR(internal::RunFleetPipelines(&configs, run_options, options.concurrency,
                                                       &report->runs, options.on_progress));
  report->decision = Decision::kPass;
  for (const auto& r : report->runs) {
    if (!r.passed()) report->decision = Decision::kBlock;
  }
  if (options.evidence_dir.empty()) return Status::Ok();
  return WriteFleetSummary(options, report);
}

Status ParseFleetShard(const std::string& text, FleetOptions* options) {
  ROLLGATE_ASSIGN_OR_RETURN(
      internal::ShardSpec shard,
      internal::ParseShard(text, options->env ? *options->env : ProcessEnvironment()));
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
