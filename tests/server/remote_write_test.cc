// The remote-write receiver: wire decoding of good and bad payloads, and the
// handler over a real database.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>

#include "server/app_state.h"
#include "server/logger.h"
#include "server/remote/series_ref_cache.h"
#include "server/remote/snappy_block.h"
#include "server/remote/write_handler.h"
#include "server/remote/write_request.h"
#include "server/router.h"
#include "tsdb/db.h"

namespace pharos::server {
namespace {

// A WriteRequest built from (labels, samples) pairs; label strings are kept
// alive by the owner.
struct RequestBuilder {
  std::vector<std::string> strings;
  WriteRequestView view;

  RequestBuilder& Series(std::vector<std::pair<std::string, std::string>> labels,
                         std::vector<std::pair<int64_t, double>> samples) {
    WireSeries s;
    s.first_label = static_cast<uint32_t>(view.labels.size());
    s.first_sample = static_cast<uint32_t>(view.samples.size());
    strings.reserve(1000);  // views into it must not move
    for (auto& [n, v] : labels) {
      strings.push_back(n);
      std::string_view name = strings.back();
      strings.push_back(v);
      view.labels.push_back({name, strings.back()});
    }
    for (auto [t, v] : samples) view.samples.push_back({v, t});
    s.num_labels = static_cast<uint32_t>(labels.size());
    s.num_samples = static_cast<uint32_t>(samples.size());
    view.series.push_back(s);
    return *this;
  }
  std::string Body() const { return SnappyEncode(EncodeWriteRequest(view)); }
};

TEST(WriteRequest, RoundTrips) {
  RequestBuilder b;
  b.Series({{"__name__", "up"}, {"job", "a"}}, {{1000, 1.5}, {2000, -2}})
      .Series({{"__name__", "x"}}, {{-5, std::nan("")}});
  WriteRequestView got;
  ASSERT_TRUE(DecodeWriteRequest(EncodeWriteRequest(b.view), &got).ok());
  ASSERT_EQ(got.series.size(), 2u);
  EXPECT_EQ(got.labels[1].value, "a");
  EXPECT_EQ(got.samples[1].timestamp, 2000);
  EXPECT_EQ(got.samples[1].value, -2);
  EXPECT_EQ(got.samples[2].timestamp, -5);
  EXPECT_TRUE(std::isnan(got.samples[2].value));
}

TEST(WriteRequest, BadInputIsAnErrorNeverACrash) {
  RequestBuilder b;
  b.Series({{"__name__", "up"}, {"job", "a"}}, {{1000, 1.5}});
  const std::string good = EncodeWriteRequest(b.view);
  WriteRequestView out;
  // Every truncation of a valid message either decodes (at a field
  // boundary) or fails cleanly.
  for (size_t n = 0; n < good.size(); ++n) {
    Status st = DecodeWriteRequest(std::string_view(good).substr(0, n), &out);
    if (!st.ok()) {
      EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
    }
  }
  // Garbage, a varint that never ends, a field of the wrong wire type.
  EXPECT_FALSE(DecodeWriteRequest("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", &out).ok());
  EXPECT_FALSE(DecodeWriteRequest(std::string("\x08\x01", 2), &out).ok());
  EXPECT_FALSE(DecodeWriteRequest(std::string("\x0a\x7f", 2), &out).ok());  // length past end
  // Every single-byte corruption is handled.
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    DecodeWriteRequest(bad, &out).IgnoreError();
  }
}

// A label field (tag 1) holding name/value, and a sample field (tag 2).
std::string LabelField(std::string_view name, std::string_view value) {
  std::string l = std::string("\x0a") + char(name.size()) + std::string(name) + "\x12" +
                  char(value.size()) + std::string(value);
  return std::string("\x0a") + char(l.size()) + l;
}
std::string SampleField(int64_t t) {
  std::string smp = std::string("\x09") + std::string(8, '\0') + "\x10" + char(t);  // t < 128
  return std::string("\x12") + char(smp.size()) + smp;
}
std::string SeriesField(const std::string& body) { return std::string("\x0a") + char(body.size()) + body; }

TEST(WriteRequest, LabelBytesAreTheContiguousLabelFields) {
  const std::string labels = LabelField("__name__", "up") + LabelField("job", "a");
  const std::string wire = SeriesField(labels + SampleField(1) + SampleField(2)) +
                           SeriesField(SampleField(3) + labels) +
                           SeriesField(LabelField("__name__", "up") + SampleField(4) + LabelField("job", "a")) +
                           SeriesField(SampleField(5));
  WriteRequestView got;
  ASSERT_TRUE(DecodeWriteRequest(wire, &got).ok());
  ASSERT_EQ(got.series.size(), 4u);
  EXPECT_EQ(got.series[0].label_bytes, labels);
  EXPECT_EQ(got.series[1].label_bytes, labels);
  EXPECT_EQ(got.series[2].label_bytes, "");  // a sample between the labels
  EXPECT_EQ(got.series[2].num_labels, 2u);
  EXPECT_EQ(got.series[3].label_bytes, "");
}

TEST(SeriesRefCache, FindsByEqualBytesAndUpdatesRefs) {
  SeriesRefCache cache(16 * 2);  // two entries per shard
  const tsdb::Labels up({{"__name__", "up"}});
  const uint64_t h = SeriesRefCache::Hash("k1");
  EXPECT_EQ(cache.Find(h, "k1"), nullptr);
  cache.Put(h, "k1", up, 7);
  ASSERT_NE(cache.Find(h, "k1"), nullptr);
  EXPECT_EQ(cache.Find(h, "k1")->ref.load(), 7u);
  EXPECT_EQ(cache.Find(h, "k1")->labels, up);
  EXPECT_EQ(cache.Find(h, "k2"), nullptr);  // same hash, other bytes: a miss
  SeriesRefCache::EntryPtr held = cache.Find(h, "k1");
  cache.Put(h, "k1", up, 9);
  EXPECT_EQ(held->ref.load(), 9u);
  // Full shard: starts over, and a held entry stays valid.
  cache.Put(h, "k2", up, 10);
  cache.Put(h, "k3", up, 11);
  EXPECT_EQ(cache.Find(h, "k1"), nullptr);
  EXPECT_EQ(cache.Find(h, "k3")->ref.load(), 11u);
  EXPECT_EQ(held->labels, up);
}

TEST(SnappyBlock, RejectsCorruptAndOversizedInput) {
  EXPECT_EQ(*SnappyDecode(SnappyEncode("hello hello hello"), 100), "hello hello hello");
  EXPECT_FALSE(SnappyDecode("not snappy at all", 100).ok());
  EXPECT_FALSE(SnappyDecode(SnappyEncode(std::string(1000, 'a')), 999).ok());
  std::string truncated = SnappyEncode(std::string(1000, 'a'));
  truncated.resize(truncated.size() / 2);
  EXPECT_FALSE(SnappyDecode(truncated, 10000).ok());
}

class RemoteWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pharos_rw_test_XXXXXX";
    dir_ = mkdtemp(tmpl);
    tsdb::DbOptions options;
    options.path = dir_ + "/db";
    options.background = false;
    db_ = tsdb::Db::Open(options).value();
    Flags flags;
    flags.enable_remote_write_receiver = true;
    app_ = std::make_unique<AppState>(flags, log_);
    app_->SetDb(db_.get());
    app_->ready = true;
    RegisterRemoteWrite(router_, *app_, stats_);
  }
  void TearDown() override {
    app_->SetDb(nullptr);
    ASSERT_TRUE(db_->Close().ok());
    std::filesystem::remove_all(dir_);
  }

  Response Post(std::string body) {
    Request req = *MakeRequest("POST", "/api/v1/write");
    req.headers.emplace_back("Content-Encoding", "snappy");
    req.body = std::move(body);
    return router_.Route(std::move(req));
  }

  // Samples of `metric` stored between 0 and 1e6.
  size_t Stored(const std::string& metric) {
    auto q = db_->NewQuerier(tsdb::kMinTime, tsdb::kMaxTime).value();
    auto m = tsdb::Matcher::Make(tsdb::MatchType::kEqual, "__name__", metric).value();
    auto set = q->Select({}, {m});
    size_t n = 0;
    while (set->Next()) {
      auto it = set->At().Iterator();
      while (it->Next()) ++n;
    }
    return n;
  }

  Logger log_{LogLevel::kError, LogFormat::kLogfmt};
  std::string dir_;
  std::unique_ptr<tsdb::Db> db_;
  std::unique_ptr<AppState> app_;
  Router router_;
  RemoteWriteStats stats_;
};

