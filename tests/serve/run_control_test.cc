#include "serve/run_control.h"

#include <gtest/gtest.h>

namespace rollgate::internal {
namespace {

TEST(RunControlTest, CancelCallsTheRegisteredFunctionAndKeepsTheFirstSignal) {
  RunControl control;
  int calls = 0;
  control.SetCancel([&] { ++calls; });
  EXPECT_FALSE(control.cancelled());
  control.Cancel(15);
  control.Cancel(2);
  EXPECT_TRUE(control.cancelled());
  EXPECT_EQ(control.signal(), 15);
  EXPECT_EQ(calls, 2);
  control.ClearCancel();
  control.Cancel();
  EXPECT_EQ(calls, 2);
}

TEST(RunControlTest, SetCancelAfterCancelRunsAtOnceAndResetForgets) {
  RunControl control;
  control.Cancel();
  int calls = 0;
  control.SetCancel([&] { ++calls; });
  EXPECT_EQ(calls, 1);
  control.Reset();
  EXPECT_FALSE(control.cancelled());
  EXPECT_EQ(control.signal(), 0);
  control.SetCancel([&] { ++calls; });
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace rollgate::internal
