// runstat: runs a command N times (stdout/stderr to /dev/null) and prints, as one JSON line,
// the median and min of wall time, user CPU, system CPU, user+system CPU, and the peak RSS, all
// measured by the kernel for the child (wait4), so the numbers include process start-up, dynamic
// linking and exit, which is what an operator pays per invocation. Written by hand because
// hyperfine gives CPU time only as a mean (no median) and no peak RSS, and GNU time measures
// one run at a time; commands are interleaved so machine noise hits each one alike.
//
//   runstat N -- command args... [--- command args...]
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double Ms(const timeval& tv) { return tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0; }

struct Samples {
  std::vector<double> wall, user, sys, cpu, rss;
  int failures = 0;
};

void RunOnce(char** cmd, Samples* s) {
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execvp(cmd[0], cmd);
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  double w =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  // rollgate exits 1 for "block": a result, not a failure of the run.
  if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) ++s->failures;
  s->wall.push_back(w);
  s->user.push_back(Ms(ru.ru_utime));
  s->sys.push_back(Ms(ru.ru_stime));
  s->cpu.push_back(Ms(ru.ru_utime) + Ms(ru.ru_stime));
  s->rss.push_back(ru.ru_maxrss / 1024.0);
}

}  // namespace

// runstat N -- cmdA args [--- cmdB args ...]: several commands are run alternately (A, B, A,
// B, ...) so that machine noise falls on all of them alike; one JSON line per command.
int main(int argc, char** argv) {
  if (argc < 4 || std::strcmp(argv[2], "--") != 0) {
    std::fprintf(stderr, "usage: runstat N -- command args... [--- command args...]\n");
    return 2;
  }
  int n = std::atoi(argv[1]);
  std::vector<char**> commands;
  commands.push_back(argv + 3);
  for (int i = 3; i < argc; ++i) {
    if (std::strcmp(argv[i], "---") == 0) {
      argv[i] = nullptr;
      commands.push_back(argv + i + 1);
    }
  }
  std::vector<Samples> samples(commands.size());
  for (int i = 0; i < n; ++i) {
    for (std::size_t c = 0; c < commands.size(); ++c) RunOnce(commands[c], &samples[c]);
  }
  int failures = 0;
  for (std::size_t c = 0; c < commands.size(); ++c) {
    const Samples& s = samples[c];
    failures += s.failures;
    std::printf(
        "{\"command\":\"%s\",\"runs\":%d,\"failures\":%d,\"wall_ms\":%.2f,\"wall_min_ms\":%.2f,"
        "\"user_ms\":%.2f,\"sys_ms\":%.2f,\"cpu_ms\":%.2f,\"cpu_min_ms\":%.2f,\"max_rss_mb\":%.1f}"
        "\n",
        commands[c][0], n, s.failures, Median(s.wall),
        *std::min_element(s.wall.begin(), s.wall.end()), Median(s.user), Median(s.sys),
        Median(s.cpu), *std::min_element(s.cpu.begin(), s.cpu.end()),
        *std::max_element(s.rss.begin(), s.rss.end()));
  }
  return failures ? 1 : 0;
}
