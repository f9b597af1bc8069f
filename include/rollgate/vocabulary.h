// The closed sets of words rollgate's config, evidence and console share, as types. The library
// compares these enums; the strings live only in ToString/Parse below, used where YAML, JSON or
// the console is read or written (the strings themselves are part of the interface: DESIGN.md,
// docs/report-format.md).
#pragma once

#include <optional>
#include <string_view>

namespace rollgate {

/// How a release's smoke call is made (release `probe:`).
enum class ProbeKind {
  kDirect,  // "direct": rollgate calls the provider itself
  kHttp,    // "http": rollgate calls the app's smoke route, the app calls the provider
  kExec,    // "exec": rollgate runs the app's smoke command
};

const char* ToString(ProbeKind kind);
/// nullopt when `text` is not one of "direct", "http", "exec".
std::optional<ProbeKind> ParseProbeKind(std::string_view text);

/// What a run decided: the gate's verdict (exit 0 or 1, gate.json `decision`).
///
/// Fail safe, twice. A RunReport that was never decided holds kBlock (the default), so a path
/// that forgets to decide can never read as a pass; every run that reaches its gate decides
/// (the gate, check, drill and fleet always do), so no evidence was ever written undecided. And a
/// history row whose decision is not a word below reads back as kBlock (ParseHistoryDecision in
/// store/history_rows.h): a run that cannot be read as a pass never counts as one.
enum class Decision {
  kPass,   // "pass": no gate failed
  kBlock,  // "block": a gate failed, the run was interrupted, or it never decided
};

const char* ToString(Decision decision);
/// nullopt when `text` is not one of "pass", "block".
std::optional<Decision> ParseDecision(std::string_view text);

/// Which command a run is (RunOptions::command, RunReport::command): gate.json `command`, the
/// console's and summary's title, the history's `command` column.
enum class Command {
  kGate,   // "gate": every release, the full checklist
  kCheck,  // "check": one release (or every one) without the pair's gates
  kDrill,  // "drill": the gate, then the route switch and back
};

const char* ToString(Command command);
/// nullopt when `text` is not one of "gate", "check", "drill".
std::optional<Command> ParseCommand(std::string_view text);

/// What an attempt was for (probes.jsonl and gate.json `kind`): each probe's attempts carry it.
enum class AttemptKind {
  kChat,          // "chat": the smoke call (and its fallback retry, when one was taken)
  kStream,        // "stream": the streaming smoke call
  kNegativeAuth,  // "negative_auth": the controlled call with an invalid token
};

const char* ToString(AttemptKind kind);
/// nullopt when `text` is not one of "chat", "stream", "negative_auth".
std::optional<AttemptKind> ParseAttemptKind(std::string_view text);

}  // namespace rollgate
