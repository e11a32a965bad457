#include "server/api/provider_handlers.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "promql/parser.h"
#include "server/api/api_errors.h"
#include "server/api/api_json.h"
#include "server/api/api_params.h"
#include "server/api/value_json.h"

namespace pharos::server {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  while (!out.empty() && out.front() == ' ') out.erase(out.begin());
  return out;
}

void WriteAlert(JsonWriter& w, const AlertInfo& a) {
  w.BeginObject();
  w.Key("labels");
  WriteLabels(w, a.labels);
  w.Key("annotations");
  WriteLabels(w, a.annotations);
  w.Key("state");
  w.String(a.state);
  if (a.active_at_ms != 0) {
    w.Key("activeAt");
    w.String(FormatRfc3339(a.active_at_ms));
  }
  w.Key("value");
  w.String(FormatFloatE(a.value));
  w.EndObject();
}

void WriteRule(JsonWriter& w, const RuleInfo& r) {
  w.BeginObject();
  if (r.alerting) {
    w.Key("state");
    w.String(r.state);
  }
  w.Key("name");
  w.String(r.name);
  w.Key("query");
  w.String(r.query);
  if (r.alerting) {
    w.Key("duration");
    w.GoFloat(r.duration_seconds);
    w.Key("keepFiringFor");
    w.GoFloat(r.keep_firing_for_seconds);
  }
  w.Key("labels");
  WriteLabels(w, r.labels);
  if (r.alerting) {
    w.Key("annotations");
    WriteLabels(w, r.annotations);
    w.Key("alerts");
    w.BeginArray();
    for (const AlertInfo& a : r.alerts) WriteAlert(w, a);
    w.EndArray();
  }
  w.Key("health");
  w.String(r.health);
  if (!r.last_error.empty()) {
    w.Key("lastError");
    w.String(r.last_error);
  }
  w.Key("evaluationTime");
  w.GoFloat(r.evaluation_seconds);
  w.Key("lastEvaluation");
  w.String(FormatRfc3339(r.last_evaluation_ms));
  w.Key("type");
  w.String(r.alerting ? "alerting" : "recording");
  w.EndObject();
}

// Go's strconv.ParseBool.
Result<bool> ParseGoBool(std::string_view v) {
  for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (v == t) return true;
  }
  for (std::string_view f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (v == f) return false;
  }
  return InvalidArgumentError("strconv.ParseBool: parsing \"" + std::string(v) +
                              "\": invalid syntax");
}

bool MatchesAll(const std::vector<tsdb::Matcher>& matchers, const tsdb::Labels& labels) {
  for (const tsdb::Matcher& m : matchers) {
    if (!m.Matches(labels.Get(m.name()))) return false;
  }
  return true;
}

}  // namespace

