#include "rules/rule_unit_tests.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include "promql/engine.h"
#include "promql/parser.h"
#include "promql/series_notation.h"
#include "rules/alert_expand.h"
#include "rules/alerting_rule.h"
#include "rules/engine_query.h"
#include "rules/memory_storage.h"
#include "rules/manager.h"
#include "rules/rule_group.h"

namespace pharos::rules {
namespace {

// Go's time.Duration.String for whole milliseconds: "5m0s", "1h0m0s", "1.5s".
std::string GoDuration(int64_t ms) {
  if (ms == 0) return "0s";
  std::string out = ms < 0 ? "-" : "";
  ms = std::llabs(ms);
  if (ms < 1000) return out + std::to_string(ms) + "ms";
  int64_t h = ms / 3'600'000, m = ms / 60'000 % 60, s = ms / 1000 % 60, frac = ms % 1000;
  if (h) out += std::to_string(h) + "h";
  if (h || m) out += std::to_string(m) + "m";
  out += std::to_string(s);
  if (frac) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), ".%03lld", static_cast<long long>(frac));
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out + "s";
}

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// Go's labels.Labels.String: {a="b", c="d"}.
std::string GoLabels(const tsdb::Labels& l) {
  std::string out = "{";
  for (size_t i = 0; i < l.size(); ++i) {
    if (i) out += ", ";
    out += l[i].name + "=" + GoQuote(l[i].value);
  }
  return out + "}";
}

// strconv.FormatFloat(v, 'E', -1, 64).
std::string GoFloatE(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string s(buf, r.ptr);
  for (char& c : s) {
    if (c == 'e') c = 'E';
  }
  return s;
}

