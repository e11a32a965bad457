// The same scrape configuration in Pharos and in Prometheus 2.42, both
// scraping the same fixture targets: the stored series, their values, the
// active and dropped targets and every target's health and lastError must
// be identical. Covers honor_labels conflicts, every relabel action in
// relabel_configs and metric_relabel_configs, params, dropped targets,
// limits and malformed bodies. Skipped when /usr/bin/prometheus is absent.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "tests/e2e/fixture_target.h"
#include "tests/e2e/scrape_harness.h"

namespace pharos::e2e {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr const char* kPrometheus = "/usr/bin/prometheus";

constexpr const char* kBodyA = R"(# TYPE cmp_metric gauge
cmp_metric{job="exposed",instance="exp-inst",env="e1"} 1
cmp_metric{exported_job="pre",job="x2"} 2
cmp_plain{path="/x"} 3
cmp_upper{kind="MiXed"} 4
cmp_drop_me 7
cmp_hash{shard="a"} 8
cmp_hash{shard="b"} 9
cmp_hash{shard="c"} 10
cmp_map{meta_alpha="1",meta_beta="2"} 11
cmp_empty{e=""} 12
cmp_nan NaN
)";

// Every target relabel action; see the groups in Config() for which
// target each one keeps or drops.
constexpr const char* kTargetRelabel = R"yaml(    params: {module: [cfgmod], extra: [e1, e2]}
    relabel_configs:
      - {source_labels: [drop], regex: "yes", action: drop}
      - {source_labels: [name], regex: "t[0-9]+", action: keep}
      - {source_labels: [a], target_label: b, action: dropequal}
      - {source_labels: [c], target_label: d, action: keepequal}
      - {source_labels: [team], target_label: team_lower, action: lowercase}
      - {source_labels: [team], target_label: team_upper, action: uppercase}
      - {source_labels: [name], target_label: __tmp_hash, modulus: 8, action: hashmod}
      - {source_labels: [__tmp_hash], target_label: shard}
      - {regex: "__meta_(.+)", replacement: "meta_$1", action: labelmap}
      - {source_labels: [name], target_label: __param_module, replacement: "mod_$1"}
      - {source_labels: [name], regex: t6, target_label: __metrics_path__, replacement: /om}
      - {source_labels: [name, team], separator: "-", target_label: instance}
      - {regex: "a|b", action: labeldrop}
      - {regex: "__.*|job|instance|team.*|name|shard|meta_.*|c|d", action: labelkeep}
)yaml";

// Every metric relabel action on the samples of kBodyA.
constexpr const char* kMetricRelabel = R"yaml(    metric_relabel_configs:
      - {source_labels: [__name__], regex: cmp_drop_me, action: drop}
      - {source_labels: [__name__], regex: "cmp_.*", action: keep}
      - {source_labels: [__name__, path], regex: "cmp_plain;/(.*)", target_label: route, replacement: "r_$1"}
      - {source_labels: [kind], target_label: kind_lower, action: lowercase}
      - {source_labels: [kind], target_label: kind_upper, action: uppercase}
      - {source_labels: [shard], target_label: shard_bucket, modulus: 4, action: hashmod}
      - {regex: "meta_(.+)", replacement: "m_$1", action: labelmap}
      - {regex: "meta_alpha", action: labeldrop}
      - {regex: "__name__|job|instance|env|exported_.*|path|route|kind.*|shard.*|m_.*|meta_beta|e", action: labelkeep}
)yaml";

std::string Group(const std::string& address, const std::string& labels) {
  return "      - {targets: ['" + address + "'], labels: {" + labels + "}}\n";
}

std::string Job(const std::string& name, const std::string& address, const std::string& path,
                const std::string& extra = "") {
  return "  - job_name: " + name + "\n    metrics_path: " + path + "\n    static_configs: [{targets: ['" +
         address + "'], labels: {env: prod}}]\n" + extra;
}