Response HandleTargets(TargetsProvider* targets, const Request& req) {
  std::string state = Lower(req.QueryParam("state").value_or(""));
  bool any = state.empty() || state == "any";
  bool active = any || state == "active";
  bool dropped = any || state == "dropped";
  JsonWriter w;
  w.BeginObject();
  w.Key("activeTargets");
  w.BeginArray();
  if (active && targets != nullptr) {
    for (const ActiveTarget& t : targets->ActiveTargets()) {
      w.BeginObject();
      w.Key("discoveredLabels");
      WriteLabels(w, t.discovered_labels);
      w.Key("labels");
      WriteLabels(w, t.labels);
      w.Key("scrapePool");
      w.String(t.scrape_pool);
      w.Key("scrapeUrl");
      w.String(t.scrape_url);
      w.Key("globalUrl");
      w.String(t.global_url);
      w.Key("lastError");
      w.String(t.last_error);
      w.Key("lastScrape");
      w.String(FormatRfc3339(t.last_scrape_ms));
      w.Key("lastScrapeDuration");
      w.GoFloat(t.last_scrape_duration_seconds);
      w.Key("health");
      w.String(t.health);
      w.Key("scrapeInterval");
      w.String(t.scrape_interval);
      w.Key("scrapeTimeout");
      w.String(t.scrape_timeout);
      w.EndObject();
    }
  }
  w.EndArray();
  w.Key("droppedTargets");
  w.BeginArray();
  if (dropped && targets != nullptr) {
    for (const DroppedTarget& t : targets->DroppedTargets()) {
      w.BeginObject();
      w.Key("discoveredLabels");
      WriteLabels(w, t.discovered_labels);
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
  return ApiSuccess(w.Take());
}

Response HandleTargetsMetadata(TargetsProvider* targets, const Request& req) {
  FormValues form(req);
  std::vector<tsdb::Matcher> match;
  if (std::string_view mt = form.Get("match_target"); !mt.empty()) {
    auto parsed = promql::ParseMetricSelector(mt);
    if (!parsed.ok()) return InvalidParamError("match_target", parsed.status());
    match = std::move(*parsed);
  }
  std::string_view metric = form.Get("metric");
  size_t limit = ParseLimit(form);
  JsonWriter w;
  w.BeginArray();
  size_t n = 0;
  if (targets != nullptr) {
    for (const TargetMetadata& t : targets->Metadata()) {
      if (limit > 0 && n >= limit) break;
      if (!MatchesAll(match, t.target)) continue;
      if (!metric.empty() && t.metadata.metric != metric) continue;
      w.BeginObject();
      w.Key("target");
      WriteLabels(w, t.target);
      if (metric.empty()) {
        w.Key("metric");
        w.String(t.metadata.metric);
      }
      w.Key("type");
      w.String(t.metadata.type);
      w.Key("help");
      w.String(t.metadata.help);
      w.Key("unit");
      w.String(t.metadata.unit);
      w.EndObject();
      ++n;
    }
  }
  w.EndArray();
  return ApiSuccess(w.Take());
}

Response HandleMetadata(TargetsProvider* targets, const Request& req) {
  FormValues form(req);
  std::string_view metric = form.Get("metric");
  size_t limit = ParseLimit(form);
  // metric -> distinct (type, help, unit), in first-seen order.
  std::map<std::string, std::vector<MetricMetadata>> by_metric;
  if (targets != nullptr) {
    for (const TargetMetadata& t : targets->Metadata()) {
      const MetricMetadata& m = t.metadata;
      if (!metric.empty() && m.metric != metric) continue;
      auto& list = by_metric[m.metric];
      bool seen = std::any_of(list.begin(), list.end(), [&m](const MetricMetadata& o) {
        return o.type == m.type && o.help == m.help && o.unit == m.unit;
      });
      if (!seen) list.push_back(m);
    }
  }
  JsonWriter w;
  w.BeginObject();
  size_t n = 0;
  for (const auto& [name, list] : by_metric) {
    if (limit > 0 && n++ >= limit) break;
    w.Key(name);
    w.BeginArray();
    for (const MetricMetadata& m : list) {
      w.BeginObject();
      w.Key("type");
      w.String(m.type);
      w.Key("help");
      w.String(m.help);
      w.Key("unit");
      w.String(m.unit);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return ApiSuccess(w.Take());
}

Response HandleRules(RulesProvider* rules, const Request& req) {
  std::string type = Lower(req.QueryParam("type").value_or(""));
  if (!type.empty() && type != "alert" && type != "record") {
    return InvalidParamError("type", InvalidArgumentError("not supported value \"" + type + "\""));
  }
  FormValues form(req);
  bool exclude_alerts = false;
  if (std::string_view v = form.Get("exclude_alerts"); !v.empty()) {
    Result<bool> parsed = ParseGoBool(v);
    if (!parsed.ok()) return InvalidParamError("exclude_alerts", parsed.status());
    exclude_alerts = *parsed;
  }
  const std::vector<std::string> v_names = form.All("rule_name[]");
  const std::vector<std::string> v_groups = form.All("rule_group[]");
  const std::vector<std::string> v_files = form.All("file[]");
  const std::set<std::string> names(v_names.begin(), v_names.end());
  const std::set<std::string> groups(v_groups.begin(), v_groups.end());
  const std::set<std::string> files(v_files.begin(), v_files.end());
  // Prometheus 2.42 keeps groups a type filter empties; the name filters
  // (of later versions) drop them.
  const bool by_name = !names.empty() || !groups.empty() || !files.empty();
  bool want_alerting = type.empty() || type == "alert";
  bool want_recording = type.empty() || type == "record";
  JsonWriter w;
  w.BeginObject();
  w.Key("groups");
  w.BeginArray();
  if (rules != nullptr) {
    for (RuleGroupInfo& g : rules->RuleGroups()) {
      if (!groups.empty() && !groups.count(g.name)) continue;
      if (!files.empty() && !files.count(g.file)) continue;
      std::vector<RuleInfo*> kept;
      for (RuleInfo& r : g.rules) {
        if (!(r.alerting ? want_alerting : want_recording)) continue;
        if (!names.empty() && !names.count(r.name)) continue;
        if (exclude_alerts) r.alerts.clear();
        kept.push_back(&r);
      }
      if (by_name && kept.empty()) continue;
      w.BeginObject();
      w.Key("name");
      w.String(g.name);
      w.Key("file");
      w.String(g.file);
      w.Key("rules");
      w.BeginArray();
      for (const RuleInfo* r : kept) WriteRule(w, *r);
      w.EndArray();
      w.Key("interval");
      w.GoFloat(g.interval_seconds);
      w.Key("limit");
      w.Int(g.limit);
      w.Key("evaluationTime");
      w.GoFloat(g.evaluation_seconds);
      w.Key("lastEvaluation");
      w.String(FormatRfc3339(g.last_evaluation_ms));
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
  return ApiSuccess(w.Take());
}

Response HandleAlerts(RulesProvider* rules, const Request&) {
  JsonWriter w;
  w.BeginObject();
  w.Key("alerts");
  w.BeginArray();
  if (rules != nullptr) {
    for (const RuleGroupInfo& g : rules->RuleGroups()) {
      for (const RuleInfo& r : g.rules) {
        for (const AlertInfo& a : r.alerts) WriteAlert(w, a);
      }
    }
  }
  w.EndArray();
  w.EndObject();
  return ApiSuccess(w.Take());
}

Response HandleAlertmanagers(AlertmanagersProvider* alertmanagers, const Request&) {
  JsonWriter w;
  auto write_list = [&w](std::string_view key, const std::vector<std::string>& urls) {
    w.Key(key);
    w.BeginArray();
    for (const std::string& u : urls) {
      w.BeginObject();
      w.Key("url");
      w.String(u);
      w.EndObject();
    }
    w.EndArray();
  };
  w.BeginObject();
  write_list("activeAlertmanagers",
             alertmanagers ? alertmanagers->Active() : std::vector<std::string>{});
  write_list("droppedAlertmanagers",
             alertmanagers ? alertmanagers->Dropped() : std::vector<std::string>{});
  w.EndObject();
  return ApiSuccess(w.Take());
}

}  // namespace pharos::server
