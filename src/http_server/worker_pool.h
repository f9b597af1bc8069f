// The HTTP server's workers: an elastic pool of threads that grows with the work, up to a
// ceiling, and shrinks again when the work goes away.
//
// cpp-httplib serves each connection on one worker from accept to close (reading the request,
// the handler, the keep-alive wait), so a fixed pool of N threads is taken by N slow or idle
// clients and every other client waits, /healthz included. This pool starts a thread whenever a
// task arrives and no thread is free, up to `max_threads`; a thread that has had nothing to do
// for `idle_lifetime` ends. An idle server therefore holds no threads, and a burst of slow
// clients costs threads (mostly unused stack), not the availability of the server.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

namespace rollgate::internal {

/// Thread-safe.
class WorkerPool {
 public:
  WorkerPool(std::size_t max_threads, std::chrono::milliseconds idle_lifetime);
  ~WorkerPool();  // Shutdown()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Runs `task` on a free thread, on a new one when none is free and fewer than max_threads
  /// run, or else as soon as a thread is done with its task. An exception from a task is
  /// swallowed. After Shutdown() a task is dropped without running.
  void Submit(std::function<void()> task);

  /// Runs the tasks already queued, then joins every thread. Idempotent. Must not be called
  /// from a task.
  void Shutdown();

  std::size_t threads() const;  // threads alive now
  std::size_t busy() const;     // threads running a task now

 private:
  void Work(std::list<std::thread>::iterator self);
  void JoinRetired(std::unique_lock<std::mutex>& lock);

  const std::size_t max_threads_;
  const std::chrono::milliseconds idle_lifetime_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // a task was queued, or shutdown
  std::condition_variable gone_cv_;  // a thread retired
  std::deque<std::function<void()>> queue_;
  std::list<std::thread> threads_;  // running (or about to wait for work)
  std::list<std::thread> retired_;  // returned (or returning) from Work(); not yet joined
  std::size_t idle_ = 0;            // threads waiting for work
  bool shutdown_ = false;
};

}  // namespace rollgate::internal
