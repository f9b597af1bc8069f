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

}  // namespace rollgate
