#include "server/remote/write_handler.h"

#include <memory>
#include <string>

#include "server/app_state.h"
#include "server/remote/series_ref_cache.h"
#include "server/remote/snappy_block.h"
#include "server/remote/write_request.h"
#include "tsdb/db.h"

namespace pharos::server {
namespace {

// The most a request body may decompress to.
constexpr size_t kMaxDecodedBytes = 256u << 20;

Response BadRequest(std::string msg) { return Response::Text(400, std::move(msg) + "\n"); }

// Checks one series' wire labels the way a stored series must look.
Status CheckSeries(const WireLabel* labels, size_t n) {
  if (n == 0) return Status(StatusCode::kInvalidArgument, "series without labels");
  bool has_name = false;
  for (size_t i = 0; i < n; ++i) {
    const WireLabel& l = labels[i];
    if (i > 0 && l.name <= labels[i - 1].name) {
      return Status(StatusCode::kInvalidArgument,
                    l.name == labels[i - 1].name
                        ? "duplicate label name \"" + std::string(l.name) + "\""
                        : "labels are not sorted by name at \"" + std::string(l.name) + "\"");
    }
    if (!tsdb::ValidLabelName(l.name)) {
      return Status(StatusCode::kInvalidArgument,
                    "invalid label name \"" + std::string(l.name) + "\"");
    }
    if (!tsdb::ValidUtf8(l.value)) {
      return Status(StatusCode::kInvalidArgument,
                    "invalid UTF-8 in the value of label \"" + std::string(l.name) + "\"");
    }
    if (l.name == tsdb::kMetricName && !l.value.empty()) has_name = true;
  }
  if (!has_name) return Status(StatusCode::kInvalidArgument, "series without a metric name");
  return Status();
}

tsdb::Labels ToLabels(const WireLabel* labels, size_t n) {
  std::vector<tsdb::Label> v;
  v.reserve(n);
  for (size_t i = 0; i < n; ++i) v.push_back({std::string(labels[i].name), std::string(labels[i].value)});
  return tsdb::Labels(std::move(v));
}

class WriteHandler {
 public:
  WriteHandler(AppState& app, RemoteWriteStats& stats) : app_(app), stats_(stats) {}

  Response Handle(const Request& req) {
    stats_.requests.fetch_add(1, std::memory_order_relaxed);
    Response res = Write(req);
    if (res.status != 204) stats_.rejected_requests.fetch_add(1, std::memory_order_relaxed);
    return res;
  }

 private:
  Response Write(const Request& req) {
    Result<std::string> raw = SnappyDecode(req.body, kMaxDecodedBytes);
    if (!raw.ok()) return BadRequest(raw.status().message());
    thread_local WriteRequestView wr;
    if (Status st = DecodeWriteRequest(*raw, &wr); !st.ok()) return BadRequest(st.message());
    // Validated whole first: a bad series refuses the request before any
    // sample of it is stored. A series whose label bytes are cached was
    // validated when they were first stored.
    std::vector<Known> known(wr.series.size());
    for (size_t i = 0; i < wr.series.size(); ++i) {
      const WireSeries& s = wr.series[i];
      if (!s.label_bytes.empty()) {
        known[i].hash = SeriesRefCache::Hash(s.label_bytes);
        known[i].entry = cache_.Find(known[i].hash, s.label_bytes);
      }
      if (known[i].entry != nullptr) continue;
      if (Status st = CheckSeries(&wr.labels[s.first_label], s.num_labels); !st.ok()) {
        return BadRequest(st.message());
      }
    }
    return Store(wr, known);
  }

  // Each series' cache entry (null when its labels are not cached) and the
  // hash of its label bytes.
  struct Known {
    SeriesRefCache::EntryPtr entry;
    uint64_t hash = 0;
  };

  Response Store(const WriteRequestView& wr, const std::vector<Known>& known) {
    tsdb::Db* db = app_.db();
    std::unique_ptr<tsdb::Appender> app = db->NewAppender();
    uint64_t stored = 0;
    for (size_t i = 0; i < wr.series.size(); ++i) {
      const WireSeries& s = wr.series[i];
      if (s.num_samples == 0) continue;
      const SeriesRefCache::Entry* entry = known[i].entry.get();
      tsdb::Labels built;
      if (entry == nullptr) built = ToLabels(&wr.labels[s.first_label], s.num_labels);
      const tsdb::Labels& lset = entry != nullptr ? entry->labels : built;
      tsdb::SeriesRef ref = entry != nullptr ? entry->ref.load(std::memory_order_relaxed) : 0;
      const tsdb::SeriesRef first_ref = ref;
      for (uint32_t j = 0; j < s.num_samples; ++j) {
        const WireSample& smp = wr.samples[s.first_sample + j];
        Result<tsdb::SeriesRef> r = app->Append(ref, lset, smp.timestamp, smp.value);
        if (!r.ok()) {
          app->Rollback().IgnoreError();
          // Out of order, out of bounds, duplicate: the client must not retry.
          if (r.status().code() == StatusCode::kOutOfRange ||
              r.status().code() == StatusCode::kInvalidArgument) {
            return BadRequest(r.status().message());
          }
          return Response::Text(500, r.status().message() + "\n");
        }
        ref = *r;
      }
      stored += s.num_samples;
      if (ref != first_ref && !s.label_bytes.empty()) cache_.Put(known[i].hash, s.label_bytes, lset, ref);
    }
    if (Status st = app->Commit(); !st.ok()) return Response::Text(500, st.message() + "\n");
    stats_.samples.fetch_add(stored, std::memory_order_relaxed);
    Response res;
    res.status = 204;
    return res;
  }

  AppState& app_;
  RemoteWriteStats& stats_;
  SeriesRefCache cache_;
};

}  // namespace

void RegisterRemoteWrite(Router& router, AppState& app, RemoteWriteStats& stats) {
  if (!app.flags.enable_remote_write_receiver) {
    router.Handle("POST", "/api/v1/write", [](const Request&) {
      // Prometheus 2.42's words (it names the older feature flag; both
      // spellings enable it there).
      return Response::Text(404,
                            "remote write receiver needs to be enabled with "
                            "--enable-feature=remote-write-receiver\n");
    });
    return;
  }
  auto handler = std::make_shared<WriteHandler>(app, stats);
  router.Handle("POST", "/api/v1/write",
                WhenReady(app, [handler](const Request& req) { return handler->Handle(req); }));
}

}  // namespace pharos::server
