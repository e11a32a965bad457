#include "rules/alerting_rule.h"

#include <algorithm>
#include <cstdio>

namespace pharos::rules {
namespace {

// Go's url.QueryEscape.
std::string QueryEscape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

std::string TableLinkForExpression(std::string_view expr) {
  return "/graph?g0.expr=" + QueryEscape(expr) + "&g0.tab=1";
}

AlertingRule::AlertingRule(RuleSpec spec, bool restored)
    : Rule(std::move(spec)), restored_(restored) {}

Result<promql::Vector> AlertingRule::Eval(const EvalContext& ctx) {
  ASSIGN_OR_RETURN(promql::Vector res, ctx.query(expr(), ctx.ts_ms));
  const int64_t ts = ctx.ts_ms;
  const std::string& tmpl_name = Name();

  std::unordered_map<uint64_t, Alert> alerts;
  for (const promql::VectorSample& s : res) {
    TemplateData data{s.labels, ctx.external_labels, ctx.external_url, s.v, ts};
    auto expand = [&](const std::string& text) { return ctx.expand(tmpl_name, text, data); };
    tsdb::Labels l = s.labels.Without({std::string(tsdb::kMetricName)});
    for (const auto& [k, v] : spec().labels) l = l.With(k, expand(v));
    l = l.With("alertname", Name());
    std::vector<tsdb::Label> ann;
    for (const auto& [k, v] : spec().annotations) ann.push_back({k, expand(v)});

    uint64_t h = l.Hash();
    if (alerts.count(h)) {
      return FailedPreconditionError(
          "vector contains metrics with the same labelset after applying alert labels");
    }
    Alert a;
    a.labels = std::move(l);
    a.annotations = tsdb::Labels(std::move(ann));
    a.active_at_ms = ts;
    a.state = AlertState::kPending;
    a.value = s.v;
    alerts.emplace(h, std::move(a));
  }

  std::lock_guard lock(active_mu_);
  for (auto& [h, a] : alerts) {
    auto it = active_.find(h);
    if (it != active_.end() && it->second.state != AlertState::kInactive) {
      it->second.value = a.value;
      it->second.annotations = a.annotations;
      continue;
    }
    active_[h] = std::move(a);
  }

  promql::Vector vec;
  int64_t num_active = 0;
  for (auto it = active_.begin(); it != active_.end();) {
    Alert& a = it->second;
    if (!alerts.count(it->first)) {
      bool keep_firing = false;
      if (a.state == AlertState::kFiring && keep_firing_for_ms() > 0) {
        if (a.keep_firing_since_ms == 0) a.keep_firing_since_ms = ts;
        keep_firing = ts - a.keep_firing_since_ms < keep_firing_for_ms();
      }
      bool forget = a.state == AlertState::kPending ||
                    (a.resolved_at_ms != 0 && ts - a.resolved_at_ms > kResolvedRetentionMs);
      if (a.state != AlertState::kInactive && !keep_firing) {
        a.state = AlertState::kInactive;
        a.resolved_at_ms = ts;
      }
      if (forget) {
        it = active_.erase(it);
        continue;
      }
      if (!keep_firing) {
        ++it;
        continue;
      }
    } else {
      a.keep_firing_since_ms = 0;
    }
    ++num_active;
    if (a.state == AlertState::kPending && ts - a.active_at_ms >= hold_ms()) {
      a.state = AlertState::kFiring;
      a.fired_at_ms = ts;
    }
    if (restored()) {
      vec.push_back({SeriesLabels(a, kAlertMetricName), ts, 1});
      vec.push_back({SeriesLabels(a, kAlertForStateMetricName), ts,
                     static_cast<double>(a.active_at_ms / 1000)});
    }
    ++it;
  }

  if (ctx.limit > 0 && num_active > ctx.limit) {
    active_.clear();
    return FailedPreconditionError("exceeded limit of " + std::to_string(ctx.limit) + " with " +
                                   std::to_string(num_active) + " alerts");
  }
  return vec;
}

tsdb::Labels AlertingRule::SeriesLabels(const Alert& a, std::string_view metric) const {
  tsdb::Labels l = labels();
  for (const tsdb::Label& al : a.labels) l = l.With(al.name, al.value);
  l = l.With(tsdb::kMetricName, metric).With("alertname", Name());
  if (metric == kAlertMetricName) l = l.With("alertstate", AlertStateName(a.state));
  return l;
}

tsdb::Labels AlertingRule::ForStateLabels(const Alert& a) const {
  return SeriesLabels(a, kAlertForStateMetricName);
}

std::vector<OutgoingAlert> AlertingRule::AlertsToSend(int64_t ts_ms, int64_t resend_delay_ms,
                                                      int64_t interval_ms,
                                                      const std::string& external_url) {
  std::vector<OutgoingAlert> out;
  std::lock_guard lock(active_mu_);
  for (auto& [h, a] : active_) {
    if (!a.NeedsSending(ts_ms, resend_delay_ms)) continue;
    a.last_sent_at_ms = ts_ms;
    a.valid_until_ms = ts_ms + 4 * std::max(resend_delay_ms, interval_ms);
    OutgoingAlert o;
    o.labels = a.labels;
    o.annotations = a.annotations;
    o.starts_at_ms = a.fired_at_ms;
    o.ends_at_ms = a.resolved_at_ms != 0 ? a.resolved_at_ms : a.valid_until_ms;
    o.generator_url = external_url + TableLinkForExpression(query());
    out.push_back(std::move(o));
  }
  return out;
}

void AlertingRule::ForEachActiveAlert(const std::function<void(Alert&)>& fn) {
  std::lock_guard lock(active_mu_);
  for (auto& [h, a] : active_) fn(a);
}

std::vector<Alert> AlertingRule::ActiveAlerts() const {
  std::vector<Alert> out;
  {
    std::lock_guard lock(active_mu_);
    for (const auto& [h, a] : active_) {
      if (a.state != AlertState::kInactive) out.push_back(a);
    }
  }
  std::sort(out.begin(), out.end(), [](const Alert& a, const Alert& b) { return a.labels < b.labels; });
  return out;
}

AlertState AlertingRule::State() const {
  std::lock_guard lock(active_mu_);
  AlertState max = AlertState::kInactive;
  for (const auto& [h, a] : active_) max = std::max(max, a.state);
  return max;
}

void AlertingRule::CopyAlertsFrom(AlertingRule& from) {
  std::unordered_map<uint64_t, Alert> copy;
  {
    std::lock_guard lock(from.active_mu_);
    copy = from.active_;
  }
  std::lock_guard lock(active_mu_);
  for (auto& [h, a] : copy) active_[h] = std::move(a);
}

}  // namespace pharos::rules
