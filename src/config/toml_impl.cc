// toml++ is compiled here, once, into rollgate_core (every other file includes it with
// TOML_HEADER_ONLY=0, set by CMakeLists.txt). Debian's libtomlplusplus.so would make every
// `rollgate` invocation load one more shared C++ library, and that library would pin libstdc++
// as a shared library too (the probe path links it statically; bench/RESULTS.md).
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
