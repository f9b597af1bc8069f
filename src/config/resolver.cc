#include "config/resolver.h"

#include "base/file_util.h"
#include "base/secret.h"
#include "base/strings.h"
#include "config/document_lookup.h"

namespace rollgate::internal {

std::string DescribeSource(const ValueSource& s) {
  switch (s.kind) {
    case ValueSource::Kind::kLiteral:
      return "literal";
    case ValueSource::Kind::kEnv:
      return "env " + s.name;
    case ValueSource::Kind::kEnvFile:
      return "env_file " + s.name;
    case ValueSource::Kind::kFile:
      return "file " + s.path;
    case ValueSource::Kind::kDotenv:
      return "dotenv " + s.path + " key " + s.key;
    case ValueSource::Kind::kJson:
      return "json " + s.path + " key " + s.key;
    case ValueSource::Kind::kYaml:
      return "yaml " + s.path + " key " + s.key;
    case ValueSource::Kind::kToml:
      return "toml " + s.path + " key " + s.key;
    case ValueSource::Kind::kCommand:
      return "command " + ShowCommand(s.argv);
  }
  return "?";
}

namespace {

// The document format of a json/yaml/toml source.
DocFormat DocFormatOf(ValueSource::Kind kind) {
  return kind == ValueSource::Kind::kJson   ? DocFormat::kJson
         : kind == ValueSource::Kind::kYaml ? DocFormat::kYaml
                                            : DocFormat::kToml;
}

// A value looked up by name (an environment variable, a dotenv key): missing and blank are
// errors, named after `what` ("env NAME", "dotenv PATH: key NAME").
void TakeNamedValue(const std::optional<std::string>& v, const std::string& what,
                    const char* missing, const char* blank, ResolvedValue* out) {
  if (!v) {
    out->error = what + missing;
  } else if (Trim(*v).empty()) {
    out->error = what + blank;
  } else {
    out->ok = true;
    out->value = *v;
  }
}

}  // namespace

std::optional<std::string> DotenvLookup(std::string_view text, const std::string& key, int* line) {
  std::optional<std::string> found;
  int n = 0;
  for (const std::string& raw : Split(text, '\n')) {
    ++n;
    std::string_view l = TrimView(raw);
    if (l.empty() || l[0] == '#') continue;
    if (l.rfind("export ", 0) == 0) l = TrimView(l.substr(7));
    std::size_t eq = l.find('=');
    if (eq == std::string_view::npos) continue;
    if (TrimView(l.substr(0, eq)) != key) continue;
    std::string_view v = TrimView(l.substr(eq + 1));
    std::string value;
    if (!v.empty() && (v[0] == '"' || v[0] == '\'')) {
      char q = v[0];
      std::size_t i = 1;
      for (; i < v.size() && v[i] != q; ++i) {
        if (q == '"' && v[i] == '\\' && i + 1 < v.size()) {
          char c = v[++i];
          value += c == 'n' ? '\n' : c == 't' ? '\t' : c;
        } else {
          value += v[i];
        }
      }
    } else {
      std::size_t hash = v.find(" #");
      value = Trim(v.substr(0, hash));
    }
    found = value;  // the last assignment wins, as in shells and python-dotenv
    if (line) *line = n;
  }
  return found;
}

ResolvedValue Resolver::ReadFileSource(const std::string& path, const std::string& label) const {
  ResolvedValue out;
  out.provenance = label;
  Result<std::string> text = env_.ReadFile(ResolveRelative(base_dir_, path));
  if (!text.ok()) {
    out.error = text.status().message();
    return out;
  }
  out.ok = true;
  out.value = TrimTrailingNewlines(*text);
  return out;
}

ResolvedValue Resolver::ResolveEnv(const ValueSource& s) const {
  ResolvedValue out;
  out.provenance = DescribeSource(s);
  std::optional<std::string> v = env_.GetEnv(s.name);
  if (v) *v = Trim(*v);  // like the official SDKs
  TakeNamedValue(v, "env " + s.name, " is not set", " is set but blank", &out);
  return out;
}

ResolvedValue Resolver::ResolveDotenv(const ValueSource& s) const {
  ResolvedValue out;
  out.provenance = DescribeSource(s);
  std::string path = ResolveRelative(base_dir_, s.path);
  Result<std::string> text = env_.ReadFile(path);
  if (!text.ok()) {
    out.error = "dotenv " + text.status().message();
    return out;
  }
  int line = 0;
  std::optional<std::string> v = DotenvLookup(*text, s.key, &line);
  TakeNamedValue(v, "dotenv " + path + ": key " + s.key, " not found", " is blank", &out);
  if (out.ok) {
    out.provenance = "dotenv " + path + ":" + s.key + " (line " + std::to_string(line) + ")";
  }
  return out;
}

ResolvedValue Resolver::ResolveDocument(const ValueSource& s) const {
  ResolvedValue out;
  const char* kind = s.kind == ValueSource::Kind::kJson   ? "json"
                     : s.kind == ValueSource::Kind::kYaml ? "yaml"
                                                          : "toml";
  std::string path = ResolveRelative(base_dir_, s.path);
  std::string label = std::string(kind) + " " + path + ":" + s.key;
  out.provenance = label;
  Result<std::string> text = env_.ReadFile(path);
  if (!text.ok()) {
    out.error = std::string(kind) + " " + text.status().message();
    return out;
  }
  DocLookup doc = LookupDocument(DocFormatOf(s.kind), *text, s.key);
  if (doc.kind != DocLookup::Kind::kScalar) {
    out.error =
        label + ": " +
        (doc.kind == DocLookup::Kind::kMap ? "value is a mapping, expected a string" : doc.error);
    return out;
  }
  if (doc.line > 0) out.provenance += " (line " + std::to_string(doc.line) + ")";
  out.ok = true;
  out.value = doc.scalar;
  return out;
}

ResolvedValue Resolver::ResolveCommand(const ValueSource& s, bool secret) const {
  ResolvedValue out;
  CommandOptions opts;
  opts.timeout_ms = s.timeout_ms;
  opts.working_dir = base_dir_;
  opts.max_output_bytes = std::size_t{64} * 1024;
  // Run by the path the config means: "./x" beside the config file, a bare name on PATH;
  // the provenance records the path that ran.
  std::vector<std::string> shown = s.argv;
  Result<CommandResult> r = RunConfiguredCommand(env_, s.argv, opts, &shown[0]);
  out.provenance = "command " + Join(shown, " ");
  if (!r.ok()) {
    out.error = "command " + shown[0] + ": " + r.status().message();
    return out;
  }
  if (!r->succeeded()) {
    std::string err = SanitizeForDisplay(Trim(r->err), 200);
    out.error = "command " + ShowCommand(s.argv) + " failed (" + r->Describe(s.timeout_ms) + ")" +
                (err.empty() ? "" : ": " + err);
    if (!secret && r->err.empty() && !r->out.empty()) {
      out.error += "; stdout: " + SanitizeForDisplay(Trim(r->out), 120);
    }
    return out;
  }
  std::string v = Trim(r->out);
  if (v.empty()) {
    out.error = "command " + ShowCommand(s.argv) + " printed nothing";
    return out;
  }
  out.ok = true;
  out.value = v;
  return out;
}

ResolvedValue Resolver::ResolveOnce(const ValueSource& s, bool secret) const {
  switch (s.kind) {
    case ValueSource::Kind::kLiteral: {
      ResolvedValue out;
      out.ok = true;
      out.value = s.literal;
      out.provenance = s.line > 0 ? "literal at config line " + std::to_string(s.line) : "literal";
      return out;
    }
    case ValueSource::Kind::kEnv:
      return ResolveEnv(s);
    case ValueSource::Kind::kEnvFile: {
      std::optional<std::string> path = env_.GetEnv(s.name);
      if (!path || Trim(*path).empty()) {
        ResolvedValue out;
        out.provenance = DescribeSource(s);
        out.error = "env " + s.name + " (the path of the file) is not set";
        return out;
      }
      ResolvedValue r = ReadFileSource(Trim(*path), "env_file " + s.name + " -> " + Trim(*path));
      if (!r.ok) r.error = "env_file " + s.name + ": " + r.error;
      return r;
    }
    case ValueSource::Kind::kFile: {
      ResolvedValue r = ReadFileSource(s.path, "file " + ResolveRelative(base_dir_, s.path));
      if (!r.ok) r.error = "file " + r.error;
      return r;
    }
    case ValueSource::Kind::kDotenv:
      return ResolveDotenv(s);
    case ValueSource::Kind::kJson:
    case ValueSource::Kind::kYaml:
    case ValueSource::Kind::kToml:
      return ResolveDocument(s);
    case ValueSource::Kind::kCommand:
      return ResolveCommand(s, secret);
  }
  ResolvedValue out;
  out.provenance = DescribeSource(s);
  out.error = "unknown source";
  return out;
}

ResolvedValue Resolver::Resolve(const ValueSource& s, bool secret) const {
  ResolvedValue r = ResolveOnce(s, secret);
  if (!r.ok && s.default_value) {
    ResolvedValue d;
    d.ok = true;
    d.used_default = true;
    d.value = *s.default_value;
    d.provenance = "default (" + r.error + ")";
    return d;
  }
  return r;
}

ResolvedMap Resolver::ResolveMap(const ValueSource& s) const {
  ResolvedMap out;
  out.provenance = DescribeSource(s);
  if (s.kind != ValueSource::Kind::kJson && s.kind != ValueSource::Kind::kYaml &&
      s.kind != ValueSource::Kind::kToml) {
    out.error = "a model map must be a {json|yaml|toml: PATH, key: ...} source";
    return out;
  }
  std::string path = ResolveRelative(base_dir_, s.path);
  Result<std::string> text = env_.ReadFile(path);
  if (!text.ok()) {
    out.error = text.status().message();
    return out;
  }
  DocLookup doc = LookupDocument(DocFormatOf(s.kind), *text, s.key);
  if (doc.kind != DocLookup::Kind::kMap) {
    out.error = path + ":" + s.key + ": " +
                (doc.kind == DocLookup::Kind::kScalar ? "is a single value, expected a mapping"
                                                      : doc.error);
    return out;
  }
  out.ok = true;
  out.entries = std::move(doc.map);
  out.provenance =
      DescribeSource(s) + (doc.line > 0 ? " (line " + std::to_string(doc.line) + ")" : "");
  return out;
}

}  // namespace rollgate::internal
