#pragma once

namespace rollgate {

inline constexpr const char kToolName[] = "rollgate";
inline constexpr const char kToolVersion[] = "0.1.0";

}  // namespace rollgate
