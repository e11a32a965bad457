#include "rules/rule_file.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "promql/parser.h"
#include "tsdb/labels.h"

namespace pharos::rules {
namespace {

// A structural error: the YAML does not decode into the format. Go's yaml
// collects type errors as "line N: ..." under "yaml: unmarshal errors:".
struct Decoder {
  std::vector<std::string> unmarshal;  // "line N: ..." entries
  std::string fatal;                   // a decode error that stops decoding

  void Unknown(const YAML::Node& key, std::string_view type) {
    unmarshal.push_back("line " + std::to_string(key.Mark().line + 1) + ": field " +
                        key.Scalar() + " not found in type rulefmt." + std::string(type));
  }
  void Mismatch(const YAML::Node& n, std::string_view into) {
    std::string tag = n.IsSequence() ? "!!seq" : n.IsMap() ? "!!map" : "!!str";
    std::string what = tag;
    if (n.IsScalar()) what += " `" + n.Scalar() + "`";
    unmarshal.push_back("line " + std::to_string(n.Mark().line + 1) + ": cannot unmarshal " +
                        what + " into " + std::string(into));
  }
  bool failed() const { return !fatal.empty() || !unmarshal.empty(); }
};

std::string Pos(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "0:0";
  return std::to_string(n.Mark().line + 1) + ":" + std::to_string(n.Mark().column + 1);
}

std::string ScalarOf(const YAML::Node& n) {
  return n.IsDefined() && n.IsScalar() ? n.Scalar() : "";
}

int64_t DecodeDuration(const YAML::Node& n, Decoder& d) {
  if (!n.IsDefined() || n.IsNull()) return 0;
  if (!n.IsScalar()) {
    d.Mismatch(n, "model.Duration");
    return 0;
  }
  Result<int64_t> ms = promql::ParseDuration(n.Scalar());
  if (!ms.ok()) {
    if (d.fatal.empty()) d.fatal = "not a valid duration string: \"" + n.Scalar() + "\"";
    return 0;
  }
  return *ms;
}

StringPairs DecodeMap(const YAML::Node& n, Decoder& d) {
  StringPairs out;
  if (!n.IsDefined() || n.IsNull()) return out;
  if (!n.IsMap()) {
    d.Mismatch(n, "map[string]string");
    return out;
  }
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) {
      d.Mismatch(kv.first, "string");
      continue;
    }
    if (kv.second.IsNull()) {
      out.emplace_back(kv.first.Scalar(), "");
    } else if (kv.second.IsScalar()) {
      out.emplace_back(kv.first.Scalar(), kv.second.Scalar());
    } else {
      d.Mismatch(kv.second, "string");
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

bool ValidMetricName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// One rule: decoded fields plus the nodes errors point at.
struct RuleNodes {
  RuleSpec spec;
  YAML::Node record, alert, expr;
};

RuleNodes DecodeRule(const YAML::Node& n, Decoder& d) {
  RuleNodes r;
  if (!n.IsMap()) {
    d.Mismatch(n, "rulefmt.RuleNode");
    return r;
  }
  for (const auto& kv : n) {
    std::string key = ScalarOf(kv.first);
    if (key == "record") {
      r.record = kv.second;
      r.spec.record = ScalarOf(kv.second);
    } else if (key == "alert") {
      r.alert = kv.second;
      r.spec.alert = ScalarOf(kv.second);
    } else if (key == "expr") {
      r.expr = kv.second;
      r.spec.expr = ScalarOf(kv.second);
    } else if (key == "for") {
      r.spec.for_ms = DecodeDuration(kv.second, d);
    } else if (key == "keep_firing_for") {
      r.spec.keep_firing_for_ms = DecodeDuration(kv.second, d);
    } else if (key == "labels") {
      r.spec.labels = DecodeMap(kv.second, d);
    } else if (key == "annotations") {
      r.spec.annotations = DecodeMap(kv.second, d);
    } else {
      d.Unknown(kv.first, "RuleNode");
    }
  }
  return r;
}

struct GroupNodes {
  GroupSpec spec;
  YAML::Node node;
  std::vector<RuleNodes> rules;
};

GroupNodes DecodeGroup(const YAML::Node& n, Decoder& d) {
  GroupNodes g;
  g.node = n;
  if (!n.IsMap()) {
    d.Mismatch(n, "rulefmt.RuleGroup");
    return g;
  }
  for (const auto& kv : n) {
    std::string key = ScalarOf(kv.first);
    if (key == "name") {
      if (!kv.second.IsNull() && !kv.second.IsScalar()) d.Mismatch(kv.second, "string");
      g.spec.name = ScalarOf(kv.second);
    } else if (key == "interval") {
      g.spec.interval_ms = DecodeDuration(kv.second, d);
    } else if (key == "limit") {
      if (kv.second.IsNull()) continue;
      try {
        g.spec.limit = kv.second.as<int64_t>();
      } catch (const YAML::Exception&) {
        d.Mismatch(kv.second, "int");
      }
    } else if (key == "rules") {
      if (kv.second.IsNull()) continue;
      if (!kv.second.IsSequence()) {
        d.Mismatch(kv.second, "[]rulefmt.RuleNode");
        continue;
      }
      for (const auto& r : kv.second) g.rules.push_back(DecodeRule(r, d));
    } else {
      d.Unknown(kv.first, "RuleGroup");
    }
  }
  for (const RuleNodes& r : g.rules) g.spec.rules.push_back(r.spec);
  return g;
}

// Validation of one rule, as rulefmt's RuleNode.Validate.
void ValidateRule(const RuleNodes& r, const std::string& prefix,
                  const TemplateCheckFunc& check_template, std::vector<std::string>& errs) {
  const RuleSpec& s = r.spec;
  auto at = [&](const YAML::Node& n, const std::string& msg) {
    errs.push_back(Pos(n) + ": " + prefix + msg);
  };
  if (!s.record.empty() && !s.alert.empty()) {
    errs.push_back(Pos(r.record) + ": " + Pos(r.alert) + ": " + prefix +
                   "only one of 'record' and 'alert' must be set");
  }
  if (s.record.empty() && s.alert.empty()) {
    at(r.record, "one of 'record' or 'alert' must be set");
  }
  if (s.expr.empty()) {
    at(r.expr, "field 'expr' must be set in rule");
  } else if (Result<promql::ExprPtr> e = promql::ParseExpr(s.expr); !e.ok()) {
    at(r.expr, "could not parse expression: " + e.status().message());
  }
  if (!s.record.empty()) {
    if (!s.annotations.empty()) at(r.record, "invalid field 'annotations' in recording rule");
    if (s.for_ms != 0) at(r.record, "invalid field 'for' in recording rule");
    if (s.keep_firing_for_ms != 0) at(r.record, "invalid field 'keep_firing_for' in recording rule");
    if (!ValidMetricName(s.record)) at(r.record, "invalid recording rule name: " + s.record);
  }
  for (const auto& [k, v] : s.labels) {
    if (!tsdb::ValidLabelName(k) || k == tsdb::kMetricName) {
      errs.push_back(prefix + "invalid label name: " + k);
    }
    if (!tsdb::ValidUtf8(v)) errs.push_back(prefix + "invalid label value: " + v);
  }
  for (const auto& [k, v] : s.annotations) {
    if (!tsdb::ValidLabelName(k)) errs.push_back(prefix + "invalid annotation name: " + k);
  }
  if (s.alert.empty() || !check_template) return;
  const std::string& name = s.alert;
  for (const auto& [k, v] : s.labels) {
    if (Status st = check_template(name, v); !st.ok()) {
      errs.push_back(prefix + "label \"" + k + "\": " + st.message());
    }
  }
  for (const auto& [k, v] : s.annotations) {
    if (Status st = check_template(name, v); !st.ok()) {
      errs.push_back(prefix + "annotation \"" + k + "\": " + st.message());
    }
  }
}

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

size_t RuleFile::NumRules() const {
  size_t n = 0;
  for (const GroupSpec& g : groups) n += g.rules.size();
  return n;
}

RuleFileParse ParseRuleFileContent(std::string_view path, std::string_view content,
                                   const TemplateCheckFunc& check_template) {
  RuleFileParse out;
  out.file.path = std::string(path);
  const std::string file_prefix = std::string(path) + ": ";
  YAML::Node root;
  try {
    root = YAML::Load(std::string(content));
  } catch (const YAML::ParserException& e) {
    // Prometheus decodes twice (into the rules and into the position
    // nodes) and reports a syntax error from each.
    std::string msg =
        file_prefix + "yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg;
    out.errors = {msg, msg};
    return out;
  }

  Decoder d;
  std::vector<GroupNodes> groups;
  if (root.IsDefined() && !root.IsNull()) {
    if (!root.IsMap()) {
      d.Mismatch(root, "rulefmt.RuleGroups");
    } else {
      for (const auto& kv : root) {
        if (ScalarOf(kv.first) != "groups") {
          d.Unknown(kv.first, "RuleGroups");
          continue;
        }
        if (kv.second.IsNull()) continue;
        if (!kv.second.IsSequence()) {
          d.Mismatch(kv.second, "[]rulefmt.RuleGroup");
          continue;
        }
        for (const auto& g : kv.second) groups.push_back(DecodeGroup(g, d));
      }
    }
  }
  if (!d.fatal.empty()) {
    out.errors.push_back(file_prefix + d.fatal);
    return out;
  }
  if (!d.unmarshal.empty()) {
    std::string msg = file_prefix + "yaml: unmarshal errors:";
    for (const std::string& u : d.unmarshal) msg += "\n  " + u;
    out.errors.push_back(msg);
    return out;
  }

  std::set<std::string> seen;
  for (const GroupNodes& g : groups) {
    out.file.groups.push_back(g.spec);
    if (g.spec.name.empty()) {
      out.errors.push_back(file_prefix + Pos(g.node) + ": Groupname must not be empty");
    }
    if (!seen.insert(g.spec.name).second) {
      out.errors.push_back(file_prefix + Pos(g.node) + ": groupname: \"" + g.spec.name +
                           "\" is repeated in the same file");
    }
    for (size_t i = 0; i < g.rules.size(); ++i) {
      const RuleSpec& s = g.rules[i].spec;
      std::string prefix = "group " + GoQuote(g.spec.name) + ", rule " + std::to_string(i + 1) +
                           ", " + GoQuote(s.alert.empty() ? s.record : s.alert) + ": ";
      std::vector<std::string> errs;
      ValidateRule(g.rules[i], prefix, check_template, errs);
      for (std::string& e : errs) out.errors.push_back(file_prefix + e);
    }
  }
  return out;
}

RuleFileParse ParseRuleFile(const std::string& path, const TemplateCheckFunc& check_template) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    RuleFileParse out;
    out.file.path = path;
    out.errors.push_back(path + ": open " + path + ": " + std::strerror(errno));
    return out;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseRuleFileContent(path, ss.str(), check_template);
}

std::string RuleSpecString(const RuleSpec& r) {
  std::string out;
  if (!r.record.empty()) out += "record: " + r.record + "\n";
  if (!r.alert.empty()) out += "alert: " + r.alert + "\n";
  out += "expr: " + r.expr + "\n";
  if (r.for_ms) out += "for: " + promql::FormatDuration(r.for_ms) + "\n";
  if (r.keep_firing_for_ms) {
    out += "keep_firing_for: " + promql::FormatDuration(r.keep_firing_for_ms) + "\n";
  }
  auto pairs = [&](const char* key, const StringPairs& p) {
    if (p.empty()) return;
    out += std::string(key) + ":\n";
    for (const auto& [k, v] : p) out += "  " + k + ": " + GoQuote(v) + "\n";
  };
  pairs("labels", r.labels);
  pairs("annotations", r.annotations);
  return out;
}

}  // namespace pharos::rules
