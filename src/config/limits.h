// Bounds on what a config (or contract) file may hold, checked in one streaming pass over the
// YAML events before the document tree is built, so that neither yaml-cpp's tree (about 10 µs
// and a few hundred bytes per node) nor any later step (key checks, "did you mean", header
// maps, release lists) can be made to do unbounded or quadratic work: a file over a limit is
// refused at the first value past it. Internal to config/.
#pragma once

#include <cstddef>
#include <string>

#include "config/yaml_reader.h"
#include "rollgate/status.h"

namespace rollgate::internal {

struct ConfigLimits {
  std::size_t max_file_bytes = 4u << 20;     // rollgate.yaml itself
  std::size_t max_releases = 64;             // entries under `releases:`
  std::size_t max_headers = 256;             // entries in any `headers:` map
  std::size_t max_items = 1024;              // entries in any other list or map
  std::size_t max_string_bytes = 64u << 10;  // any scalar, keys included
  std::size_t max_depth = 32;                // nesting of lists and maps
  std::size_t max_nodes = 1u << 20;          // values in the whole file
};

/// The limits rollgate applies (docs/config.md "Limits").
const ConfigLimits& DefaultConfigLimits();

/// InvalidArgument "<file>:<line>: <key path>: <what>; rollgate takes at most N ..." for the
/// first bound `text` exceeds. YAML that does not parse passes: the loader reports it.
Status CheckConfigLimits(const YamlReader& reader, const std::string& text,
                         const ConfigLimits& limits = DefaultConfigLimits());

}  // namespace rollgate::internal
