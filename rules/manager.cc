#include "rules/manager.h"

#include <glob.h>

#include <algorithm>

#include "rules/alert_expand.h"
#include "rules/alerting_rule.h"
#include "rules/rule_file.h"
#include "rules/rule_group.h"

namespace pharos::rules {

RuleManager::RuleManager(RuleManagerOptions options) : opts_(std::move(options)) {
  if (!opts_.expand) opts_.expand = TemplateExpandFunc(opts_.query);
  if (!opts_.check_template) opts_.check_template = TemplateParseCheck();
}

RuleManager::~RuleManager() { Stop(); }

Status RuleManager::Update(int64_t interval_ms, const std::vector<std::string>& files,
                           const tsdb::Labels& external_labels) {
  std::vector<RuleFile> parsed;
  std::string errors;
  for (const std::string& f : files) {
    RuleFileParse p = ParseRuleFile(f, opts_.check_template);
    for (const std::string& e : p.errors) errors += (errors.empty() ? "" : "\n") + e;
    parsed.push_back(std::move(p.file));
  }
  if (!errors.empty()) return InvalidArgumentError(errors);

  auto gopts = std::make_shared<GroupOptions>();
  gopts->query = opts_.query;
  gopts->notify = opts_.notify;
  gopts->appendable = &opts_.appendable;
  gopts->queryable = &opts_.queryable;
  gopts->expand = opts_.expand;
  gopts->log = opts_.log;
  gopts->external_labels = external_labels;
  gopts->external_url = opts_.external_url;
  gopts->resend_delay_ms = opts_.resend_delay_ms;
  gopts->outage_tolerance_ms = opts_.outage_tolerance_ms;
  gopts->for_grace_period_ms = opts_.for_grace_period_ms;

  std::lock_guard lock(mu_);
  std::map<std::string, std::unique_ptr<RuleGroup>> next;
  for (const RuleFile& file : parsed) {
    for (const GroupSpec& spec : file.groups) {
      std::string key = file.path + ";" + spec.name;
      std::shared_ptr<GroupMetrics>& metrics = metrics_[key];
      if (!metrics) metrics = std::make_shared<GroupMetrics>();
      int64_t interval = spec.interval_ms > 0 ? spec.interval_ms : interval_ms;
      auto g = std::make_unique<RuleGroup>(file.path, spec, interval, !restored_, gopts, metrics);
      auto old = groups_.find(key);
      if (old != groups_.end()) {
        if (old->second->Equals(*g)) {
          next[key] = std::move(old->second);
          groups_.erase(old);
          continue;
        }
        old->second->Stop(false);
        g->CopyState(*old->second);
        groups_.erase(old);
      }
      if (running_) g->Start();
      next[key] = std::move(g);
    }
  }
  // Groups that are gone: their series go stale.
  for (auto& [key, g] : groups_) {
    g->Stop(true);
    metrics_.erase(key);
  }
  groups_ = std::move(next);
  restored_ = true;
  return Status();
}

void RuleManager::Run() {
  std::lock_guard lock(mu_);
  if (running_) return;
  running_ = true;
  for (auto& [key, g] : groups_) g->Start();
}

void RuleManager::Stop() {
  std::lock_guard lock(mu_);
  running_ = false;
  for (auto& [key, g] : groups_) g->Stop(false);
}

namespace {

RuleSnapshot SnapshotRule(const Rule& r) {
  RuleSnapshot s;
  s.alerting = r.alerting();
  s.name = r.Name();
  s.query = r.query();
  s.labels = r.labels();
  Rule::EvalStatus st = r.eval_status();
  s.health = std::string(RuleHealthName(st.health));
  s.last_error = st.last_error;
  s.evaluation_seconds = st.evaluation_seconds;
  s.last_evaluation_ms = st.last_evaluation_ms;
  if (!r.alerting()) return s;
  const auto& ar = static_cast<const AlertingRule&>(r);
  s.for_ms = ar.hold_ms();
  s.keep_firing_for_ms = ar.keep_firing_for_ms();
  std::vector<tsdb::Label> ann;
  for (const auto& [k, v] : r.spec().annotations) ann.push_back({k, v});
  s.annotations = tsdb::Labels(std::move(ann));
  s.state = std::string(AlertStateName(ar.State()));
  for (const Alert& a : ar.ActiveAlerts()) {
    s.alerts.push_back({a.labels, a.annotations, std::string(AlertStateName(a.state)),
                        a.active_at_ms, a.keep_firing_since_ms, a.value});
  }
  return s;
}

}  // namespace

std::vector<GroupSnapshot> RuleManager::RuleGroups() const {
  std::vector<GroupSnapshot> out;
  std::lock_guard lock(mu_);
  for (const auto& [key, g] : groups_) {
    GroupSnapshot gs;
    gs.name = g->name();
    gs.file = g->file();
    gs.interval_ms = g->interval_ms();
    gs.limit = g->limit();
    gs.evaluation_seconds = g->evaluation_seconds();
    gs.last_evaluation_ms = g->last_evaluation_ms();
    for (const auto& r : g->rules()) gs.rules.push_back(SnapshotRule(*r));
    out.push_back(std::move(gs));
  }
  std::sort(out.begin(), out.end(), [](const GroupSnapshot& a, const GroupSnapshot& b) {
    return a.file != b.file ? a.file < b.file : a.name < b.name;
  });
  return out;
}

std::vector<GroupMetricsSnapshot> RuleManager::Metrics() const {
  std::vector<GroupMetricsSnapshot> out;
  std::lock_guard lock(mu_);
  for (const auto& [key, m] : metrics_) {
    GroupMetricsSnapshot s;
    s.rule_group = key;
    s.iterations_total = m->iterations_total.load();
    s.iterations_missed_total = m->iterations_missed_total.load();
    s.evaluations_total = m->evaluations_total.load();
    s.evaluation_failures_total = m->evaluation_failures_total.load();
    s.last_duration_seconds = m->last_duration_seconds.load();
    s.last_evaluation_timestamp_seconds = m->last_evaluation_timestamp_seconds.load();
    s.interval_seconds = m->interval_seconds.load();
    s.rules = m->rules.load();
    s.last_evaluation_samples = m->last_evaluation_samples.load();
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<std::string>> ExpandRuleFiles(const std::vector<std::string>& patterns) {
  std::vector<std::string> out;
  for (const std::string& p : patterns) {
    glob_t g{};
    int rc = glob(p.c_str(), 0, nullptr, &g);
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    if (rc != 0 && rc != GLOB_NOMATCH) {
      return InvalidArgumentError("error retrieving rule files for " + p + ": syntax error in pattern");
    }
  }
  return out;
}

}  // namespace pharos::rules
