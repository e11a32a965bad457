#include "server/alerting/rules_service.h"

#include <chrono>
#include <utility>

#include "rules/engine_query.h"
#include "server/alerting/rule_group_info.h"
#include "server/config/relabel.h"

namespace pharos::server {
namespace {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The rule manager's warnings through the server's logger (at most the
// first six key/value pairs; the manager sends five).
rules::LogFunc RuleLog(const Logger* log) {
  if (log == nullptr) return {};
  return [log](std::string_view msg, const std::vector<std::pair<std::string, std::string>>& kv) {
    auto f = [&kv](size_t i) {
      return i < kv.size() ? LogField(kv[i].first, kv[i].second) : LogField("", "");
    };
    switch (kv.size()) {
      case 0:
        log->Warn(msg);
        break;
      case 1:
        log->Warn(msg, {f(0)});
        break;
      case 2:
        log->Warn(msg, {f(0), f(1)});
        break;
      case 3:
        log->Warn(msg, {f(0), f(1), f(2)});
        break;
      case 4:
        log->Warn(msg, {f(0), f(1), f(2), f(3)});
        break;
      case 5:
        log->Warn(msg, {f(0), f(1), f(2), f(3), f(4)});
        break;
      default:
        log->Warn(msg, {f(0), f(1), f(2), f(3), f(4), f(5)});
        break;
    }
  };
}

rules::RuleManagerOptions ManagerOptions(const RulesServiceOptions& o,
                                         rules::NotifyFunc notify) {
  rules::RuleManagerOptions m(rules::EngineQueryFunc(*o.engine, *o.queryable), std::move(notify),
                              *o.appendable, *o.queryable);
  m.external_url = o.external_url;
  m.log = RuleLog(o.log);
  m.resend_delay_ms = o.resend_delay_ms;
  m.outage_tolerance_ms = o.outage_tolerance_ms;
  m.for_grace_period_ms = o.for_grace_period_ms;
  return m;
}

rules::notifier::NotifierOptions NotifierOptionsFor(const RulesServiceOptions& o) {
  rules::notifier::NotifierOptions n;
  n.queue_capacity = o.notification_queue_capacity;
  n.user_agent = o.user_agent;
  if (o.log != nullptr) {
    const Logger* log = o.log;
    n.on_error = [log](const std::string& url, size_t alerts, const Status& error) {
      log->Error("Error sending alert",
                 {{"alertmanager", url}, {"count", std::to_string(alerts)}, {"err", error.message()}});
    };
  }
  return n;
}

}  // namespace

RulesService::RulesService(RulesServiceOptions options)
    : opts_(std::move(options)),
      notifier_(NotifierOptionsFor(opts_)),
      manager_(ManagerOptions(opts_, [this](const std::string& expr,
                                            std::vector<rules::OutgoingAlert> alerts) {
        Notify(expr, std::move(alerts));
      })) {
  file_sd_thread_ = std::thread([this] { FileSdLoop(); });
}

RulesService::~RulesService() { Stop(); }

Status RulesService::ApplyConfig(const Config& config) {
  // Rules first: they are the part that can fail, and a failure must leave
  // the notifier as it was too.
  ASSIGN_OR_RETURN(std::vector<std::string> files, rules::ExpandRuleFiles(config.rule_files));
  RETURN_IF_ERROR(manager_.Update(config.global.evaluation_interval_ms, files,
                                  config.global.external_labels));

  notifier_.SetExternalLabels(config.global.external_labels);
  if (config.alerting.alert_relabel_configs.empty()) {
    notifier_.SetRelabel(nullptr);
  } else {
    auto relabel = std::make_shared<const std::vector<RelabelConfig>>(
        config.alerting.alert_relabel_configs);
    notifier_.SetRelabel([relabel](const tsdb::Labels& in) -> std::optional<tsdb::Labels> {
      bool keep = true;
      tsdb::Labels out = Relabel(*relabel, in, &keep);
      if (!keep) return std::nullopt;
      return out;
    });
  }
  std::lock_guard lock(mu_);
  discovery_.ApplyConfig(config);
  std::vector<std::string> errors;
  discovery_.Refresh(NowMillis(), /*force=*/true, &errors);
  if (opts_.log != nullptr) {
    for (const std::string& e : errors) {
      opts_.log->Error("Alertmanager file_sd read failed", {{"err", e}});
    }
  }
  PublishAlertmanagers();
  return Status::Ok();
}

void RulesService::PublishAlertmanagers() {
  AlertmanagerSet set = discovery_.Resolve();
  if (opts_.log != nullptr) {
    for (const std::string& e : set.errors) {
      opts_.log->Error("Skipping Alertmanager", {{"err", e}});
    }
  }
  active_urls_ = set.active_urls;
  dropped_urls_ = set.dropped_urls;
  notifier_.SetAlertmanagers(std::move(set.configs));
}

void RulesService::Run() { manager_.Run(); }

void RulesService::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
  }
  cv_.notify_all();
  if (file_sd_thread_.joinable()) file_sd_thread_.join();
  manager_.Stop();
  notifier_.Stop();
}

void RulesService::FileSdLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(opts_.file_sd_poll_ms), [this] { return stopping_; });
    if (stopping_) break;
    std::vector<std::string> errors;
    if (discovery_.Refresh(NowMillis(), /*force=*/false, &errors)) PublishAlertmanagers();
    if (opts_.log != nullptr) {
      for (const std::string& e : errors) {
        opts_.log->Error("Alertmanager file_sd read failed", {{"err", e}});
      }
    }
  }
}

void RulesService::Notify(const std::string&, std::vector<rules::OutgoingAlert> alerts) {
  std::vector<rules::notifier::Alert> out;
  out.reserve(alerts.size());
  for (rules::OutgoingAlert& a : alerts) {
    rules::notifier::Alert n;
    n.labels = std::move(a.labels);
    n.annotations = std::move(a.annotations);
    n.starts_at_ms = a.starts_at_ms;
    n.ends_at_ms = a.ends_at_ms;
    n.generator_url = std::move(a.generator_url);
    out.push_back(std::move(n));
  }
  notifier_.Send(std::move(out));
}

std::vector<RuleGroupInfo> RulesService::RuleGroups() {
  return ToRuleGroupInfos(manager_.RuleGroups());
}

std::vector<std::string> RulesService::Active() { return ActiveUrls(); }

std::vector<std::string> RulesService::ActiveUrls() const {
  std::lock_guard lock(mu_);
  return active_urls_;
}

std::vector<std::string> RulesService::Dropped() {
  std::lock_guard lock(mu_);
  return dropped_urls_;
}

std::vector<rules::GroupMetricsSnapshot> RulesService::RuleMetrics() const {
  return manager_.Metrics();
}

rules::notifier::NotifierStats RulesService::NotifierStats() const { return notifier_.Stats(); }

}  // namespace pharos::server
