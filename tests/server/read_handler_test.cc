// Remote read over a real database: request decoding, response types,
// external labels, limits.
#include <gtest/gtest.h>
#include <snappy.h>
#include <stdlib.h>

#include <filesystem>

#include "server/remote/read_handler.h"
#include "server/remote/remote.pb.h"
#include "tsdb/db.h"

namespace pharos::server {
namespace {

class RemoteRead : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pharos_read_test_XXXXXX";
    dir_ = mkdtemp(tmpl);
    tsdb::DbOptions options;
    options.path = dir_ + "/db";
    options.background = false;
    db_ = tsdb::Db::Open(options).value();
    auto app = db_->NewAppender();
    for (int i = 0; i < 3; ++i) {
      tsdb::Labels l{{"__name__", "m"}, {"i", std::to_string(i)}};
      for (int64_t t = 0; t < 10; ++t) ASSERT_TRUE(app->Append(0, l, t * 1000, i * 100 + t).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
  }
  void TearDown() override {
    ASSERT_TRUE(db_->Close().ok());
    std::filesystem::remove_all(dir_);
  }

  static prometheus::ReadRequest Query(int64_t start, int64_t end, std::string re) {
    prometheus::ReadRequest req;
    prometheus::Query* q = req.add_queries();
    q->set_start_timestamp_ms(start);
    q->set_end_timestamp_ms(end);
    prometheus::LabelMatcher* m = q->add_matchers();
    m->set_type(prometheus::LabelMatcher::EQ);
    m->set_name("__name__");
    m->set_value("m");
    m = q->add_matchers();
    m->set_type(prometheus::LabelMatcher::RE);
    m->set_name("i");
    m->set_value(std::move(re));
    return req;
  }

  Response Send(const std::string& raw) {
    Request r = *MakeRequest("POST", "/api/v1/read");
    snappy::Compress(raw.data(), raw.size(), &r.body);
    return HandleRemoteRead(*db_, options_, r);
  }
  Response Send(const prometheus::ReadRequest& req) { return Send(req.SerializeAsString()); }

  static prometheus::ReadResponse Decode(const Response& res) {
    std::string raw;
    EXPECT_TRUE(snappy::Uncompress(res.body.data(), res.body.size(), &raw));
    prometheus::ReadResponse out;
    EXPECT_TRUE(out.ParseFromString(raw));
    return out;
  }

  std::string dir_;
  std::unique_ptr<tsdb::Db> db_;
  RemoteReadOptions options_;
};

TEST_F(RemoteRead, ReturnsSamplesInRange) {
  Response res = Send(Query(2000, 4000, "0|2"));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.content_type, "application/x-protobuf");
  EXPECT_EQ(res.Header("Content-Encoding"), "snappy");
  prometheus::ReadResponse out = Decode(res);
  ASSERT_EQ(out.results_size(), 1);
  const auto& ts = out.results(0).timeseries();
  ASSERT_EQ(ts.size(), 2);
  EXPECT_EQ(ts[1].labels(1).name(), "i");
  EXPECT_EQ(ts[1].labels(1).value(), "2");
  ASSERT_EQ(ts[1].samples_size(), 3);
  EXPECT_EQ(ts[1].samples(0).timestamp(), 2000);
  EXPECT_EQ(ts[1].samples(2).value(), 204);
}

TEST_F(RemoteRead, SeveralQueriesAnswerInOrder) {
  prometheus::ReadRequest req = Query(0, 9000, "1");
  *req.add_queries() = Query(0, 0, ".*").queries(0);
  prometheus::ReadResponse out = Decode(Send(req));
  ASSERT_EQ(out.results_size(), 2);
  EXPECT_EQ(out.results(0).timeseries_size(), 1);
  EXPECT_EQ(out.results(0).timeseries(0).samples_size(), 10);
  EXPECT_EQ(out.results(1).timeseries_size(), 3);
}

TEST_F(RemoteRead, ExternalLabelsAreMergedAndTheirMatchersDropped) {
  options_.external_labels = [] { return tsdb::Labels{{"a", "x"}, {"i", "ext"}}; };
  prometheus::ReadRequest req = Query(0, 9000, "1");
  prometheus::LabelMatcher* m = req.mutable_queries(0)->add_matchers();
  m->set_type(prometheus::LabelMatcher::EQ);
  m->set_name("a");
  m->set_value("x");
  prometheus::ReadResponse out = Decode(Send(req));
  ASSERT_EQ(out.results(0).timeseries_size(), 1);
  const auto& labels = out.results(0).timeseries(0).labels();
  ASSERT_EQ(labels.size(), 3);
  EXPECT_EQ(labels[0].name(), "__name__");
  EXPECT_EQ(labels[1].name(), "a");
  EXPECT_EQ(labels[2].value(), "1");  // the series' own value wins
}

TEST_F(RemoteRead, ResponseTypes) {
  prometheus::ReadRequest both = Query(0, 9000, "1");
  both.add_accepted_response_types(prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  both.add_accepted_response_types(prometheus::ReadRequest::SAMPLES);
  EXPECT_EQ(Send(both).status, 200);
  prometheus::ReadRequest streamed = Query(0, 9000, "1");
  streamed.add_accepted_response_types(prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  Response res = Send(streamed);
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("server does not support any of the requested response types"),
            std::string::npos);
}

TEST_F(RemoteRead, BadBodiesAre400) {
  Request garbage = *MakeRequest("POST", "/api/v1/read");
  garbage.body = "\xff\xff\xff\xff\xff not snappy";
  Response res = HandleRemoteRead(*db_, options_, garbage);
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body, "snappy: corrupt input\n");
  EXPECT_EQ(Send(std::string("\x0a\x05\x08", 3)).status, 400);  // truncated protobuf
  EXPECT_EQ(Send(Query(0, 9000, "(")).status, 400);                // bad regexp
}

TEST_F(RemoteRead, SampleLimit) {
  options_.sample_limit = 15;
  Response res = Send(Query(0, 9000, ".*"));
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body, "exceeded sample limit (15)\n");
}

}  // namespace
}  // namespace pharos::server
