// Rule groups over in-memory storage: recording chains, the alert state
// machine, keep_firing_for, limits, staleness, restore after restart.
#include "rules/rule_group.h"

#include <gtest/gtest.h>

#include <cmath>

#include "promql/engine.h"
#include "rules/alert_expand.h"
#include "rules/alerting_rule.h"
#include "rules/engine_query.h"
#include "rules/memory_storage.h"

namespace pharos::rules {
namespace {

constexpr int64_t kMin = 60'000;

class RuleGroupTest : public ::testing::Test {
 protected:
  std::unique_ptr<RuleGroup> Group(const std::string& yaml, bool should_restore = false) {
    RuleFileParse p = ParseRuleFileContent("t.yml", yaml, nullptr);
    EXPECT_TRUE(p.errors.empty()) << (p.errors.empty() ? "" : p.errors[0]);
    auto opts = std::make_shared<GroupOptions>();
    opts->query = EngineQueryFunc(engine_, storage_);
    opts->notify = [this](const std::string&, std::vector<OutgoingAlert> a) {
      for (auto& x : a) sent_.push_back(std::move(x));
    };
    opts->appendable = &storage_;
    opts->queryable = &storage_;
    opts->external_url = "http://pharos:9090";
    opts->expand = TemplateExpandFunc(opts->query);
    opts->for_grace_period_ms = 2 * kMin;
    return std::make_unique<RuleGroup>("t.yml", p.file.groups.at(0), kMin, should_restore, opts);
  }

  // The value of `series` at exactly t, or NaN when absent.
  double At(const std::string& series, int64_t t) {
    for (const auto& [l, samples] : storage_.Snapshot()) {
      if (l.ToString() != series) continue;
      for (const tsdb::Sample& s : samples) {
        if (s.t == t) return s.v;
      }
    }
    return std::nan("");
  }

  promql::Engine engine_;
  MemoryStorage storage_;
  std::vector<OutgoingAlert> sent_;
};

TEST_F(RuleGroupTest, LaterRulesSeeEarlierResultsOfTheSameRound) {
  storage_.Add({{"__name__", "x"}, {"job", "a"}}, 0, 3);
  auto g = Group(R"(groups:
- name: g
  rules:
  - record: job:x:double
    expr: x * 2
    labels: {source: rule}
  - record: job:x:quad
    expr: job:x:double * 2
)");
  g->Eval(0);
  EXPECT_EQ(At(R"(job:x:double{job="a", source="rule"})", 0), 6);
  EXPECT_EQ(At(R"(job:x:quad{job="a", source="rule"})", 0), 12);
  EXPECT_EQ(g->rules()[0]->eval_status().health, RuleHealth::kGood);
}

TEST_F(RuleGroupTest, SeriesNoLongerProducedGoStale) {
  storage_.Add({{"__name__", "x"}, {"job", "a"}}, 0, 1);
  auto g = Group("groups:\n- name: g\n  rules:\n  - record: y\n    expr: x > 0\n");
  g->Eval(0);
  storage_.Add({{"__name__", "x"}, {"job", "a"}}, kMin, -1);
  g->Eval(kMin);
  EXPECT_TRUE(tsdb::IsStaleNaN(At(R"(y{job="a"})", kMin)));
}

TEST_F(RuleGroupTest, PendingFiringResolved) {
  tsdb::Labels up{{"__name__", "up"}, {"job", "api"}};
  auto g = Group(R"(groups:
- name: g
  rules:
  - alert: Down
    expr: up == 0
    for: 2m
    labels: {severity: page}
    annotations: {summary: "{{ $labels.job }} down, value {{ $value }}, {{ query \"count(up)\" | first | value }} targets"}
)");
  auto& rule = static_cast<AlertingRule&>(*g->rules()[0]);
  for (int i = 0; i <= 3; ++i) storage_.Add(up, i * kMin, 0);
  g->Eval(0);
  ASSERT_EQ(rule.ActiveAlerts().size(), 1u);
  EXPECT_EQ(rule.State(), AlertState::kPending);
  EXPECT_EQ(rule.ActiveAlerts()[0].annotations.Get("summary"), "api down, value 0, 1 targets");
  EXPECT_EQ(At(R"(ALERTS{alertname="Down", alertstate="pending", job="api", severity="page"})", 0), 1);
  EXPECT_EQ(At(R"(ALERTS_FOR_STATE{alertname="Down", job="api", severity="page"})", 0), 0);
  EXPECT_TRUE(sent_.empty());  // pending alerts are not sent
  g->Eval(kMin);
  EXPECT_EQ(rule.State(), AlertState::kPending);
  g->Eval(2 * kMin);
  EXPECT_EQ(rule.State(), AlertState::kFiring);
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].starts_at_ms, 2 * kMin);
  EXPECT_EQ(sent_[0].ends_at_ms, 2 * kMin + 4 * kMin);
  EXPECT_EQ(sent_[0].generator_url, "http://pharos:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1");
  EXPECT_TRUE(tsdb::IsStaleNaN(
      At(R"(ALERTS{alertname="Down", alertstate="pending", job="api", severity="page"})", 2 * kMin)));
  g->Eval(3 * kMin);  // within the resend delay: not sent again
  EXPECT_EQ(sent_.size(), 1u);
  storage_.Add(up, 4 * kMin, 1);
  g->Eval(4 * kMin);
  EXPECT_EQ(rule.State(), AlertState::kInactive);
  EXPECT_TRUE(rule.ActiveAlerts().empty());
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[1].ends_at_ms, 4 * kMin);  // resolved
}

