// A small metrics registry that renders the Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/). rollgate exposes a dozen
// series, so this is a map behind a mutex rather than a client library: gauges, counters and
// histograms with fixed label names, rendered in declaration order with HELP and TYPE lines.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace rollgate::internal {

/// The Content-Type of the exposition this registry renders.
inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4; charset=utf-8";

/// A label value escaped for the text format: backslash, double quote and line feed.
/// Bytes that are not UTF-8 become '?', since Prometheus rejects the whole scrape otherwise.
std::string EscapeLabelValue(std::string_view value);

/// HELP text escaped for the text format: backslash and line feed.
std::string EscapeHelp(std::string_view help);

/// A sample value as the text format spells it: integers without a fraction, otherwise the
/// shortest round-trip form; "+Inf", "-Inf", "NaN".
std::string FormatSampleValue(double value);

/// Thread-safe. Every method may be called from any thread.
class MetricsRegistry {
 public:
  enum class Type { kGauge, kCounter, kHistogram };

  /// Declares a family. Names and label names must match [a-zA-Z_:][a-zA-Z0-9_:]* and
  /// [a-zA-Z_][a-zA-Z0-9_]*; `buckets` (histograms only) are upper bounds in increasing order,
  /// without +Inf (always added). Declaring a name twice keeps the first declaration.
  void Declare(const std::string& name, Type type, const std::string& help,
               std::vector<std::string> label_names, std::vector<double> buckets = {});

  /// Gauges: sets the series with these label values (one per declared label name).
  void Set(const std::string& name, const std::vector<std::string>& label_values, double value);
  /// Counters (and gauges): adds `delta` (>= 0 for counters) to the series, creating it at 0.
  void Add(const std::string& name, const std::vector<std::string>& label_values, double delta);
  /// Histograms: records one observation.
  void Observe(const std::string& name, const std::vector<std::string>& label_values, double value);
  /// Drops every series of a family (its HELP and TYPE stay): for gauges that describe only the
  /// latest run, so a release that left the config does not linger.
  void Clear(const std::string& name);

  /// The value of one gauge or counter series, or `fallback` when it does not exist. For tests
  /// and for code that reads back what it exposed.
  double Value(const std::string& name, const std::vector<std::string>& label_values,
               double fallback = 0) const;

  /// The whole exposition.
  std::string Render() const;

 private:
  struct Series {
    double value = 0;                     // gauge, counter
    std::vector<uint64_t> bucket_counts;  // histogram: per bucket, not cumulative
    double sum = 0;
    uint64_t count = 0;
  };
  struct Family {
    Type type = Type::kGauge;
    std::string help;
    std::vector<std::string> label_names;
    std::vector<double> buckets;
    std::map<std::vector<std::string>, Series> series;
  };

  // REQUIRES: mu_ held. Null when the family is unknown or the label count is wrong.
  Series* Find(const std::string& name, const std::vector<std::string>& label_values, Type type);

  mutable std::mutex mu_;
  std::vector<std::string> order_;
  std::map<std::string, Family> families_;
};

}  // namespace rollgate::internal