std::string Config(const FixtureTarget& f, uint16_t closed_port) {
  const std::string addr = f.address();
  std::string c = "global: {scrape_interval: 500ms, scrape_timeout: 300ms}\nscrape_configs:\n";
  c += Job("honor_false", addr, "/a", kMetricRelabel);
  c += Job("honor_true", addr, "/a", "    honor_labels: true\n");
  c += "  - job_name: relabel\n    metrics_path: /a\n    static_configs:\n";
  const std::string common = "a: '1', b: '2', c: '3', d: '3', junk: j, __meta_zone: z1";
  c += Group(addr, "name: t1, team: Alpha, " + common);
  c += Group(addr, "name: t2, team: Beta, drop: 'yes', " + common);
  c += Group(addr, "name: other, team: Gamma, " + common);
  c += Group(addr, "name: t4, team: Delta, a: '1', b: '1', c: '3', d: '3'");
  c += Group(addr, "name: t5, team: Eps, a: '1', b: '2', c: '3', d: '4'");
  c += Group(addr, "name: t6, team: Zeta, " + common);
  c += kTargetRelabel;
  c += Job("equal_keep", addr, "/equal",
           "    metric_relabel_configs: [{source_labels: [src], target_label: dst, action: keepequal}]\n");
  c += Job("equal_drop", addr, "/equal",
           "    metric_relabel_configs: [{source_labels: [src], target_label: dst, action: dropequal}]\n");
  c += Job("om", addr, "/om");
  c += Job("om_noeof", addr, "/om-noeof");
  c += Job("duplicate", addr, "/dup");
  c += Job("bad_float", addr, "/bad-float");
  c += Job("truncated", addr, "/truncated");
  c += Job("bad_escape", addr, "/bad-escape");
  c += Job("bad_utf8", addr, "/bad-utf8");
  c += Job("status_500", addr, "/status-500");
  c += Job("refused", "127.0.0.1:" + std::to_string(closed_port), "/metrics");
  c += Job("timeout", addr, "/never");
  c += Job("trickle", addr, "/trickle");
  c += Job("sample_limit", addr, "/a", "    sample_limit: 2\n");
  c += Job("label_limit", addr, "/a", "    label_limit: 4\n");
  c += Job("label_name_length_limit", addr, "/a", "    label_name_length_limit: 8\n");
  c += Job("label_value_length_limit", addr, "/a", "    label_value_length_limit: 4\n");
  c += Job("body_size_limit", addr, "/a", "    body_size_limit: 100B\n");
  c += "  - job_name: target_limit\n    target_limit: 1\n    metrics_path: /a\n    static_configs:\n";
  c += Group(addr, "n: '1'") + Group(addr, "n: '2'");
  return c;
}

void SetBodies(FixtureTarget& f) {
  const std::string om = "application/openmetrics-text; version=1.0.0; charset=utf-8";
  f.Set("/a", {.body = kBodyA});
  f.Set("/om", {.content_type = om, .body = kOpenMetricsExample});
  f.Set("/om-noeof", {.content_type = om, .body = "om_partial 1\n"});
  f.Set("/equal", {.body = "cmp_equal{src=\"same\",dst=\"same\"} 5\ncmp_equal{src=\"one\",dst=\"two\"} 6\n"});
  f.Set("/dup", {.body = "dup_metric 1\ndup_metric 2\ndup_other 3\n"});
  f.Set("/bad-float", {.body = "ok_before 1\nbad_float 1.2.3\n"});
  f.Set("/truncated", {.body = "ok_before 1\ntrunc_metric{a=\"b"});
  f.Set("/bad-escape", {.body = "esc_metric{a=\"x\\\"} 1\n"});
  f.Set("/bad-utf8", {.body = "utf_metric{a=\"\xff\"} 1\n"});
  f.Set("/status-500", {.status = 500, .body = "oops\n"});
  f.Set("/never", {.never_answer = true});
  f.Set("/trickle", {.body = "trickled 1\n", .trickle_ms = 1000});
}

// Labels as text with their names sorted, whatever order the JSON had.
std::string Text(const json::value& labels) {
  return json::serialize(json::value_from(ToLabelMap(labels)));
}

// A target's identity for matching the two servers' lists.
std::string Key(const json::value& t) {
  const json::object& o = t.as_object();
  return Str(o.at("scrapePool")) + " " + Text(o.at("labels"));
}

std::map<std::string, json::object> ActiveTargets(uint16_t port) {
  std::map<std::string, json::object> out;
  json::value d = ApiData(port, "/api/v1/targets");
  if (!d.is_object()) return out;
  for (const json::value& t : d.as_object()["activeTargets"].as_array()) out[Key(t)] = t.as_object();
  return out;
}

std::multiset<std::string> DroppedTargets(uint16_t port) {
  std::multiset<std::string> out;
  json::value d = ApiData(port, "/api/v1/targets?state=dropped");
  if (!d.is_object()) return out;
  for (const json::value& t : d.as_object()["droppedTargets"].as_array()) {
    out.insert(Text(t.as_object().at("discoveredLabels")));
  }
  return out;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A target's lastScrape ("2026-12-07T23:15:01.123456789Z", or Go's zero
// time when never scraped) in unix milliseconds; 0 when never.
int64_t LastScrapeMs(const std::string& rfc3339) {
  std::tm tm{};
  const char* rest = strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr || tm.tm_year < 70) return 0;
  int64_t ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  if (*rest == '.') ms += static_cast<int64_t>(std::stod(std::string("0") + rest) * 1000);
  return ms;
}