TEST_F(RuleGroupTest, KeepFiringFor) {
  tsdb::Labels up{{"__name__", "up"}, {"job", "api"}};
  auto g = Group(R"(groups:
- name: g
  rules:
  - alert: Down
    expr: up == 0
    keep_firing_for: 2m
)");
  auto& rule = static_cast<AlertingRule&>(*g->rules()[0]);
  storage_.Add(up, 0, 0);
  g->Eval(0);
  EXPECT_EQ(rule.State(), AlertState::kFiring);  // no `for`: fires at once
  storage_.Add(up, kMin, 1);
  g->Eval(kMin);
  EXPECT_EQ(rule.State(), AlertState::kFiring);
  storage_.Add(up, 2 * kMin, 1);
  g->Eval(2 * kMin);
  EXPECT_EQ(rule.State(), AlertState::kFiring);
  storage_.Add(up, 3 * kMin, 1);
  g->Eval(3 * kMin);
  EXPECT_EQ(rule.State(), AlertState::kInactive);
}

TEST_F(RuleGroupTest, FlappingAlertStartsPendingAgain) {
  tsdb::Labels up{{"__name__", "up"}, {"job", "api"}};
  auto g = Group("groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n    for: 1m\n");
  auto& rule = static_cast<AlertingRule&>(*g->rules()[0]);
  double values[] = {0, 0, 1, 0};
  for (int i = 0; i < 4; ++i) {
    storage_.Add(up, i * kMin, values[i]);
    g->Eval(i * kMin);
  }
  ASSERT_EQ(rule.ActiveAlerts().size(), 1u);
  EXPECT_EQ(rule.ActiveAlerts()[0].state, AlertState::kPending);
  EXPECT_EQ(rule.ActiveAlerts()[0].active_at_ms, 3 * kMin);
}

TEST_F(RuleGroupTest, LimitFailsTheRule) {
  for (int i = 0; i < 3; ++i) {
    storage_.Add({{"__name__", "up"}, {"i", std::to_string(i)}}, 0, 0);
  }
  auto g = Group(R"(groups:
- name: g
  limit: 2
  rules:
  - alert: Down
    expr: up == 0
  - record: r
    expr: up
)");
  g->Eval(0);
  for (const auto& r : g->rules()) {
    EXPECT_EQ(r->eval_status().health, RuleHealth::kBad);
  }
  EXPECT_EQ(g->rules()[0]->eval_status().last_error, "exceeded limit of 2 with 3 alerts");
  EXPECT_EQ(g->rules()[1]->eval_status().last_error, "exceeded limit of 2 with 3 series");
  EXPECT_TRUE(static_cast<AlertingRule&>(*g->rules()[0]).ActiveAlerts().empty());
  EXPECT_EQ(g->metrics()->evaluation_failures_total.load(), 2);
}

TEST_F(RuleGroupTest, EvalTimestampIsAlignedWithAStableOffset) {
  auto g = Group("groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n");
  int64_t a = g->EvalTimestamp(1'700'000'000'000);
  EXPECT_LE(a, 1'700'000'000'000);
  EXPECT_GT(a, 1'700'000'000'000 - kMin);
  EXPECT_EQ(g->EvalTimestamp(a + kMin), a + kMin);
  EXPECT_EQ(g->EvalTimestamp(a + kMin - 1), a);
}

TEST_F(RuleGroupTest, RestoreKeepsActiveAtOfAFiringAlert) {
  tsdb::Labels up{{"__name__", "up"}, {"job", "api"}};
  const std::string yaml =
      "groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n    for: 5m\n";
  const int64_t t0 = 1'000 * kMin;
  for (int i = 0; i <= 20; ++i) storage_.Add(up, t0 + i * kMin, 0);
  {
    auto before = Group(yaml);
    for (int i = 0; i <= 10; ++i) before->Eval(t0 + i * kMin);
    EXPECT_EQ(static_cast<AlertingRule&>(*before->rules()[0]).State(), AlertState::kFiring);
  }
  // Restart: a new group that must restore.
  auto after = Group(yaml, /*should_restore=*/true);
  auto& rule = static_cast<AlertingRule&>(*after->rules()[0]);
  EXPECT_FALSE(rule.restored());
  after->Eval(t0 + 12 * kMin);
  after->Eval(t0 + 13 * kMin);
  EXPECT_EQ(rule.State(), AlertState::kPending);  // not restored yet
  after->RestoreForState(t0 + 13 * kMin);
  EXPECT_TRUE(rule.restored());
  ASSERT_EQ(rule.ActiveAlerts().size(), 1u);
  EXPECT_EQ(rule.ActiveAlerts()[0].active_at_ms, t0);
  after->Eval(t0 + 14 * kMin);
  EXPECT_EQ(rule.State(), AlertState::kFiring);
}

TEST_F(RuleGroupTest, RestoreOfAPendingAlertDiscountsTheDowntime) {
  tsdb::Labels up{{"__name__", "up"}, {"job", "api"}};
  const std::string yaml =
      "groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n    for: 10m\n";
  const int64_t t0 = 1'000 * kMin;
  for (int i = 0; i <= 30; ++i) storage_.Add(up, t0 + i * kMin, 0);
  {
    auto before = Group(yaml);
    for (int i = 0; i <= 2; ++i) before->Eval(t0 + i * kMin);  // pending 2m of 10m
  }
  auto after = Group(yaml, true);
  auto& rule = static_cast<AlertingRule&>(*after->rules()[0]);
  after->Eval(t0 + 5 * kMin);
  after->RestoreForState(t0 + 5 * kMin);
  // Down from t0+2m to t0+5m: activeAt moves 3m later.
  EXPECT_EQ(rule.ActiveAlerts()[0].active_at_ms, t0 + 3 * kMin);
}

}  // namespace
}  // namespace pharos::rules
