#include "rules/rule_group.h"

#include <chrono>
#include <cmath>

#include "rules/alerting_rule.h"
#include "rules/recording_rule.h"
#include "tsdb/sample.h"

namespace pharos::rules {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

RuleGroup::RuleGroup(std::string file, const GroupSpec& spec, int64_t interval_ms,
                     bool should_restore, std::shared_ptr<const GroupOptions> options,
                     std::shared_ptr<GroupMetrics> metrics)
    : file_(std::move(file)),
      name_(spec.name),
      interval_ms_(interval_ms > 0 ? interval_ms : 60'000),
      limit_(spec.limit),
      opts_(std::move(options)),
      metrics_(metrics ? std::move(metrics) : std::make_shared<GroupMetrics>()),
      should_restore_(should_restore) {
  for (const RuleSpec& r : spec.rules) {
    if (r.alert.empty()) {
      rules_.push_back(std::make_unique<RecordingRule>(r));
    } else {
      rules_.push_back(std::make_unique<AlertingRule>(r, !should_restore));
    }
  }
  series_in_previous_eval_.resize(rules_.size());
  metrics_->interval_seconds.store(static_cast<double>(interval_ms_) / 1000);
  metrics_->rules.store(static_cast<int64_t>(rules_.size()));
}

RuleGroup::~RuleGroup() { Stop(false); }

int64_t RuleGroup::EvalTimestamp(int64_t now_ms) const {
  tsdb::Labels key{{"file", file_}, {"name", name_}};
  const int64_t offset = static_cast<int64_t>(key.Hash() % static_cast<uint64_t>(interval_ms_));
  const int64_t adj = now_ms - offset;
  int64_t base = adj - (adj % interval_ms_);
  if (adj % interval_ms_ < 0) base -= interval_ms_;
  return base + offset;
}

void RuleGroup::Warn(std::string_view msg,
                     std::vector<std::pair<std::string, std::string>> kv) const {
  if (!opts_->log) return;
  kv.insert(kv.begin(), {"file", file_});
  kv.insert(kv.begin() + 1, {"group", name_});
  opts_->log(msg, kv);
}

void RuleGroup::Eval(int64_t ts_ms) {
  int64_t samples = 0;
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (abort_.load()) return;
    auto start = std::chrono::steady_clock::now();
    EvalRule(i, ts_ms);
    samples += static_cast<int64_t>(series_in_previous_eval_[i].size());
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    rules_[i]->SetEvaluation(took.count(), NowMs());
  }
  metrics_->last_evaluation_samples.store(samples);
  if (!stale_series_.empty()) {
    AppendStale(stale_series_, ts_ms);
    stale_series_.clear();
  }
}

void RuleGroup::EvalRule(size_t i, int64_t ts_ms) {
  Rule& rule = *rules_[i];
  metrics_->evaluations_total.fetch_add(1);
  EvalContext ctx{opts_->query,           ts_ms, limit_, opts_->expand, opts_->external_labels,
                  opts_->external_url};
  Result<promql::Vector> vec = rule.Eval(ctx);
  if (!vec.ok()) {
    rule.SetResult(RuleHealth::kBad, vec.status().message());
    metrics_->evaluation_failures_total.fetch_add(1);
    if (vec.status().code() != StatusCode::kCancelled) {
      Warn("Evaluating rule failed", {{"name", rule.Name()}, {"index", std::to_string(i)},
                                      {"err", vec.status().message()}});
    }
    return;
  }
  rule.SetResult(RuleHealth::kGood, "");

  if (rule.alerting() && opts_->notify) {
    auto& ar = static_cast<AlertingRule&>(rule);
    std::vector<OutgoingAlert> send =
        ar.AlertsToSend(ts_ms, opts_->resend_delay_ms, interval_ms_, opts_->external_url);
    if (!send.empty()) opts_->notify(rule.query(), std::move(send));
  }

  std::unordered_map<uint64_t, tsdb::Labels> returned;
  std::unique_ptr<tsdb::Appender> app = opts_->appendable->NewAppender();
  for (const promql::VectorSample& s : *vec) {
    Result<tsdb::SeriesRef> r = app->Append(0, s.labels, s.t, s.v);
    if (!r.ok()) {
      rule.SetResult(RuleHealth::kBad, r.status().message());
      if (r.status().code() != StatusCode::kOutOfRange) {
        Warn("Rule evaluation result discarded",
             {{"err", r.status().message()}, {"sample", s.labels.ToString()}});
      }
      continue;
    }
    returned.emplace(s.labels.Hash(), s.labels);
  }
  for (const auto& [h, l] : series_in_previous_eval_[i]) {
    if (returned.count(h)) continue;
    // Gone since the last round: mark stale. Out-of-order errors are
    // expected when another rule now writes the series.
    app->Append(0, l, ts_ms, tsdb::kStaleNaN).IgnoreError();
  }
  if (Status st = app->Commit(); !st.ok()) {
    rule.SetResult(RuleHealth::kBad, st.message());
    metrics_->evaluation_failures_total.fetch_add(1);
    Warn("Rule sample appending failed", {{"name", rule.Name()}, {"err", st.message()}});
    return;
  }
  series_in_previous_eval_[i] = std::move(returned);
}

void RuleGroup::AppendStale(const std::vector<tsdb::Labels>& series, int64_t ts_ms) {
  std::unique_ptr<tsdb::Appender> app = opts_->appendable->NewAppender();
  for (const tsdb::Labels& l : series) app->Append(0, l, ts_ms, tsdb::kStaleNaN).IgnoreError();
  if (Status st = app->Commit(); !st.ok()) {
    Warn("Stale sample appending failed", {{"err", st.message()}});
  }
}

bool RuleGroup::Equals(const RuleGroup& o) const {
  if (name_ != o.name_ || file_ != o.file_ || interval_ms_ != o.interval_ms_ ||
      limit_ != o.limit_ || rules_.size() != o.rules_.size()) {
    return false;
  }
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (RuleSpecString(rules_[i]->spec()) != RuleSpecString(o.rules_[i]->spec())) return false;
  }
  return true;
}

