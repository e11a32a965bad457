// The remote-write receiver: POST /api/v1/write, remote-write 1.0 (a
// snappy-compressed protobuf WriteRequest), as Prometheus 2.42 answers it:
// 204 when every sample was stored; 400 for a body that does not decode or
// holds an invalid series (unsorted or duplicate label names, invalid names
// or UTF-8, no metric name) and for a sample refused as out of order, out of
// bounds or a duplicate; 500 when storage fails. A request is one storage
// batch: it is validated whole before anything is appended and rolled back
// on the first refused sample, so a retry never stores a sample twice.
// Without --web.enable-remote-write-receiver the path answers 404 with
// Prometheus' text.
//
// Thread-safety: the handler may run on many threads at once.
#pragma once

#include <atomic>
#include <cstdint>

namespace pharos::server {

class AppState;
class Router;

// Counters of the receiver, for /metrics.
struct RemoteWriteStats {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> samples{0};          // stored
  std::atomic<uint64_t> rejected_requests{0};  // 4xx and 5xx answers
};

// Registers POST /api/v1/write. `stats` must outlive the router.
void RegisterRemoteWrite(Router& router, AppState& app, RemoteWriteStats& stats);

}  // namespace pharos::server
