// /federate over a real database.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "server/federate/federate_handler.h"
#include "tests/server/temp_db_test.h"
#include "tsdb/db.h"
#include "tsdb/sample.h"

namespace pharos::server {
namespace {

class Federate : public TempDbTest {
 protected:
  void SetUp() override {
    TempDbTest::SetUp();
    if (HasFatalFailure()) return;
    auto app = db_->NewAppender();
    auto add = [&](tsdb::Labels l, int64_t t, double v) {
      ASSERT_TRUE(app->Append(0, l, t, v).ok());
    };
    add({{"__name__", "up"}, {"job", "b"}, {"instance", "x:1"}}, 1000, 0);
    add({{"__name__", "up"}, {"job", "b"}, {"instance", "x:1"}}, 500000, 1);
    add({{"__name__", "up"}, {"job", "a"}}, 590000, 1);
    add({{"__name__", "cpu_total"}, {"job", "a"}}, 595000, 2.5);
    add({{"__name__", "old"}, {"job", "a"}}, 1000, 9);  // outside the lookback
    add({{"__name__", "gone"}, {"job", "a"}}, 550000, 1);
    add({{"__name__", "gone"}, {"job", "a"}}, 560000, tsdb::kStaleNaN);
    ASSERT_TRUE(app->Commit().ok());
    options_.now_ms = [] { return int64_t{600000}; };
  }
  Response Get(const std::string& target) {
    return HandleFederate(*db_, options_, *MakeRequest("GET", target));
  }

  FederateOptions options_;
};

TEST_F(Federate, LatestSamplesByFamily) {
  Response res = Get("/federate?match[]={job=~\".%2B\"}");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(res.body,
            "# TYPE cpu_total untyped\n"
            "cpu_total{job=\"a\",instance=\"\"} 2.5 595000\n"
            "# TYPE up untyped\n"
            "up{instance=\"x:1\",job=\"b\"} 1 500000\n"
            "up{job=\"a\",instance=\"\"} 1 590000\n");
}

TEST_F(Federate, SeveralSelectorsDoNotRepeatSeries) {
  Response res = Get("/federate?match[]=up&match[]={job=\"a\",__name__=\"up\"}");
  EXPECT_EQ(res.body,
            "# TYPE up untyped\n"
            "up{instance=\"x:1\",job=\"b\"} 1 500000\n"
            "up{job=\"a\",instance=\"\"} 1 590000\n");
}

TEST_F(Federate, ExternalLabelsAddedWhereMissing) {
  options_.external_labels = [] {
    return tsdb::Labels{{"job", "ext"}, {"region", "eu"}};
  };
  Response res = Get("/federate?match[]=cpu_total");
  EXPECT_EQ(res.body,
            "# TYPE cpu_total untyped\n"
            "cpu_total{job=\"a\",instance=\"\",region=\"eu\"} 2.5 595000\n");
}

TEST_F(Federate, NoMatchIsEmptyAndBadSelectorIs400) {
  Response empty = Get("/federate");
  EXPECT_EQ(empty.status, 200);
  EXPECT_EQ(empty.body, "");
  Response bad = Get("/federate?match[]=up{");
  EXPECT_EQ(bad.status, 400);
  EXPECT_FALSE(bad.body.empty());
}

}  // namespace
}  // namespace pharos::server
