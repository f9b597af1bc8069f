// The text exposition, as Prometheus 2.x parses it:
//
//   # HELP <name> <escaped help>
//   # TYPE <name> gauge|counter|histogram
//   <name>{<label>="<escaped value>",...} <value>
//
// A histogram adds, per series, cumulative <name>_bucket{...,le="<bound>"} lines ending with
// le="+Inf" (equal to the count), then <name>_sum and <name>_count. The format needs no
// timestamps (the scrape time is used), and a family with no series is still announced, so a
// dashboard can tell "no run yet" from "metric renamed".
#include "serve/metrics_registry.h"

#include <cassert>
#include <charconv>
#include <cmath>

#include "base/strings.h"

namespace rollgate::internal {

namespace {

bool ValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (allow_colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string LabelPairs(const std::vector<std::string>& names,
                       const std::vector<std::string>& values, const std::string& extra_name = "",
                       const std::string& extra_value = "") {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += (out.empty() ? "" : ",") + names[i] + "=\"" + EscapeLabelValue(values[i]) + "\"";
  }
  if (!extra_name.empty()) {
    out += (out.empty() ? "" : ",") + extra_name + "=\"" + extra_value + "\"";
  }
  return out.empty() ? out : "{" + out + "}";
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string valid(value);
  if (!IsValidUtf8(valid)) {
    for (char& c : valid) {
      if (static_cast<unsigned char>(c) >= 0x80) c = '?';
    }
  }
  std::string out;
  out.reserve(valid.size());
  for (char c : valid) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return "NaN";
  return std::string(buf, end);
}

void MetricsRegistry::Declare(const std::string& name, Type type, const std::string& help,
                              std::vector<std::string> label_names, std::vector<double> buckets) {
  // A bad name is a bug in rollgate, never input: refuse it (and fail loudly in debug builds)
  // rather than render an exposition Prometheus would reject whole.
  bool valid = ValidName(name, /*allow_colon=*/true);
  for (const auto& l : label_names) valid = valid && ValidName(l, false) && l != "le";
  assert(valid && "invalid metric or label name");
  if (!valid) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (families_.count(name)) return;
  Family f;
  f.type = type;
  f.help = help;
  f.label_names = std::move(label_names);
  f.buckets = std::move(buckets);
  families_.emplace(name, std::move(f));
  order_.push_back(name);
}

MetricsRegistry::Series* MetricsRegistry::Find(const std::string& name,
                                               const std::vector<std::string>& label_values,
                                               Type type) {
  auto it = families_.find(name);
  if (it == families_.end()) return nullptr;
  Family& f = it->second;
  bool type_ok = f.type == type || (type == Type::kCounter && f.type == Type::kGauge);
  if (!type_ok || label_values.size() != f.label_names.size()) {
    assert(false && "metric used with the wrong type or label count");
    return nullptr;
  }
  Series& s = f.series[label_values];
  if (f.type == Type::kHistogram && s.bucket_counts.size() != f.buckets.size()) {
    s.bucket_counts.assign(f.buckets.size(), 0);
  }
  return &s;
}

void MetricsRegistry::Set(const std::string& name, const std::vector<std::string>& label_values,
                          double value) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Series* s = Find(name, label_values, Type::kGauge)) s->value = value;
}

void MetricsRegistry::Add(const std::string& name, const std::vector<std::string>& label_values,
                          double delta) {
  std::lock_guard<std::mutex> lock(mu_);
  if (Series* s = Find(name, label_values, Type::kCounter)) s->value += delta;
}

void MetricsRegistry::Observe(const std::string& name, const std::vector<std::string>& label_values,
                              double value) {
  std::lock_guard<std::mutex> lock(mu_);
  Series* s = Find(name, label_values, Type::kHistogram);
  if (!s) return;
  const std::vector<double>& bounds = families_[name].buckets;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (value <= bounds[i]) {
      ++s->bucket_counts[i];
      break;
    }
  }
  s->sum += value;
  ++s->count;
}

void MetricsRegistry::Clear(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) it->second.series.clear();
}

double MetricsRegistry::Value(const std::string& name, const std::vector<std::string>& label_values,
                              double fallback) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return fallback;
  auto s = it->second.series.find(label_values);
  return s == it->second.series.end() ? fallback : s->second.value;
}

std::string MetricsRegistry::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const std::string& name : order_) {
    const Family& f = families_.at(name);
    const char* type = f.type == Type::kGauge     ? "gauge"
                       : f.type == Type::kCounter ? "counter"
                                                  : "histogram";
    out += "# HELP " + name + " " + EscapeHelp(f.help) + "\n";
    out += "# TYPE " + name + " " + type + "\n";
    for (const auto& [values, s] : f.series) {
      if (f.type != Type::kHistogram) {
        out += name + LabelPairs(f.label_names, values) + " " + FormatSampleValue(s.value) + "\n";
        continue;
      }
      uint64_t cumulative = 0;
      for (std::size_t i = 0; i < f.buckets.size(); ++i) {
        cumulative += s.bucket_counts[i];
        out += name + "_bucket" +
               LabelPairs(f.label_names, values, "le", FormatSampleValue(f.buckets[i])) + " " +
               std::to_string(cumulative) + "\n";
      }
      out += name + "_bucket" + LabelPairs(f.label_names, values, "le", "+Inf") + " " +
             std::to_string(s.count) + "\n";
      out +=
          name + "_sum" + LabelPairs(f.label_names, values) + " " + FormatSampleValue(s.sum) + "\n";
      out += name + "_count" + LabelPairs(f.label_names, values) + " " + std::to_string(s.count) +
             "\n";
    }
  }
  return out;
}

}  // namespace rollgate::internal