std::string IndentLines(const std::string& s, const std::string& indent) {
  std::string out;
  size_t start = 0;
  bool first = true;
  while (true) {
    size_t nl = s.find('\n', start);
    if (!first) out += "\n" + indent;
    out += s.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    first = false;
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

struct LabelsAndAnnotations {
  tsdb::Labels labels, annotations;
  bool operator==(const LabelsAndAnnotations&) const = default;
};

std::string AlertsString(const std::vector<LabelsAndAnnotations>& la) {
  if (la.empty()) return "[]";
  std::string s = "[";
  for (size_t i = 0; i < la.size(); ++i) {
    s += i ? ",\n" : "\n";
    s += std::to_string(i) + ":" +
         IndentLines("\nLabels:" + GoLabels(la[i].labels) + "\nAnnotations:" +
                         GoLabels(la[i].annotations),
                     "  ");
  }
  return s + "\n]";
}

tsdb::Labels MapLabels(const YAML::Node& n) {
  std::vector<tsdb::Label> l;
  if (n && n.IsMap()) {
    for (const auto& kv : n) l.push_back({kv.first.Scalar(), kv.second.IsNull() ? "" : kv.second.Scalar()});
  }
  return tsdb::Labels(std::move(l));
}

int64_t Duration(const YAML::Node& n, int64_t def) {
  if (!n || n.IsNull()) return def;
  Result<int64_t> d = promql::ParseDuration(n.Scalar());
  if (!d.ok()) throw YAML::Exception(n.Mark(), "not a valid duration string: \"" + n.Scalar() + "\"");
  return *d;
}

// One entry of `tests`; returns the error lines (empty when it passed).
std::vector<std::string> RunTest(const YAML::Node& t, const std::vector<RuleFile>& files,
                                 int64_t eval_interval, const std::vector<std::string>& order) {
  std::vector<std::string> errs;
  const int64_t interval = Duration(t["interval"], 60'000);
  MemoryStorage storage;
  for (const auto& s : t["input_series"]) {
    std::string desc = s["series"].as<std::string>("") + " " + s["values"].as<std::string>("");
    Result<promql::SeriesDescription> d = promql::ParseSeriesDescription(desc);
    if (!d.ok()) {
      errs.push_back("    " + d.status().message());
      return errs;
    }
    for (size_t i = 0; i < d->values.size(); ++i) {
      if (d->values[i]) storage.Add(d->labels, static_cast<int64_t>(i) * interval, *d->values[i]);
    }
  }
  promql::Engine engine;
  auto opts = std::make_shared<GroupOptions>();
  opts->query = EngineQueryFunc(engine, storage);
  opts->expand = TemplateExpandFunc(opts->query);
  opts->appendable = &storage;
  opts->queryable = &storage;
  opts->external_labels = MapLabels(t["external_labels"]);
  std::vector<std::unique_ptr<RuleGroup>> groups;
  for (const RuleFile& f : files) {
    for (const GroupSpec& g : f.groups) {
      groups.push_back(std::make_unique<RuleGroup>(
          f.path, g, g.interval_ms ? g.interval_ms : eval_interval, false, opts));
    }
  }
  if (!order.empty()) {
    auto rank = [&](const RuleGroup& g) {
      auto it = std::find(order.begin(), order.end(), g.name());
      return it - order.begin();
    };
    std::stable_sort(groups.begin(), groups.end(),
                     [&](const auto& a, const auto& b) { return rank(*a) < rank(*b); });
  }

  // Alert tests by eval time.
  std::multimap<int64_t, YAML::Node> alert_tests;
  int64_t maxt = 0;
  for (const auto& a : t["alert_rule_test"]) {
    int64_t at = Duration(a["eval_time"], 0);
    alert_tests.emplace(at, a);
    maxt = std::max(maxt, at);
  }
  for (const auto& e : t["promql_expr_test"]) maxt = std::max(maxt, Duration(e["eval_time"], 0));

  for (int64_t ts = 0; ts <= maxt; ts += eval_interval) {
    for (const auto& g : groups) {
      g->Eval(ts);
      for (const auto& r : g->rules()) {
        Rule::EvalStatus st = r->eval_status();
        if (st.health == RuleHealth::kBad) {
          errs.push_back("    rule: " + r->Name() + ", time: " + GoDuration(ts) +
                         ", err: " + st.last_error);
        }
      }
    }
    auto [lo, hi] = alert_tests.equal_range(ts);
    for (auto it = lo; it != hi; ++it) {
      const YAML::Node& a = it->second;
      std::string name = a["alertname"].as<std::string>("");
      std::vector<LabelsAndAnnotations> got, exp;
      for (const auto& g : groups) {
        for (const auto& r : g->rules()) {
          if (!r->alerting() || r->Name() != name) continue;
          for (const Alert& al : static_cast<AlertingRule&>(*r).ActiveAlerts()) {
            if (al.state == AlertState::kFiring) got.push_back({al.labels, al.annotations});
          }
        }
      }
      for (const auto& e : a["exp_alerts"]) {
        exp.push_back({MapLabels(e["exp_labels"]).With("alertname", name),
                       MapLabels(e["exp_annotations"])});
      }
      auto by_labels = [](const auto& x, const auto& y) { return x.labels < y.labels; };
      std::sort(got.begin(), got.end(), by_labels);
      std::sort(exp.begin(), exp.end(), by_labels);
      if (got != exp) {
        const std::string ind = "            ";
        errs.push_back("    alertname: " + name + ", time: " + promql::FormatDuration(ts) + ", \n        exp:" +
                       IndentLines(AlertsString(exp), ind) + ", \n        got:" +
                       IndentLines(AlertsString(got), ind));
      }
    }
  }

  for (const auto& e : t["promql_expr_test"]) {
    std::string expr = e["expr"].as<std::string>("");
    int64_t at = Duration(e["eval_time"], 0);
    Result<promql::QueryResult> r = engine.InstantQuery(storage, expr, at);
    std::vector<std::pair<tsdb::Labels, double>> got, exp;
    if (!r.ok()) {
      errs.push_back("    expr: " + GoQuote(expr) + ", time: " + GoDuration(at) +
                     ", err: " + r.status().message());
      continue;
    }
    if (auto* v = std::get_if<promql::Vector>(&r->value.data)) {
      for (const auto& s : *v) got.push_back({s.labels, s.v});
    } else if (auto* s = std::get_if<promql::Scalar>(&r->value.data)) {
      got.push_back({tsdb::Labels(), s->v});
    }
    bool bad_input = false;
    for (const auto& s : e["exp_samples"]) {
      std::string l = s["labels"].as<std::string>("{}");
      Result<tsdb::Labels> parsed = promql::ParseSeriesLabels(l.empty() ? "{}" : l);
      if (!parsed.ok()) {
        errs.push_back("    expr: " + GoQuote(expr) + ", time: " + GoDuration(at) + ", err: " +
                       parsed.status().message());
        bad_input = true;
        break;
      }
      exp.push_back({*parsed, s["value"].as<double>(0)});
    }
    if (bad_input) continue;
    auto cmp = [](const auto& x, const auto& y) { return x.first < y.first; };
    std::sort(got.begin(), got.end(), cmp);
    std::sort(exp.begin(), exp.end(), cmp);
    bool equal = got.size() == exp.size();
    for (size_t i = 0; equal && i < got.size(); ++i) {
      double a = got[i].second, b = exp[i].second;
      bool same = (std::isnan(a) && std::isnan(b)) || a == b ||
                  std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b));
      equal = got[i].first == exp[i].first && same;
    }
    if (!equal) {
      auto str = [](const std::vector<std::pair<tsdb::Labels, double>>& v) {
        if (v.empty()) return std::string("nil");
        std::string s;
        for (size_t i = 0; i < v.size(); ++i) {
          s += (i ? ", " : "") + GoLabels(v[i].first) + " " + GoFloatE(v[i].second);
        }
        return s;
      };
      errs.push_back("    expr: " + GoQuote(expr) + ", time: " + promql::FormatDuration(at) +
                     ",\n        exp: " + str(exp) + "\n        got: " + str(got));
    }
  }
  return errs;
}

// One test file; returns its error lines.
std::vector<std::string> RunFile(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return {e.what()};
  }
  std::vector<std::string> errs;
  std::vector<RuleFile> files;
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  try {
    for (const auto& f : root["rule_files"]) {
      std::filesystem::path p = f.as<std::string>();
      if (p.is_relative()) p = dir / p;
      Result<std::vector<std::string>> matches = ExpandRuleFiles({p.string()});
      if (!matches.ok()) return {matches.status().message()};
      for (const std::string& m : *matches) {
        RuleFileParse parsed = ParseRuleFile(m, TemplateParseCheck());
        for (const std::string& e : parsed.errors) errs.push_back("    " + e);
        files.push_back(std::move(parsed.file));
      }
    }
    if (!errs.empty()) return errs;
    int64_t eval_interval = Duration(root["evaluation_interval"], 60'000);
    std::vector<std::string> order;
    for (const auto& g : root["group_eval_order"]) order.push_back(g.as<std::string>());
    for (const auto& t : root["tests"]) {
      for (std::string& e : RunTest(t, files, eval_interval, order)) errs.push_back(std::move(e));
    }
  } catch (const YAML::Exception& e) {
    return {e.what()};
  }
  return errs;
}

}  // namespace

int RunRuleUnitTests(const std::vector<std::string>& files) {
  bool failed = false;
  for (const std::string& f : files) {
    std::cout << "Unit Testing:  " << f << "\n";
    std::vector<std::string> errs = RunFile(f);
    if (errs.empty()) {
      std::cout << "  SUCCESS\n";
    } else {
      failed = true;
      std::cerr << "  FAILED:\n";
      for (const std::string& e : errs) std::cerr << e << "\n";
    }
    std::cout << "\n";
  }
  std::cout.flush();
  return failed ? 1 : 0;
}

int CheckRuleFiles(const std::vector<std::string>& files) {
  bool failed = false;
  for (const std::string& f : files) {
    std::cout << "Checking " << f << "\n";
    RuleFileParse p = ParseRuleFile(f, TemplateParseCheck());
    if (p.errors.empty()) {
      std::cout << "  SUCCESS: " << p.file.NumRules() << " rules found\n";
    } else {
      failed = true;
      std::cout.flush();
      std::cerr << "  FAILED:\n";
      for (const std::string& e : p.errors) std::cerr << e << "\n";
    }
    std::cout << "\n";
  }
  std::cout.flush();
  return failed ? 1 : 0;
}

}  // namespace pharos::rules
