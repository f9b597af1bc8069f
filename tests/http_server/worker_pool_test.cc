#include "http_server/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include "testutil/wait_until.h"

namespace rollgate::internal {
namespace {

using ::rollgate::testing::WaitUntil;
using namespace std::chrono_literals;

// Tasks that wait until the test opens the gate.
class PoolGate {
 public:
  std::function<void()> Task() {
    return [this] {
      std::unique_lock<std::mutex> lock(mu_);
      ++entered_;
      cv_.notify_all();
      cv_.wait(lock, [this] { return open_; });
      ++finished_;
    };
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  int entered() {
    std::lock_guard<std::mutex> lock(mu_);
    return entered_;
  }
  int finished() {
    std::lock_guard<std::mutex> lock(mu_);
    return finished_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  int entered_ = 0;
  int finished_ = 0;
};

TEST(WorkerPoolTest, StartsAThreadPerBusyTaskUpToTheCeilingAndQueuesTheRest) {
  WorkerPool pool(4, 10s);
  EXPECT_EQ(pool.threads(), 0u) << "no thread before there is work";
  PoolGate gate;
  for (int i = 0; i < 6; ++i) pool.Submit(gate.Task());
  ASSERT_TRUE(WaitUntil([&] { return gate.entered() == 4; }));
  EXPECT_EQ(pool.threads(), 4u);
  EXPECT_EQ(pool.busy(), 4u);
  gate.Open();
  ASSERT_TRUE(WaitUntil([&] { return gate.finished() == 6; }));
  EXPECT_EQ(pool.threads(), 4u) << "finished threads stay for the next task a while";
}

TEST(WorkerPoolTest, AnIdleThreadTakesTheNextTaskInsteadOfANewThread) {
  WorkerPool pool(8, 10s);
  std::atomic<int> ran{0};
  for (int i = 0; i < 20; ++i) {
    pool.Submit([&] { ++ran; });
    ASSERT_TRUE(WaitUntil([&] { return ran.load() == i + 1 && pool.busy() == 0; }));
  }
  EXPECT_EQ(pool.threads(), 1u);
}

TEST(WorkerPoolTest, ThreadsWithoutWorkEnd) {
  WorkerPool pool(4, 50ms);
  PoolGate gate;
  for (int i = 0; i < 3; ++i) pool.Submit(gate.Task());
  ASSERT_TRUE(WaitUntil([&] { return gate.entered() == 3; }));
  gate.Open();
  EXPECT_TRUE(WaitUntil([&] { return pool.threads() == 0; }, 5s));
  std::atomic<bool> ran{false};
  pool.Submit([&] { ran = true; });  // and the pool grows again
  EXPECT_TRUE(WaitUntil([&] { return ran.load(); }));
}

TEST(WorkerPoolTest, ShutdownRunsQueuedTasksThenDropsNewOnes) {
  std::atomic<int> ran{0};
  WorkerPool pool(1, 10s);
  PoolGate gate;
  pool.Submit(gate.Task());
  for (int i = 0; i < 3; ++i) pool.Submit([&] { ++ran; });
  ASSERT_TRUE(WaitUntil([&] { return gate.entered() == 1; }));
  gate.Open();
  pool.Shutdown();
  EXPECT_EQ(ran.load(), 3);
  EXPECT_EQ(pool.threads(), 0u);
  pool.Submit([&] { ++ran; });
  pool.Shutdown();  // idempotent
  EXPECT_EQ(ran.load(), 3);
}

TEST(WorkerPoolTest, AThrowingTaskEndsOnlyItself) {
  WorkerPool pool(1, 10s);
  std::atomic<bool> ran{false};
  pool.Submit([] { throw std::runtime_error("task failed"); });
  pool.Submit([&] { ran = true; });
  EXPECT_TRUE(WaitUntil([&] { return ran.load(); }));
}

}  // namespace
}  // namespace rollgate::internal
