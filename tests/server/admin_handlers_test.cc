// The TSDB admin API over a real database.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>

#include "server/admin/admin_handlers.h"
#include "tests/server/temp_db_test.h"
#include "tsdb/db.h"

namespace pharos::server {
namespace {

class Admin : public TempDbTest {
 protected:
  void SetUp() override {
    TempDbTest::SetUp();
    if (HasFatalFailure()) return;
    auto app = db_->NewAppender();
    for (int i = 0; i < 2; ++i) {
      tsdb::Labels l{{"__name__", "m"}, {"i", std::to_string(i)}};
      for (int64_t t = 0; t < 10; ++t) ASSERT_TRUE(app->Append(0, l, t * 1000, t).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
    options_.enabled = true;
    options_.data_dir = dir_ + "/db";
  }
  static Request Post(const std::string& target) { return *MakeRequest("POST", target); }

  size_t Samples(const std::string& i) {
    auto q = db_->NewQuerier(tsdb::kMinTime, tsdb::kMaxTime).value();
    auto set = q->Select({}, {tsdb::Matcher::Make(tsdb::MatchType::kEqual, "i", i).value()});
    size_t n = 0;
    while (set->Next()) {
      auto it = set->At().Iterator();
      while (it->Next()) ++n;
    }
    return n;
  }

  AdminOptions options_;
};

TEST_F(Admin, DisabledAnswersUnavailable) {
  options_.enabled = false;
  for (auto fn : {HandleDeleteSeries, HandleCleanTombstones, HandleSnapshot}) {
    Response res = fn(*db_, options_, Post("/x"));
    EXPECT_EQ(res.status, 500);
    EXPECT_EQ(res.body,
              R"({"status":"error","errorType":"unavailable","error":"admin APIs disabled"})");
  }
}

TEST_F(Admin, DeleteSeriesWithinRange) {
  Response res = HandleDeleteSeries(
      *db_, options_, Post("/api/v1/admin/tsdb/delete_series?match[]=m{i=\"0\"}&start=2&end=5"));
  EXPECT_EQ(res.status, 204) << res.body;
  EXPECT_EQ(Samples("0"), 6u);
  EXPECT_EQ(Samples("1"), 10u);
  EXPECT_EQ(HandleDeleteSeries(*db_, options_,
                               Post("/api/v1/admin/tsdb/delete_series?match[]={i=\"1\"}"))
                .status,
            204);
  EXPECT_EQ(Samples("1"), 0u);
  EXPECT_EQ(HandleCleanTombstones(*db_, options_, Post("/x")).status, 204);
}

TEST_F(Admin, DeleteSeriesErrors) {
  Response none = HandleDeleteSeries(*db_, options_, Post("/api/v1/admin/tsdb/delete_series"));
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(none.body,
            R"({"status":"error","errorType":"bad_data","error":"no match[] parameter provided"})");
  Response bad = HandleDeleteSeries(*db_, options_, Post("/x?match[]=m{"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("invalid parameter \\\"match[]\\\""), std::string::npos) << bad.body;
  Response start = HandleDeleteSeries(*db_, options_, Post("/x?match[]=m&start=abc"));
  EXPECT_EQ(start.status, 400);
  EXPECT_NE(start.body.find("invalid parameter \\\"start\\\""), std::string::npos);
}

TEST_F(Admin, SnapshotCreatesAnOpenableCopy) {
  Response res = HandleSnapshot(*db_, options_, Post("/api/v1/admin/tsdb/snapshot"));
  ASSERT_EQ(res.status, 200) << res.body;
  const std::string prefix = R"({"status":"success","data":{"name":")";
  ASSERT_EQ(res.body.rfind(prefix, 0), 0u) << res.body;
  std::string name = res.body.substr(prefix.size(), res.body.size() - prefix.size() - 3);
  ASSERT_EQ(name.size(), 16u + 1 + 16) << name;  // 20060102T150405Z-<16 hex>
  EXPECT_EQ(name[8], 'T');
  EXPECT_EQ(name[15], 'Z');
  tsdb::DbOptions o;
  o.path = options_.data_dir + "/snapshots/" + name;
  o.background = false;
  auto copy = tsdb::Db::Open(o);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ((*copy)->Stats().head_series, 2u);
  ASSERT_TRUE((*copy)->Close().ok());

  Response bad = HandleSnapshot(*db_, options_, Post("/x?skip_head=maybe"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("unable to parse boolean"), std::string::npos);
  EXPECT_EQ(HandleSnapshot(*db_, options_, Post("/x?skip_head=true")).status, 200);
}

// Opens the snapshot a response names and counts its samples by series.
std::map<std::string, size_t> SnapshotSamples(const AdminOptions& options, const Response& res) {
  std::map<std::string, size_t> out;
  const std::string prefix = R"({"status":"success","data":{"name":")";
  EXPECT_EQ(res.body.rfind(prefix, 0), 0u) << res.body;
  if (res.body.rfind(prefix, 0) != 0) return out;
  tsdb::DbOptions o;
  o.path = options.data_dir + "/snapshots/" +
           res.body.substr(prefix.size(), res.body.size() - prefix.size() - 3);
  o.background = false;
  auto copy = tsdb::Db::Open(o);
  EXPECT_TRUE(copy.ok()) << copy.status().ToString();
  if (!copy.ok()) return out;
  {
    auto q = (*copy)->NewQuerier(tsdb::kMinTime, tsdb::kMaxTime).value();
    auto set = q->Select({}, {tsdb::Matcher::Make(tsdb::MatchType::kRegexMatch, "__name__", ".+")
                                  .value()});
    while (set->Next()) {
      auto it = set->At().Iterator();
      size_t& n = out[set->At().labels().ToString()];
      while (it->Next()) ++n;
    }
  }
  EXPECT_TRUE((*copy)->Close().ok());
  return out;
}

TEST_F(Admin, SnapshotSkipHeadLeavesOutTheHead) {
  // Samples at 5 h close the partitions before 4 h (2 h partitions, 1 h
  // out-of-bounds window): the first ten samples of each series are
  // persisted, the later ones and the series "late" stay in the head.
  auto app = db_->NewAppender();
  for (int i = 0; i < 2; ++i) {
    tsdb::Labels l{{"__name__", "m"}, {"i", std::to_string(i)}};
    for (int64_t t = 0; t < 5; ++t) ASSERT_TRUE(app->Append(0, l, 5 * 3600'000 + t * 1000, t).ok());
  }
  ASSERT_TRUE(app->Append(0, {{"__name__", "late"}}, 5 * 3600'000, 1).ok());
  ASSERT_TRUE(app->Commit().ok());
  ASSERT_TRUE(db_->Maintain().ok());

  std::map<std::string, size_t> with_head =
      SnapshotSamples(options_, HandleSnapshot(*db_, options_, Post("/x?skip_head=false")));
  EXPECT_EQ(with_head, (std::map<std::string, size_t>{{"late{}", 1},
                                                      {R"(m{i="0"})", 15},
                                                      {R"(m{i="1"})", 15}}));
  std::map<std::string, size_t> persisted =
      SnapshotSamples(options_, HandleSnapshot(*db_, options_, Post("/x?skip_head=true")));
  EXPECT_EQ(persisted, (std::map<std::string, size_t>{{R"(m{i="0"})", 10},
                                                      {R"(m{i="1"})", 10}}));
  // The live database is untouched.
  EXPECT_EQ(Samples("0"), 15u);
}

}  // namespace
}  // namespace pharos::server