TEST_F(RemoteWrite, StoresEverySampleAndAnswers204) {
  RequestBuilder b;
  b.Series({{"__name__", "up"}, {"job", "a"}}, {{1000, 1}, {2000, 2}, {3000, 3}})
      .Series({{"__name__", "up"}, {"job", "b"}}, {{1000, 4}});
  EXPECT_EQ(Post(b.Body()).status, 204);
  EXPECT_EQ(Stored("up"), 4u);
  // The same series again: served from the ref cache.
  RequestBuilder next;
  next.Series({{"__name__", "up"}, {"job", "a"}}, {{4000, 5}});
  EXPECT_EQ(Post(next.Body()).status, 204);
  EXPECT_EQ(Stored("up"), 5u);
  // A retry of a stored request is harmless: same samples, same values.
  EXPECT_EQ(Post(next.Body()).status, 204);
  EXPECT_EQ(Stored("up"), 5u);
  EXPECT_EQ(stats_.samples.load(), 6u);
}

TEST_F(RemoteWrite, LabelsBetweenSamplesAreStoredToo) {
  const std::string series = LabelField("__name__", "up") + SampleField(1) + LabelField("job", "a");
  EXPECT_EQ(Post(SnappyEncode(SeriesField(series))).status, 204);
  EXPECT_EQ(Stored("up"), 1u);
  const std::string next = LabelField("__name__", "up") + SampleField(2) + LabelField("job", "a");
  EXPECT_EQ(Post(SnappyEncode(SeriesField(next))).status, 204);
  EXPECT_EQ(Stored("up"), 2u);
  // The cached path refuses nothing it would not refuse uncached.
  const std::string bad = LabelField("job", "a") + SampleField(3);
  EXPECT_EQ(Post(SnappyEncode(SeriesField(bad))).status, 400);
  EXPECT_EQ(Post(SnappyEncode(SeriesField(bad))).status, 400);
}

