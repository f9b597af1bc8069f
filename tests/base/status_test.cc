// Status, Result<T> and the two early-return macros.
#include "rollgate/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "testutil/status_matchers.h"

namespace rollgate {
namespace {

Result<std::string> StatusTestGreeting(bool ok) {
  if (!ok) return Status::NotFound("greeting.txt: no such file");
  return std::string("hello");
}

Result<std::unique_ptr<int>> StatusTestMoveOnly(bool ok) {
  if (!ok) return Status::IoError("no int");
  return std::make_unique<int>(7);
}

Result<size_t> StatusTestLength(bool ok) {
  ROLLGATE_ASSIGN_OR_RETURN(std::string text, StatusTestGreeting(ok));
  return text.size();
}

Status StatusTestAssignExisting(bool ok, std::string* out) {
  std::string text = "unchanged";
  ROLLGATE_ASSIGN_OR_RETURN(text, StatusTestGreeting(ok));
  ROLLGATE_ASSIGN_OR_RETURN(auto number, StatusTestMoveOnly(true));  // two on one scope
  *out = text + std::to_string(*number);
  return Status::Ok();
}

TEST(StatusTest, AssignOrReturnDeclaresAssignsAndReturnsTheError) {
  Result<size_t> length = StatusTestLength(true);
  ASSERT_OK(length);
  EXPECT_EQ(*length, 5u);

  Result<size_t> missing = StatusTestLength(false);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(missing.status().message(), "greeting.txt: no such file");

  std::string out;
  EXPECT_OK(StatusTestAssignExisting(true, &out));
  EXPECT_EQ(out, "hello7");
  out = "untouched";
  Status failed = StatusTestAssignExisting(false, &out);
  EXPECT_EQ(failed.code(), Status::Code::kNotFound);
  EXPECT_EQ(out, "untouched");
}

TEST(StatusTest, AssignOrReturnMovesAMoveOnlyValue) {
  auto unwrap = [](bool ok) -> Result<int> {
    ROLLGATE_ASSIGN_OR_RETURN(std::unique_ptr<int> p, StatusTestMoveOnly(ok));
    return *p;
  };
  ASSERT_OK(unwrap(true));
  EXPECT_EQ(*unwrap(true), 7);
  EXPECT_EQ(unwrap(false).status().code(), Status::Code::kIoError);
}

TEST(StatusTest, ReturnIfErrorStopsAtTheFirstError) {
  int calls = 0;
  auto step = [&](Status s) {
    ++calls;
    return s;
  };
  auto run = [&]() -> Status {
    ROLLGATE_RETURN_IF_ERROR(step(Status::Ok()));
    ROLLGATE_RETURN_IF_ERROR(step(Status::InvalidArgument("x.yaml:3: bad")));
    ROLLGATE_RETURN_IF_ERROR(step(Status::Ok()));
    return Status::Ok();
  };
  Status st = run();
  EXPECT_EQ(st.message(), "x.yaml:3: bad");
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace rollgate
