#include "rollgate/report.h"

#include "rollgate/rehearse.h"
#include "rollgate/vocabulary.h"

namespace rollgate {

const char* ToString(CheckStatus status) {
  switch (status) {
    case CheckStatus::kPass:
      return "pass";
    case CheckStatus::kFail:
      return "fail";
    case CheckStatus::kSkip:
      return "skip";
  }
  return "skip";
}

std::optional<CheckStatus> ParseCheckStatus(std::string_view text) {
  for (CheckStatus c : {CheckStatus::kPass, CheckStatus::kFail, CheckStatus::kSkip}) {
    if (text == ToString(c)) return c;
  }
  return std::nullopt;
}

// The vocabulary's string tables (rollgate/vocabulary.h) live here beside CheckStatus's.

const char* ToString(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::kDirect:
      return "direct";
    case ProbeKind::kHttp:
      return "http";
    case ProbeKind::kExec:
      return "exec";
  }
  return "direct";
}

std::optional<ProbeKind> ParseProbeKind(std::string_view text) {
  for (ProbeKind k : {ProbeKind::kDirect, ProbeKind::kHttp, ProbeKind::kExec}) {
    if (text == ToString(k)) return k;
  }
  return std::nullopt;
}

const char* ToString(Decision decision) {
  switch (decision) {
    case Decision::kPass:
      return "pass";
    case Decision::kBlock:
      return "block";
  }
  return "block";
}

std::optional<Decision> ParseDecision(std::string_view text) {
  for (Decision d : {Decision::kPass, Decision::kBlock}) {
    if (text == ToString(d)) return d;
  }
  return std::nullopt;
}

const char* ToString(Command command) {
  switch (command) {
    case Command::kGate:
      return "gate";
    case Command::kCheck:
      return "check";
    case Command::kDrill:
      return "drill";
  }
  return "gate";
}

std::optional<Command> ParseCommand(std::string_view text) {
  for (Command c : {Command::kGate, Command::kCheck, Command::kDrill}) {
    if (text == ToString(c)) return c;
  }
  return std::nullopt;
}

const char* ToString(AttemptKind kind) {
  switch (kind) {
    case AttemptKind::kChat:
      return "chat";
    case AttemptKind::kStream:
      return "stream";
    case AttemptKind::kNegativeAuth:
      return "negative_auth";
  }
  return "chat";
}

std::optional<AttemptKind> ParseAttemptKind(std::string_view text) {
  for (AttemptKind k : {AttemptKind::kChat, AttemptKind::kStream, AttemptKind::kNegativeAuth}) {
    if (text == ToString(k)) return k;
  }
  return std::nullopt;
}

const char* ToString(RehearseResult result) {
  switch (result) {
    case RehearseResult::kCaught:
      return "caught";
    case RehearseResult::kMissed:
      return "missed";
    case RehearseResult::kNotApplicable:
      return "not_applicable";
    case RehearseResult::kInterrupted:
      return "interrupted";
  }
  return "";
}

std::optional<RehearseResult> ParseRehearseResult(std::string_view text) {
  for (RehearseResult r : {RehearseResult::kCaught, RehearseResult::kMissed,
                           RehearseResult::kNotApplicable, RehearseResult::kInterrupted}) {
    if (text == ToString(r)) return r;
  }
  return std::nullopt;
}

}  // namespace rollgate
