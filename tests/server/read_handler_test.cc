// Remote read over a real database: request decoding, response types,
// external labels, limits.
#include <gtest/gtest.h>
#include <snappy.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "server/remote/chunked_read.h"
#include "server/remote/read_handler.h"
#include "server/remote/remote.pb.h"
#include "tsdb/chunkenc/chunk.h"
#include "tests/server/temp_db_test.h"
#include "tsdb/db.h"

namespace pharos::server {
namespace {

class RemoteRead : public TempDbTest {
 protected:
  void SetUp() override {
    TempDbTest::SetUp();
    if (HasFatalFailure()) return;
    auto app = db_->NewAppender();
    for (int i = 0; i < 3; ++i) {
      tsdb::Labels l{{"__name__", "m"}, {"i", std::to_string(i)}};
      for (int64_t t = 0; t < 10; ++t) ASSERT_TRUE(app->Append(0, l, t * 1000, i * 100 + t).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
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

TEST_F(RemoteRead, ResponseTypesAreNegotiatedInTheClientsOrder) {
  prometheus::ReadRequest samples_first = Query(0, 9000, "1");
  samples_first.add_accepted_response_types(prometheus::ReadRequest::SAMPLES);
  samples_first.add_accepted_response_types(prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  EXPECT_EQ(Send(samples_first).content_type, "application/x-protobuf");
  prometheus::ReadRequest streamed_first = Query(0, 9000, "1");
  streamed_first.add_accepted_response_types(prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  streamed_first.add_accepted_response_types(prometheus::ReadRequest::SAMPLES);
  Response res = Send(streamed_first);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type,
            "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse");
  prometheus::ReadRequest unknown = Query(0, 9000, "1");
  unknown.add_accepted_response_types(static_cast<prometheus::ReadRequest::ResponseType>(7));
  res = Send(unknown);
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body,
            "server does not support any of the requested response types: [7]; supported: "
            "map[SAMPLES:{} STREAMED_XOR_CHUNKS:{}]\n");
}

// Splits a streamed answer into its frames, checking each one's CRC-32C.
std::vector<prometheus::ChunkedReadResponse> Frames(const std::string& body) {
  std::vector<prometheus::ChunkedReadResponse> out;
  size_t at = 0;
  while (at < body.size()) {
    uint64_t len = 0;
    for (int shift = 0;; shift += 7) {
      EXPECT_LT(at, body.size());
      if (at >= body.size()) return out;
      uint8_t b = static_cast<uint8_t>(body[at++]);
      len |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    EXPECT_LE(at + 4 + len, body.size());
    if (at + 4 + len > body.size()) return out;
    uint32_t crc = 0;
    for (int i = 0; i < 4; ++i) crc = crc << 8 | static_cast<uint8_t>(body[at + i]);
    std::string msg = body.substr(at + 4, len);
    EXPECT_EQ(crc, Crc32c(msg));
    at += 4 + len;
    prometheus::ChunkedReadResponse frame;
    EXPECT_TRUE(frame.ParseFromString(msg));
    out.push_back(std::move(frame));
  }
  return out;
}

TEST_F(RemoteRead, Crc32cIsCastagnoli) {
  EXPECT_EQ(Crc32c(""), 0u);
  EXPECT_EQ(Crc32c("123456789"), 0xe3069283u);  // the standard check value
}

TEST_F(RemoteRead, StreamedXorChunksDecodeToTheSamples) {
  // 300 samples of one more series: three chunks of at most 120.
  {
    auto app = db_->NewAppender();
    tsdb::Labels l{{"__name__", "m"}, {"i", "long"}};
    for (int64_t t = 0; t < 300; ++t) ASSERT_TRUE(app->Append(0, l, 20000 + t * 15000, t * 0.5).ok());
    ASSERT_TRUE(app->Commit().ok());
  }
  options_.external_labels = [] { return tsdb::Labels{{"z", "ext"}}; };
  prometheus::ReadRequest req = Query(0, 20000 + 299 * 15000, "1|long");
  *req.add_queries() = Query(3000, 5000, "2").queries(0);
  req.add_accepted_response_types(prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  Response res = Send(req);
  ASSERT_EQ(res.status, 200) << res.body;
  std::vector<prometheus::ChunkedReadResponse> frames = Frames(res.body);
  ASSERT_EQ(frames.size(), 3u);  // one per series, each small enough for one frame

  auto samples_of = [](const prometheus::ChunkedSeries& s) {
    std::vector<tsdb::Sample> out;
    for (const prometheus::Chunk& c : s.chunks()) {
      EXPECT_EQ(c.type(), prometheus::Chunk::XOR);
      std::vector<tsdb::Sample> chunk;
      EXPECT_TRUE(tsdb::DecodeAll(std::string(1, '\x01') + c.data(), &chunk).ok());
      EXPECT_LE(chunk.size(), 120u);
      EXPECT_EQ(c.min_time_ms(), chunk.front().t);
      EXPECT_EQ(c.max_time_ms(), chunk.back().t);
      out.insert(out.end(), chunk.begin(), chunk.end());
    }
    return out;
  };
  // Query 0: m{i="1"} then m{i="long"}, in label order, external label added.
  EXPECT_EQ(frames[0].query_index(), 0);
  ASSERT_EQ(frames[0].chunked_series_size(), 1);
  const auto& one = frames[0].chunked_series(0);
  ASSERT_EQ(one.labels_size(), 3);
  EXPECT_EQ(one.labels(1).value(), "1");
  EXPECT_EQ(one.labels(2).name(), "z");
  std::vector<tsdb::Sample> got = samples_of(one);
  ASSERT_EQ(got.size(), 10u);
  EXPECT_EQ(got[3].t, 3000);
  EXPECT_EQ(got[3].v, 103);

  EXPECT_EQ(frames[1].query_index(), 0);
  const auto& long_series = frames[1].chunked_series(0);
  EXPECT_EQ(long_series.labels(1).value(), "long");
  EXPECT_EQ(long_series.chunks_size(), 3);
  got = samples_of(long_series);
  ASSERT_EQ(got.size(), 300u);
  for (int64_t t = 0; t < 300; ++t) {
    EXPECT_EQ(got[t].t, 20000 + t * 15000);
    EXPECT_EQ(got[t].v, t * 0.5);
  }
  // Query 1: only the samples in its range.
  EXPECT_EQ(frames[2].query_index(), 1);
  got = samples_of(frames[2].chunked_series(0));
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].t, 3000);
}

TEST_F(RemoteRead, StreamedSeriesSplitOverFramesBySize) {
  {
    auto app = db_->NewAppender();
    tsdb::Labels l{{"__name__", "m"}, {"i", "long"}};
    for (int64_t t = 0; t < 1000; ++t) ASSERT_TRUE(app->Append(0, l, 20000 + t * 15000, t * 1.1).ok());
    ASSERT_TRUE(app->Commit().ok());
  }
  options_.max_bytes_in_frame = 200;
  prometheus::ReadRequest req = Query(0, 20000 + 999 * 15000, "long");
  req.add_accepted_response_types(prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  std::vector<prometheus::ChunkedReadResponse> frames = Frames(Send(req).body);
  // Nine chunks (8 x 120 + 40), each over 100 bytes: two per frame at most.
  ASSERT_GE(frames.size(), 5u);
  int chunks = 0;
  int64_t last = -1;
  for (const auto& f : frames) {
    ASSERT_EQ(f.chunked_series_size(), 1);
    EXPECT_EQ(f.chunked_series(0).labels(1).value(), "long");
    EXPECT_LE(f.chunked_series(0).chunks_size(), 2);
    for (const auto& c : f.chunked_series(0).chunks()) {
      EXPECT_GT(c.min_time_ms(), last);
      last = c.max_time_ms();
      ++chunks;
    }
  }
  EXPECT_EQ(chunks, 9);
}

TEST_F(RemoteRead, SampleLimitAppliesToSamplesOnly) {
  options_.sample_limit = 5;
  Response res = Send(Query(0, 9000, "1"));
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body, "exceeded sample limit (5)\n");
  prometheus::ReadRequest req = Query(0, 9000, "1");
  req.add_accepted_response_types(prometheus::ReadRequest::STREAMED_XOR_CHUNKS);
  EXPECT_EQ(Send(req).status, 200);
}

TEST(ReadGate, LimitsHoldersAndGivesUpForAGoneClient) {
  ReadGate gate(2);
  ReadGate::Slot a = gate.Enter(nullptr);
  ReadGate::Slot b = gate.Enter(nullptr);
  EXPECT_TRUE(a && b);
  EXPECT_EQ(gate.active(), 2);
  std::atomic<bool> gone{true};
  EXPECT_FALSE(gate.Enter(&gone));  // full, and the client left
  std::atomic<bool> entered{false};
  std::thread waiter([&] {
    ReadGate::Slot c = gate.Enter(nullptr);
    entered = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(entered.load());
  { ReadGate::Slot release = std::move(a); }
  waiter.join();
  EXPECT_TRUE(entered.load());
  EXPECT_EQ(gate.active(), 1);
  ReadGate unlimited(0);
  std::vector<ReadGate::Slot> many;
  for (int i = 0; i < 50; ++i) many.push_back(unlimited.Enter(nullptr));
  EXPECT_EQ(unlimited.active(), 50);
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
