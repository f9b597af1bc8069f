#include "http_server/worker_pool.h"

#include <system_error>
#include <utility>

namespace rollgate::internal {

WorkerPool::WorkerPool(std::size_t max_threads, std::chrono::milliseconds idle_lifetime)
    : max_threads_(max_threads == 0 ? 1 : max_threads), idle_lifetime_(idle_lifetime) {}

WorkerPool::~WorkerPool() { Shutdown(); }

void WorkerPool::Submit(std::function<void()> task) {
  std::unique_lock<std::mutex> lock(mu_);
  if (shutdown_) return;
  JoinRetired(lock);
  queue_.push_back(std::move(task));
  // Every idle thread takes one queued task, so only the tasks beyond them need a new thread.
  if (queue_.size() > idle_ && threads_.size() < max_threads_) {
    try {
      threads_.emplace_back();
      auto self = std::prev(threads_.end());
      *self = std::thread([this, self] { Work(self); });
      return;
    } catch (const std::system_error&) {
      // No thread now (a resource limit): the task waits for a running thread to be free.
      threads_.pop_back();
    }
  }
  work_cv_.notify_one();
}

void WorkerPool::Work(std::list<std::thread>::iterator self) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    ++idle_;
    bool woken =
        work_cv_.wait_for(lock, idle_lifetime_, [this] { return !queue_.empty() || shutdown_; });
    --idle_;
    if (!queue_.empty()) {
      std::function<void()> task = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      try {
        task();
      } catch (...) {
        // A task's failure ends that task, never the worker or the process.
      }
      task = nullptr;  // destroy what it captured outside the lock
      lock.lock();
      continue;
    }
    if (shutdown_ || !woken) break;  // stopping, or nothing to do for idle_lifetime_
  }
  // Hand this thread's handle to whoever joins next; the thread itself ends right after.
  retired_.splice(retired_.end(), threads_, self);
  gone_cv_.notify_all();
}

void WorkerPool::JoinRetired(std::unique_lock<std::mutex>& lock) {
  if (retired_.empty()) return;
  std::list<std::thread> retired;
  retired.swap(retired_);
  lock.unlock();
  for (std::thread& t : retired) t.join();  // each has left Work() or is about to
  lock.lock();
}

void WorkerPool::Shutdown() {
  std::unique_lock<std::mutex> lock(mu_);
  shutdown_ = true;
  work_cv_.notify_all();
  gone_cv_.wait(lock, [this] { return threads_.empty(); });
  JoinRetired(lock);
}

std::size_t WorkerPool::threads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return threads_.size();
}

std::size_t WorkerPool::busy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return threads_.size() - idle_;
}

}  // namespace rollgate::internal