void RuleGroup::CopyState(RuleGroup& from) {
  last_evaluation_ms_.store(from.last_evaluation_ms_.load());
  evaluation_seconds_.store(from.evaluation_seconds_.load());
  auto key = [](const Rule& r) { return r.Name() + r.labels().ToString(); };
  std::unordered_map<std::string, std::vector<size_t>> from_rules;
  for (size_t i = 0; i < from.rules_.size(); ++i) {
    from_rules[key(*from.rules_[i])].push_back(i);
  }
  for (size_t i = 0; i < rules_.size(); ++i) {
    std::vector<size_t>& idx = from_rules[key(*rules_[i])];
    if (idx.empty()) continue;
    size_t fi = idx.front();
    idx.erase(idx.begin());
    series_in_previous_eval_[i] = from.series_in_previous_eval_[fi];
    if (rules_[i]->alerting() && from.rules_[fi]->alerting()) {
      static_cast<AlertingRule&>(*rules_[i])
          .CopyAlertsFrom(static_cast<AlertingRule&>(*from.rules_[fi]));
    }
  }
  // Rules that are gone: their series go stale at the next round.
  stale_series_ = from.stale_series_;
  for (auto& [k, idx] : from_rules) {
    for (size_t fi : idx) {
      for (const auto& [h, l] : from.series_in_previous_eval_[fi]) stale_series_.push_back(l);
    }
  }
}

void RuleGroup::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  abort_.store(false);
  thread_ = std::thread([this] { Run(); });
}

void RuleGroup::Stop(bool mark_stale) {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  abort_.store(true);
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (mark_stale) {
    std::vector<tsdb::Labels> series = stale_series_;
    for (const auto& m : series_in_previous_eval_) {
      for (const auto& [h, l] : m) series.push_back(l);
    }
    series_in_previous_eval_.assign(rules_.size(), {});
    stale_series_.clear();
    if (!series.empty()) AppendStale(series, NowMs());
  }
}

bool RuleGroup::SleepUntil(int64_t t_ms) {
  std::unique_lock lock(mu_);
  auto deadline = std::chrono::system_clock::time_point(std::chrono::milliseconds(t_ms));
  cv_.wait_until(lock, deadline, [&] { return stopping_; });
  return !stopping_;
}

void RuleGroup::Iterate(int64_t ts_ms) {
  metrics_->iterations_total.fetch_add(1);
  int64_t start_ms = NowMs();
  auto start = std::chrono::steady_clock::now();
  Eval(ts_ms);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  evaluation_seconds_.store(took.count());
  last_evaluation_ms_.store(start_ms);
  metrics_->last_duration_seconds.store(took.count());
  metrics_->last_evaluation_timestamp_seconds.store(static_cast<double>(start_ms) / 1000);
}

void RuleGroup::Run() {
  int64_t eval_ts = EvalTimestamp(NowMs()) + interval_ms_;
  if (!SleepUntil(eval_ts)) return;
  Iterate(eval_ts);
  bool restore = should_restore_;
  while (true) {
    // A tick every interval after the first round; rounds that could not
    // run in time are counted as missed and skipped.
    if (!SleepUntil(eval_ts + interval_ms_)) return;
    int64_t missed = (NowMs() - eval_ts) / interval_ms_ - 1;
    if (missed > 0) {
      metrics_->iterations_missed_total.fetch_add(missed);
      metrics_->iterations_total.fetch_add(missed);
    } else {
      missed = 0;
    }
    eval_ts += (missed + 1) * interval_ms_;
    Iterate(eval_ts);
    if (restore) {
      // Restoring waits for a second round so recording rules the alerts
      // depend on have written their first values.
      RestoreForState(NowMs());
      should_restore_ = false;
      restore = false;
    }
  }
}

}  // namespace pharos::rules
