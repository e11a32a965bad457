#include "server/alerting/alerting_collector.h"

#include <functional>
#include <map>
#include <string>

namespace pharos::server {
namespace {

using metrics::FamilySnapshot;
using metrics::MetricType;

void RuleFamily(const std::vector<rules::GroupMetricsSnapshot>& groups, const std::string& name,
                const std::string& help, MetricType type,
                const std::function<double(const rules::GroupMetricsSnapshot&)>& value,
                std::vector<FamilySnapshot>* out) {
  FamilySnapshot f{name, help, type, {}};
  for (const rules::GroupMetricsSnapshot& g : groups) {
    f.samples.push_back({"", {{"rule_group", g.rule_group}}, value(g)});
  }
  out->push_back(std::move(f));
}

void ByUrl(const std::map<std::string, uint64_t>& values, const std::vector<std::string>& urls,
           FamilySnapshot* f) {
  std::map<std::string, uint64_t> all = values;
  // Configured Alertmanagers show up at 0 before their first request.
  for (const std::string& u : urls) all.emplace(u, 0);
  for (const auto& [url, n] : all) {
    f->samples.push_back({"", {{"alertmanager", url}}, static_cast<double>(n)});
  }
}

}  // namespace

void CollectAlertingMetrics(const RulesService& service, std::vector<FamilySnapshot>* out) {
  std::vector<rules::GroupMetricsSnapshot> groups = service.RuleMetrics();
  using G = rules::GroupMetricsSnapshot;
  RuleFamily(groups, "pharos_rule_group_last_duration_seconds",
             "The duration of the last rule group evaluation.", MetricType::kGauge,
             [](const G& g) { return g.last_duration_seconds; }, out);
  RuleFamily(groups, "pharos_rule_group_last_evaluation_timestamp_seconds",
             "The timestamp of the last rule group evaluation in seconds.", MetricType::kGauge,
             [](const G& g) { return g.last_evaluation_timestamp_seconds; }, out);
  RuleFamily(groups, "pharos_rule_group_interval_seconds",
             "The interval of a rule group.", MetricType::kGauge,
             [](const G& g) { return g.interval_seconds; }, out);
  RuleFamily(groups, "pharos_rule_group_iterations_total",
             "The total number of scheduled rule group evaluations, whether executed or missed.",
             MetricType::kCounter,
             [](const G& g) { return static_cast<double>(g.iterations_total); }, out);
  RuleFamily(groups, "pharos_rule_group_iterations_missed_total",
             "The total number of rule group evaluations missed due to slow rule group "
             "evaluation.",
             MetricType::kCounter,
             [](const G& g) { return static_cast<double>(g.iterations_missed_total); }, out);
  RuleFamily(groups, "pharos_rule_group_rules", "The number of rules.", MetricType::kGauge,
             [](const G& g) { return static_cast<double>(g.rules); }, out);
  RuleFamily(groups, "pharos_rule_group_last_evaluation_samples",
             "The number of samples returned during the last rule group evaluation.",
             MetricType::kGauge,
             [](const G& g) { return static_cast<double>(g.last_evaluation_samples); }, out);
  RuleFamily(groups, "pharos_rule_evaluations_total", "The total number of rule evaluations.",
             MetricType::kCounter,
             [](const G& g) { return static_cast<double>(g.evaluations_total); }, out);
  RuleFamily(groups, "pharos_rule_evaluation_failures_total",
             "The total number of rule evaluation failures.", MetricType::kCounter,
             [](const G& g) { return static_cast<double>(g.evaluation_failures_total); }, out);

  rules::notifier::NotifierStats s = service.NotifierStats();
  std::vector<std::string> urls = service.ActiveUrls();
  FamilySnapshot sent{"pharos_notifications_sent_total",
                      "Total number of alerts sent.", MetricType::kCounter, {}};
  ByUrl(s.sent_by_url, urls, &sent);
  out->push_back(std::move(sent));
  FamilySnapshot errors{"pharos_notifications_errors_total",
                        "Total number of errors sending alert notifications.",
                        MetricType::kCounter, {}};
  ByUrl(s.errors_by_url, urls, &errors);
  out->push_back(std::move(errors));
  out->push_back({"pharos_notifications_dropped_total",
                  "Total number of alerts dropped due to errors when sending to Alertmanager.",
                  MetricType::kCounter, {{"", {}, static_cast<double>(s.dropped)}}});
  out->push_back({"pharos_notifications_queue_length",
                  "The number of alert notifications in the queue.", MetricType::kGauge,
                  {{"", {}, static_cast<double>(s.queue_length)}}});
  out->push_back({"pharos_notifications_queue_capacity",
                  "The capacity of the alert notifications queue.", MetricType::kGauge,
                  {{"", {}, static_cast<double>(s.queue_capacity)}}});
  out->push_back({"pharos_notifications_alertmanagers_discovered",
                  "The number of alertmanagers discovered and active.", MetricType::kGauge,
                  {{"", {}, static_cast<double>(s.alertmanagers)}}});
}

}  // namespace pharos::server