TEST_F(RemoteWrite, MalformedBodiesAre400) {
  EXPECT_EQ(Post("garbage").status, 400);
  EXPECT_EQ(Post(SnappyEncode("\xff\xff\xff")).status, 400);
  RequestBuilder unsorted;
  unsorted.Series({{"job", "a"}, {"__name__", "up"}}, {{1000, 1}});
  Response res = Post(unsorted.Body());
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("not sorted"), std::string::npos) << res.body;
  RequestBuilder dup;
  dup.Series({{"__name__", "up"}, {"job", "a"}, {"job", "b"}}, {{1000, 1}});
  res = Post(dup.Body());
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("duplicate label name"), std::string::npos) << res.body;
  RequestBuilder noname;
  noname.Series({{"job", "a"}}, {{1000, 1}});
  EXPECT_EQ(Post(noname.Body()).status, 400);
  RequestBuilder badname;
  badname.Series({{"__name__", "up"}, {"bad-name", "a"}}, {{1000, 1}});
  EXPECT_EQ(Post(badname.Body()).status, 400);
  EXPECT_EQ(Stored("up"), 0u);
}

TEST_F(RemoteWrite, ABadSeriesRefusesTheWholeRequest) {
  RequestBuilder b;
  b.Series({{"__name__", "up"}, {"job", "a"}}, {{1000, 1}})
      .Series({{"job", "no-name"}}, {{1000, 1}});
  EXPECT_EQ(Post(b.Body()).status, 400);
  EXPECT_EQ(Stored("up"), 0u);
}

TEST_F(RemoteWrite, OutOfOrderSampleRollsBackAndIs400) {
  RequestBuilder first;
  first.Series({{"__name__", "up"}}, {{5000, 1}});
  ASSERT_EQ(Post(first.Body()).status, 204);
  RequestBuilder b;
  b.Series({{"__name__", "other"}}, {{6000, 1}}).Series({{"__name__", "up"}}, {{4000, 1}});
  Response res = Post(b.Body());
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("out of order"), std::string::npos) << res.body;
  EXPECT_EQ(Stored("other"), 0u);  // rolled back with the rest of the request
}

TEST(RemoteWriteDisabled, AnswersWithTheFlagToSet) {
  Logger log(LogLevel::kError, LogFormat::kLogfmt);
  AppState app(Flags{}, log);
  Router router;
  RemoteWriteStats stats;
  RegisterRemoteWrite(router, app, stats);
  Response res = router.Route(*MakeRequest("POST", "/api/v1/write"));
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.body,
            "remote write receiver needs to be enabled with "
            "--enable-feature=remote-write-receiver\n");
}

}  // namespace
}  // namespace pharos::server