// Every target's last scrape started at or after `since_ms` (0: every
// target scraped at all).
bool AllScrapedSince(uint16_t port, int64_t since_ms) {
  std::map<std::string, json::object> targets = ActiveTargets(port);
  if (targets.empty()) return false;
  for (auto& [key, t] : targets) {
    const int64_t last = LastScrapeMs(Str(t["lastScrape"]));
    if (last == 0 || last < since_ms) return false;
  }
  return true;
}

// Instant query results as "labels value" lines (values as the API wrote them).
std::set<std::string> Values(uint16_t port, const std::string& expr) {
  std::set<std::string> out;
  json::value d = ApiData(port, "/api/v1/query?query=" + QueryEscape(expr));
  if (!d.is_object()) return out;
  for (const json::value& s : d.as_object()["result"].as_array()) {
    const json::object& o = s.as_object();
    out.insert(Text(o.at("metric")) + " " + Str(o.at("value").as_array()[1]));
  }
  return out;
}

TEST(ScrapeCompareE2E, SeriesTargetsAndErrorsMatchPrometheus) {
  if (access(kPrometheus, X_OK) != 0) GTEST_SKIP() << kPrometheus << " not installed";
  FixtureTarget fixture;
  SetBodies(fixture);
  const std::string config = Config(fixture, FreePort());
  ScrapeServer pharos("pharos-scrape-cmp");
  ScrapeServer prom("prometheus-scrape-cmp");
  ASSERT_TRUE(pharos.StartPharos(config).ok());
  Status started = prom.StartPrometheus(kPrometheus, config);
  ASSERT_TRUE(started.ok()) << started.ToString();

  // Three intervals after both are up: every target scraped more than once.
  // Every target scraped once by both, then once more: the figures
  // compared are of a scrape that is not a target's first.
  ASSERT_TRUE(Eventually([&] { return AllScrapedSince(pharos.port(), 0); }, 15s));
  ASSERT_TRUE(Eventually([&] { return AllScrapedSince(prom.port(), 0); }, 15s));
  const int64_t since = NowMs() + 100;
  ASSERT_TRUE(Eventually([&] { return AllScrapedSince(pharos.port(), since); }, 15s));
  ASSERT_TRUE(Eventually([&] { return AllScrapedSince(prom.port(), since); }, 15s));

  std::vector<LabelMap> want = Series(prom.port(), "{__name__=~\".+\"}");
  std::vector<LabelMap> got = Series(pharos.port(), "{__name__=~\".+\"}");
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(got.size(), want.size());
  for (const LabelMap& s : want) {
    if (std::find(got.begin(), got.end(), s) == got.end()) ADD_FAILURE() << "missing in Pharos: " << Text(json::value_from(s));
  }
  for (const LabelMap& s : got) {
    if (std::find(want.begin(), want.end(), s) == want.end()) ADD_FAILURE() << "extra in Pharos: " << Text(json::value_from(s));
  }

  // Values of everything but the durations.
  const std::string all = "{__name__=~\".+\",__name__!=\"scrape_duration_seconds\"}";
  std::set<std::string> want_v = Values(prom.port(), all);
  std::set<std::string> got_v = Values(pharos.port(), all);
  for (const std::string& v : want_v) {
    if (!got_v.count(v)) ADD_FAILURE() << "value missing in Pharos: " << v;
  }
  for (const std::string& v : got_v) {
    if (!want_v.count(v)) ADD_FAILURE() << "value only in Pharos: " << v;
  }

  std::map<std::string, json::object> want_t = ActiveTargets(prom.port());
  std::map<std::string, json::object> got_t = ActiveTargets(pharos.port());
  EXPECT_EQ(got_t.size(), want_t.size());
  for (auto& [key, w] : want_t) {
    auto it = got_t.find(key);
    if (it == got_t.end()) {
      ADD_FAILURE() << "target missing in Pharos: " << key;
      continue;
    }
    json::object& g = it->second;
    EXPECT_EQ(Text(g["discoveredLabels"]), Text(w["discoveredLabels"])) << key;
    for (const char* field : {"scrapePool", "scrapeUrl", "globalUrl", "health",
                              "lastError", "scrapeInterval", "scrapeTimeout"}) {
      EXPECT_EQ(json::serialize(g[field]), json::serialize(w[field])) << key << " " << field;
    }
  }
  EXPECT_EQ(DroppedTargets(pharos.port()), DroppedTargets(prom.port()));
}

}  // namespace
}  // namespace pharos::e2e
