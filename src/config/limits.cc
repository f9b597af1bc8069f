#include "config/limits.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <sstream>
#include <string>
#include <vector>

namespace rollgate::internal {

namespace {

// Thrown by the event handler to stop yaml-cpp's parser at the first limit exceeded, and
// caught in CheckConfigLimits: the parser offers no other way to stop early. It never leaves
// this file.
struct LimitExceeded {
  Status status;
};

// Follows the event stream with a stack of open lists and maps: how many entries each has so
// far, and for a map whether the next node is a key or a value, and its current key (for the
// key path of an error, built only then).
class LimitHandler : public YAML::EventHandler {
 public:
  LimitHandler(const YamlReader& reader, const ConfigLimits& limits)
      : r_(reader), limits_(limits) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark, nullptr); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark, nullptr); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string& value) override {
    Node(mark, &value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Open(mark, /*map=*/false);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Open(mark, /*map=*/true);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    bool map = false;
    std::size_t count = 0;  // entries (a map's keys, a list's items) so far
    std::size_t limit = 0;
    const char* what = "";
    bool want_key = true;   // map: the next node is a key
    std::string key = "?";  // map: the key of the entry being read
  };

  // Every node: counted, its string length bounded, and placed in its parent.
  void Node(const YAML::Mark& mark, const std::string* scalar) {
    Enter(mark);
    if (scalar && scalar->size() > limits_.max_string_bytes) {
      Fail(mark, "a value of " + std::to_string(scalar->size()) + " bytes; at most " +
                     std::to_string(limits_.max_string_bytes) + " bytes per value");
    }
    if (!stack_.empty() && stack_.back().map && stack_.back().want_key) {
      stack_.back().key =
          scalar ? (scalar->size() > 60 ? scalar->substr(0, 60) + "…" : *scalar) : "?";
      stack_.back().want_key = false;
      return;
    }
    Leave();
  }

  void Open(const YAML::Mark& mark, bool map) {
    Enter(mark);
    if (stack_.size() >= limits_.max_depth) {
      Fail(mark, "nested deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    Frame f;
    f.map = map;
    f.limit = limits_.max_items;
    f.what = map ? "entries in one map" : "items in one list";
    const bool is_key = !stack_.empty() && stack_.back().map && stack_.back().want_key;
    if (map && !is_key && stack_.size() == 1 && stack_[0].map && stack_[0].key == "releases") {
      f.limit = limits_.max_releases;
      f.what = "releases";
    } else if (map && !is_key && !stack_.empty() && stack_.back().map &&
               stack_.back().key == "headers") {
      f.limit = limits_.max_headers;
      f.what = "headers";
    }
    if (is_key) stack_.back().key = "?";
    stack_.push_back(f);
  }

  void Close() {
    if (stack_.empty()) return;
    stack_.pop_back();
    if (!stack_.empty() && stack_.back().map && !stack_.back().want_key) {
      Leave();
    } else if (!stack_.empty() && stack_.back().map) {
      stack_.back().want_key = false;  // a list or map used as a key: its value comes next
    }
  }

  // A node begins: the file's node budget, and its parent's entry count when it opens an entry.
  void Enter(const YAML::Mark& mark) {
    if (++nodes_ > limits_.max_nodes) {
      Fail(mark, "more than " + std::to_string(limits_.max_nodes) + " values in the file");
    }
    if (stack_.empty()) return;
    Frame& parent = stack_.back();
    if (parent.map && !parent.want_key) return;  // a value: its key already counted the entry
    if (++parent.count > parent.limit) {
      std::size_t limit = parent.limit;
      std::string what = parent.what;
      Fail(mark,
           "more than " + std::to_string(limit) + " " + what + "; rollgate takes at most " +
               std::to_string(limit) + " (docs/config.md, Limits)",
           /*name_parent=*/true);  // the path names the map or list itself
    }
  }

  // A map's value is complete: the next node is a key again.
  void Leave() {
    if (!stack_.empty() && stack_.back().map) stack_.back().want_key = true;
  }

  [[noreturn]] void Fail(const YAML::Mark& mark, const std::string& message,
                         bool name_parent = false) {
    std::string path;
    std::size_t depth = name_parent ? stack_.size() - 1 : stack_.size();
    for (std::size_t i = 0; i < depth; ++i) {
      const Frame& f = stack_[i];
      if (f.map) {
        path += (path.empty() ? "" : ".") + f.key;
      } else {
        path += "[" + std::to_string(f.count - 1) + "]";
      }
    }
    std::string where =
        r_.file() + (mark.line >= 0 ? ":" + std::to_string(mark.line + 1) : std::string());
    throw LimitExceeded{Status::InvalidArgument(
        where + ": " + (path.empty() ? "(top level)" : path) + ": " + message)};
  }

  const YamlReader& r_;
  const ConfigLimits& limits_;
  std::vector<Frame> stack_;
  std::size_t nodes_ = 0;
};

}  // namespace

const ConfigLimits& DefaultConfigLimits() {
  static const ConfigLimits limits;
  return limits;
}

Status CheckConfigLimits(const YamlReader& reader, const std::string& text,
                         const ConfigLimits& limits) {
  if (text.size() > limits.max_file_bytes) {
    return Status::InvalidArgument(reader.file() + ": " + std::to_string(text.size()) +
                                   " bytes; at most " + std::to_string(limits.max_file_bytes) +
                                   " (docs/config.md, Limits)");
  }
  std::istringstream in(text);
  LimitHandler handler(reader, limits);
  try {
    YAML::Parser parser(in);
    parser.HandleNextDocument(handler);
  } catch (const LimitExceeded& e) {
    return e.status;
  } catch (const YAML::Exception&) {
    // Not YAML: the loader's own parse reports it with the line.
  }
  return Status::Ok();
}

}  // namespace rollgate::internal
