// EXPECT_OK / ASSERT_OK for Status and Result<T> (leveldb util/testutil.h style).
#pragma once

#include <gtest/gtest.h>

#include "rollgate/status.h"

namespace rollgate::testing {

inline const Status& AsStatus(const Status& s) { return s; }
template <typename T>
const Status& AsStatus(const Result<T>& r) {
  static const Status kOk;
  return r.ok() ? kOk : r.status();
}

}  // namespace rollgate::testing

#define EXPECT_OK(expr)                                 \
  EXPECT_TRUE(::rollgate::testing::AsStatus(expr).ok()) \
      << ::rollgate::testing::AsStatus(expr).message()
#define ASSERT_OK(expr)                                 \
  ASSERT_TRUE(::rollgate::testing::AsStatus(expr).ok()) \
      << ::rollgate::testing::AsStatus(expr).message()
