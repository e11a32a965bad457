#include "rules/manager.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "promql/engine.h"
#include "rules/engine_query.h"
#include "rules/memory_storage.h"

namespace pharos::rules {
namespace {

class ManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pharos_rules_manager_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  RuleManagerOptions Options() {
    return RuleManagerOptions{EngineQueryFunc(engine_, storage_), nullptr, storage_, storage_};
  }

  std::filesystem::path dir_;
  promql::Engine engine_;
  MemoryStorage storage_;
};

TEST_F(ManagerTest, LoadsReportsAndFilters) {
  std::string f = Write("a.yml", R"(groups:
- name: b
  interval: 10s
  rules:
  - alert: Down
    expr: up == 0
    for: 1m
    keep_firing_for: 2m
    labels: {severity: page}
    annotations: {summary: s}
- name: a
  rules:
  - record: r
    expr: sum(up)
)");
  RuleManager m(Options());
  ASSERT_TRUE(m.Update(30'000, {f}, tsdb::Labels()).ok());
  std::vector<GroupSnapshot> g = m.RuleGroups();
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].name, "a");
  EXPECT_EQ(g[0].interval_ms, 30'000);
  EXPECT_EQ(g[1].interval_ms, 10'000);
  const RuleSnapshot& r = g[1].rules[0];
  EXPECT_TRUE(r.alerting);
  EXPECT_EQ(r.query, "up == 0");
  EXPECT_EQ(r.for_ms, 60'000);
  EXPECT_EQ(r.keep_firing_for_ms, 120'000);
  EXPECT_EQ(r.state, "inactive");
  EXPECT_EQ(r.health, "unknown");
  EXPECT_EQ(r.annotations.Get("summary"), "s");

  RuleFilter only_alerts;
  only_alerts.type = "alert";
  auto filtered = FilterGroups(g, only_alerts);
  ASSERT_EQ(filtered.size(), 2u);
  EXPECT_TRUE(filtered[0].rules.empty());
  RuleFilter by_name;
  by_name.rule_names = {"r"};
  filtered = FilterGroups(g, by_name);
  ASSERT_EQ(filtered.size(), 1u);
  EXPECT_EQ(filtered[0].name, "a");
}

TEST_F(ManagerTest, BadFileKeepsTheOldGroups) {
  std::string good = Write("good.yml", "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n");
  std::string bad = Write("bad.yml", "groups:\n- name: g\n  rules:\n  - record: r\n    expr: up ==\n");
  RuleManager m(Options());
  ASSERT_TRUE(m.Update(60'000, {good}, tsdb::Labels()).ok());
  Status s = m.Update(60'000, {bad}, tsdb::Labels());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("could not parse expression"), std::string::npos);
  ASSERT_EQ(m.RuleGroups().size(), 1u);
  EXPECT_EQ(m.RuleGroups()[0].file, good);
}

TEST_F(ManagerTest, RunEvaluatesOnSchedule) {
  std::string f = Write("s.yml", "groups:\n- name: g\n  interval: 1s\n  rules:\n  - record: one\n    expr: vector(1)\n");
  RuleManager m(Options());
  ASSERT_TRUE(m.Update(60'000, {f}, tsdb::Labels()).ok());
  m.Run();
  for (int i = 0; i < 60 && m.RuleGroups()[0].last_evaluation_ms == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  m.Stop();
  std::vector<GroupSnapshot> g = m.RuleGroups();
  EXPECT_NE(g[0].last_evaluation_ms, 0);
  EXPECT_EQ(g[0].rules[0].health, "ok");
  EXPECT_GE(m.Metrics().at(0).iterations_total, 1);
  EXPECT_FALSE(storage_.Snapshot().empty());
}

TEST(ExpandRuleFiles, GlobsInPatternOrder) {
  auto r = ExpandRuleFiles({"/nonexistent/*.yml"});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

}  // namespace
}  // namespace pharos::rules
