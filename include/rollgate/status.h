// Status and Result<T>: how rollgate's library reports failures of the tool itself.
//
// A Status is OK or a code plus a message that already says where the problem is
// ("rollgate.yaml:14: releases.rollback.model: expected a string or a source").
// A failing check on the API under test is NOT a Status: it is a finding (report.h).
// Our code never throws; exceptions from third-party libraries are caught in the one
// adapter that calls them and turned into a Status.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace rollgate {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // usage or config error: exit 2
    kNotFound,         // a file or resource the tool itself needs is missing
    kIoError,          // cannot read/write a file, bind a port, start a process
    kInternal,         // a broken invariant: exit 3
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status IoError(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  /// "invalid argument: <message>" style text for logs; the message alone is usually better.
  std::string ToString() const;

  /// Returns a copy whose message is "<context>: <message>".
  Status WithContext(const std::string& context) const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

/// A value or the Status that explains why there is none. Kept small on purpose: we can move
/// to std::expected once the project builds with -std=c++23.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.ok() && "a Result built from a Status must carry an error");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  /// REQUIRES: ok()
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T& value() & {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  /// The value, or `fallback` on error.
  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace rollgate

/// Returns early from the enclosing function when `expr` yields a non-OK Status.
#define ROLLGATE_RETURN_IF_ERROR(expr)           \
  do {                                           \
    ::rollgate::Status rollgate_st_ = (expr);    \
    if (!rollgate_st_.ok()) return rollgate_st_; \
  } while (0)

/// Evaluates `expr` (a Result<T>); on error returns its Status from the enclosing function
/// (which returns Status or any Result<U>), else moves the value into `lhs`. `lhs` may declare
/// a variable (`ROLLGATE_ASSIGN_OR_RETURN(std::string text, ReadFile(p));`) or name one. It
/// expands to several statements: do not use it as the body of an unbraced if/else.
#define ROLLGATE_ASSIGN_OR_RETURN(lhs, expr) \
  ROLLGATE_ASSIGN_OR_RETURN_IMPL_(ROLLGATE_STATUS_CONCAT_(rollgate_result_, __LINE__), lhs, expr)

// `result` is an identifier made here and `lhs` may be a declaration: neither can be wrapped in
// parentheses, hence the NOLINTs.
#define ROLLGATE_ASSIGN_OR_RETURN_IMPL_(result, lhs, expr)                           \
  auto result = (expr);                     /* NOLINT(bugprone-macro-parentheses) */ \
  if (!result.ok()) return result.status(); /* NOLINT(bugprone-macro-parentheses) */ \
  lhs = std::move(result).value()           /* NOLINT(bugprone-macro-parentheses) */

#define ROLLGATE_STATUS_CONCAT_INNER_(a, b) a##b
#define ROLLGATE_STATUS_CONCAT_(a, b) ROLLGATE_STATUS_CONCAT_INNER_(a, b)
