// Tests of server/scrape: AppendScrape (target labels, staleness, limits),
// the scrape cache, and target label building.
#include <gtest/gtest.h>

#include <bit>
#include <map>
#include <string>
#include <vector>

#include "server/scrape/append_scrape.h"
#include "server/scrape/file_discovery.h"
#include "server/scrape/scrape_manager.h"
#include "server/scrape/target.h"
#include "server/scrape/target_labels.h"
#include "tsdb/sample.h"

namespace pharos::server::scrape {
namespace {

// The series every FakeAppender has seen, by ref, as storage keeps them
// across appenders.
std::map<tsdb::SeriesRef, std::string>& KnownSeries() {
  static std::map<tsdb::SeriesRef, std::string> known;
  return known;
}

// Records appends; a series' ref is a hash of its labels, and a ref given
// without labels is resolved as storage resolves it.
class FakeAppender : public tsdb::Appender {
 public:
  struct Row {
    std::string series;
    int64_t t;
    double v;
    tsdb::SeriesRef ref_in;
  };
  Result<tsdb::SeriesRef> Append(tsdb::SeriesRef ref, const tsdb::Labels& l, int64_t t,
                                 double v) override {
    std::string series = l.ToString();
    if (l.empty()) {
      auto it = KnownSeries().find(ref);
      if (it == KnownSeries().end()) return NotFoundError("unknown series ref");
      series = it->second;
    }
    rows.push_back({series, t, v, ref});
    tsdb::SeriesRef out = std::hash<std::string>()(series) | 1;
    KnownSeries()[out] = series;
    refs.try_emplace(series, out);
    return out;
  }
  Status Commit() override { return Status(); }
  Status Rollback() override { return Status(); }
  std::vector<Row> rows;
  std::map<std::string, tsdb::SeriesRef> refs;
};

constexpr std::string_view kText = "text/plain; version=0.0.4";

struct Harness {
  tsdb::Labels target{{"instance", "h:1"}, {"job", "j"}};
  AppendOptions opts;
  ScrapeCache cache;
  Harness() { opts.target_labels = &target; }
  Status Scrape(std::string_view body, int64_t t, FakeAppender* app, AppendStats* st = nullptr) {
    AppendStats s;
    return AppendScrape(body, kText, t, opts, cache, *app, st ? st : &s);
  }
};

TEST(AppendScrape, RebuildsLabelsWhenStorageForgetsARef) {
  Harness h;
  FakeAppender a1;
  ASSERT_TRUE(h.Scrape("m{a=\"1\"} 1\n", 1000, &a1).ok());
  KnownSeries().clear();  // as if the series had been deleted
  FakeAppender a2;
  AppendStats st;
  ASSERT_TRUE(h.Scrape("m{a=\"1\"} 2\n", 2000, &a2, &st).ok());
  ASSERT_EQ(a2.rows.size(), 1u);
  EXPECT_EQ(a2.rows[0].series, "m{a=\"1\", instance=\"h:1\", job=\"j\"}");
  EXPECT_EQ(a2.rows[0].v, 2);
  EXPECT_EQ(a2.rows[0].ref_in, 0u);  // appended anew by labels
  EXPECT_EQ(st.added, 1);
  FakeAppender a3;
  ASSERT_TRUE(h.Scrape("m{a=\"1\"} 3\n", 3000, &a3).ok());
  ASSERT_EQ(a3.rows.size(), 1u);
  EXPECT_NE(a3.rows[0].ref_in, 0u);  // the new ref is cached
  EXPECT_EQ(a3.rows[0].series, "m{a=\"1\", instance=\"h:1\", job=\"j\"}");
}

TEST(AppendScrape, AddsTargetLabelsAndCachesRefs) {
  Harness h;
  FakeAppender a1;
  AppendStats st;
  ASSERT_TRUE(h.Scrape("# TYPE m counter\nm{a=\"1\"} 1\nm{a=\"2\"} 2\n", 1000, &a1, &st).ok());
  ASSERT_EQ(a1.rows.size(), 2u);
  EXPECT_EQ(a1.rows[0].series, "m{a=\"1\", instance=\"h:1\", job=\"j\"}");
  EXPECT_EQ(a1.rows[0].ref_in, 0u);
  EXPECT_EQ(st.total, 2);
  EXPECT_EQ(st.added, 2);
  EXPECT_EQ(st.series_added, 2);
  FakeAppender a2;
  ASSERT_TRUE(h.Scrape("m{a=\"1\"} 3\nm{a=\"2\"} 4\n", 2000, &a2, &st).ok());
  ASSERT_EQ(a2.rows.size(), 2u);
  EXPECT_NE(a2.rows[0].ref_in, 0u);  // from the cache
  EXPECT_EQ(st.series_added, 0);
  ScrapeCache::Metadata md;
  ASSERT_TRUE(h.cache.GetMetadata("m", &md));
  EXPECT_EQ(md.type, MetricType::kCounter);
}

TEST(AppendScrape, StaleMarkersForVanishedSeries) {
  Harness h;
  FakeAppender a1, a2, a3;
  ASSERT_TRUE(h.Scrape("a 1\nb 2\nc 3 500\n", 1000, &a1).ok());
  ASSERT_TRUE(h.Scrape("a 1\n", 2000, &a2).ok());
  ASSERT_EQ(a2.rows.size(), 2u);
  EXPECT_EQ(a2.rows[1].series, "b{instance=\"h:1\", job=\"j\"}");
  EXPECT_EQ(a2.rows[1].t, 2000);
  EXPECT_TRUE(tsdb::IsStaleNaN(a2.rows[1].v));  // c had a timestamp: not tracked
  // A failed scrape is an empty one: everything goes stale.
  ASSERT_TRUE(h.Scrape("", 3000, &a3).ok());
  ASSERT_EQ(a3.rows.size(), 1u);
  EXPECT_EQ(a3.rows[0].series, "a{instance=\"h:1\", job=\"j\"}");
  EXPECT_TRUE(tsdb::IsStaleNaN(a3.rows[0].v));
}

TEST(AppendScrape, ParseErrorThenEmptyScrapeMarksPreviousStale) {
  Harness h;
  FakeAppender a1, a2, a3;
  ASSERT_TRUE(h.Scrape("a 1\n", 1000, &a1).ok());
  EXPECT_FALSE(h.Scrape("a 1\nb{", 2000, &a2).ok());
  ASSERT_TRUE(h.Scrape("", 2000, &a3).ok());
  ASSERT_EQ(a3.rows.size(), 1u);
  EXPECT_TRUE(tsdb::IsStaleNaN(a3.rows[0].v));
}

TEST(AppendScrape, HonorLabelsAndExportedPrefix) {
  Harness h;
  FakeAppender a;
  ASSERT_TRUE(h.Scrape("m{job=\"x\",exported_job=\"y\",instance=\"i\"} 1\n", 1000, &a).ok());
  EXPECT_EQ(a.rows[0].series,
            "m{exported_exported_job=\"x\", exported_instance=\"i\", exported_job=\"y\", "
            "instance=\"h:1\", job=\"j\"}");
  Harness h2;
  h2.opts.honor_labels = true;
  FakeAppender b;
  ASSERT_TRUE(h2.Scrape("m{job=\"x\"} 1\n", 1000, &b).ok());
  EXPECT_EQ(b.rows[0].series, "m{instance=\"h:1\", job=\"x\"}");
}

TEST(AppendScrape, HonorTimestamps) {
  Harness h;
  FakeAppender a;
  ASSERT_TRUE(h.Scrape("m 1 77\n", 1000, &a).ok());
  EXPECT_EQ(a.rows[0].t, 77);
  Harness h2;
  h2.opts.honor_timestamps = false;
  FakeAppender b;
  ASSERT_TRUE(h2.Scrape("m 1 77\n", 1000, &b).ok());
  EXPECT_EQ(b.rows[0].t, 1000);
}

TEST(AppendScrape, Limits) {
  {
    Harness h;
    h.opts.limits.sample_limit = 2;
    FakeAppender a;
    AppendStats st;
    Status s = h.Scrape("a 1\nb 1\nc 1\nd 1\n", 1000, &a, &st);
    EXPECT_EQ(s.message(), "sample limit exceeded");
    // Like Prometheus, the whole body is still counted.
    EXPECT_EQ(st.total, 4);
    EXPECT_EQ(st.added, 4);
    EXPECT_EQ(st.series_added, 2);
    EXPECT_EQ(a.rows.size(), 2u);
    // As in Prometheus, the series appended stay cached: not new next time.
    FakeAppender again;
    EXPECT_EQ(h.Scrape("a 1\nb 1\nc 1\nd 1\n", 2000, &again, &st).message(),
              "sample limit exceeded");
    EXPECT_EQ(st.series_added, 0);
  }
  {
    Harness h;
    h.opts.limits.label_limit = 3;
    FakeAppender a;
    Status s = h.Scrape("a{x=\"1\",y=\"2\"} 1\n", 1000, &a);
    EXPECT_EQ(s.message(), "label_limit exceeded (metric: a, number of labels: 5, limit: 3)");
  }
  {
    Harness h;
    h.opts.limits.label_name_length_limit = 3;
    FakeAppender a;
    EXPECT_EQ(h.Scrape("a{long=\"1\"} 1\n", 1000, &a).message(),
              "label_name_length_limit exceeded (metric: a, label name: __name__, length: 8, "
              "limit: 3)");
  }
  {
    Harness h;
    h.opts.limits.label_value_length_limit = 3;
    FakeAppender a;
    EXPECT_EQ(h.Scrape("a{x=\"long\"} 1\n", 1000, &a).message(),
              "label_value_length_limit exceeded (metric: a, label name: x, value: \"long\", "
              "length: 4, limit: 3)");
  }
}

TEST(AppendScrape, DuplicateLabelFailsScrape) {
  Harness h;
  FakeAppender a;
  EXPECT_EQ(h.Scrape("a{x=\"1\",x=\"2\"} 1\n", 1000, &a).message(),
            "label name \"x\" is not unique: invalid sample");
}

TEST(AppendScrape, MetricRelabelDropsAndRenames) {
  RelabelSpec drop;
  drop.source_labels = {"__name__"};
  drop.regex = "drop_.*";
  drop.action = RelabelAction::kDrop;
  std::vector<RelabelConfig> rc;
  rc.push_back(*RelabelConfig::Make(drop));
  Harness h;
  h.opts.metric_relabel_configs = rc;
  FakeAppender a;
  AppendStats st;
  ASSERT_TRUE(h.Scrape("drop_me 1\nkeep 2\n", 1000, &a, &st).ok());
  EXPECT_EQ(st.total, 2);
  EXPECT_EQ(st.added, 1);
  ASSERT_EQ(a.rows.size(), 1u);
  EXPECT_EQ(a.rows[0].series, "keep{instance=\"h:1\", job=\"j\"}");
}

ScrapeConfig Job() {
  ScrapeConfig c;
  c.job_name = "node";
  c.scrape_interval_ms = 15000;
  c.scrape_timeout_ms = 10000;
  return c;
}

TEST(PopulateLabels, DefaultsAndInstance) {
  ScrapeConfig c = Job();
  c.params["format"] = {"prom"};
  Result<PopulatedLabels> r = PopulateLabels(tsdb::Labels({{"__address__", "h"}}), c);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->labels.ToString(),
            "{__address__=\"h:80\", __metrics_path__=\"/metrics\", __param_format=\"prom\", "
            "__scheme__=\"http\", __scrape_interval__=\"15s\", __scrape_timeout__=\"10s\", "
            "instance=\"h:80\", job=\"node\"}");
  EXPECT_EQ(r->discovered.Get("__address__"), "h");
  Target t(r->labels, r->discovered, c.params);
  EXPECT_EQ(t.url(), "http://h:80/metrics?format=prom");
  EXPECT_EQ(t.labels().ToString(), "{instance=\"h:80\", job=\"node\"}");
  EXPECT_EQ(t.interval_ms(), 15000);
}

TEST(PopulateLabels, RelabelDropAndMetaLabels) {
  ScrapeConfig c = Job();
  RelabelSpec keep;
  keep.source_labels = {"__meta_filepath"};
  keep.regex = ".*good.*";
  keep.action = RelabelAction::kKeep;
  c.relabel_configs.push_back(*RelabelConfig::Make(keep));
  Result<PopulatedLabels> bad =
      PopulateLabels(tsdb::Labels({{"__address__", "a:1"}, {"__meta_filepath", "/bad"}}), c);
  ASSERT_TRUE(bad.ok());
  EXPECT_TRUE(bad->labels.empty());
  EXPECT_EQ(bad->discovered.Get("__meta_filepath"), "/bad");
  Result<PopulatedLabels> good =
      PopulateLabels(tsdb::Labels({{"__address__", "a:1"}, {"__meta_filepath", "/good"}}), c);
  ASSERT_TRUE(good.ok());
  EXPECT_FALSE(good->labels.Has("__meta_filepath"));
  EXPECT_EQ(good->labels.Get("instance"), "a:1");
}

TEST(PopulateLabels, Errors) {
  ScrapeConfig c = Job();
  RelabelSpec timeout;
  timeout.target_label = "__scrape_timeout__";
  timeout.replacement = "20s";
  c.relabel_configs.push_back(*RelabelConfig::Make(timeout));
  Result<PopulatedLabels> r = PopulateLabels(tsdb::Labels({{"__address__", "a:1"}}), c);
  EXPECT_EQ(r.status().message(),
            "scrape timeout cannot be greater than scrape interval (\"20s\" > \"15s\")");
}

TEST(Target, OffsetIsStableAndWithinInterval) {
  ScrapeConfig c = Job();
  Result<PopulatedLabels> r = PopulateLabels(tsdb::Labels({{"__address__", "a:1"}}), c);
  Target t(r->labels, r->discovered, {});
  int64_t now = 1700000000123;
  int64_t o1 = t.OffsetMs(now, 0);
  EXPECT_GE(o1, 0);
  EXPECT_LE(o1, 15000);
  // Pinned to absolute time: later calls land on the same slot.
  EXPECT_EQ((now + o1) % 15000, (now + 4321 + t.OffsetMs(now + 4321, 0)) % 15000);
}

TEST(FileDiscovery, ParsesJsonAndYaml) {
  Result<std::vector<TargetGroup>> j = ParseTargetFile(
      R"([{"targets": ["a:1", "b:2"], "labels": {"env": "prod"}}])", "/x/t.json");
  ASSERT_TRUE(j.ok()) << j.status().message();
  ASSERT_EQ(j->size(), 1u);
  EXPECT_EQ((*j)[0].targets.size(), 2u);
  EXPECT_EQ((*j)[0].labels.Get("__meta_filepath"), "/x/t.json");
  EXPECT_EQ((*j)[0].labels.Get("env"), "prod");
  Result<std::vector<TargetGroup>> y =
      ParseTargetFile("- targets: ['c:3']\n  labels:\n    team: x\n", "/x/t.yml");
  ASSERT_TRUE(y.ok());
  EXPECT_EQ((*y)[0].source, "/x/t.yml:0");
  EXPECT_FALSE(ParseTargetFile("[{\"targets\": [\"a:1\"], \"labels\": {\"0bad\": \"x\"}}]",
                               "/t.json")
                   .ok());
  EXPECT_FALSE(ParseTargetFile("{not json", "/t.json").ok());
}

TEST(GlobalUrl, ReplacesLoopback) {
  EXPECT_EQ(GlobalUrl("http://example.org:9/metrics"), "http://example.org:9/metrics");
  EXPECT_NE(GlobalUrl("http://127.0.0.1:9/metrics"), "http://127.0.0.1:9/metrics");
}

}  // namespace
}  // namespace pharos::server::scrape
