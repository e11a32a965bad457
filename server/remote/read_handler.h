// POST /api/v1/read: Prometheus' remote read, answered as Prometheus 2.42
// answers it (storage/remote/read_handler.go).
//
// The body is a snappy block (not framed) holding a prometheus.ReadRequest
// (remote.proto). Each query's matchers select series over [start, end];
// the answer is a snappy-compressed ReadResponse with one QueryResult per
// query, in order, each series with its labels (plus the external labels it
// lacks) and raw samples, Content-Type application/x-protobuf,
// Content-Encoding snappy.
//
// Response types: the first of the request's accepted_response_types that
// Pharos serves, SAMPLES when it lists none. STREAMED_XOR_CHUNKS is
// answered as server/remote/chunked_read.h describes: frames of
// ChunkedReadResponse with XOR chunks, Content-Type
// "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse"
// (the frames are built whole, then sent with a Content-Length). A request
// listing only unknown types gets 400 "server does not support any of the
// requested response types: ...".
//
// Errors: 400 with the reason for a body that is not snappy or not a
// ReadRequest, a bad regular expression, or (SAMPLES only, as in
// Prometheus) more than `sample_limit` samples ("exceeded sample limit
// (N)"); 500 when storage fails, or when the client hangs up while the
// request waits for the gate.
//
// Concurrency: with a `gate`, at most its limit of requests are served at
// once and the others wait (--storage.remote.read-concurrent-limit).
// As in Prometheus, an equality matcher on an external label with the
// external value (or on any other label with the empty value) is dropped
// before selecting, since stored series do not carry external labels.
//
// Thread-safety: a pure function of storage and the request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "server/http_message.h"
#include "server/remote/read_gate.h"
#include "tsdb/labels.h"
#include "tsdb/storage.h"

namespace pharos::server {

struct RemoteReadOptions {
  // Most samples one request may return (Prometheus'
  // --storage.remote.read-sample-limit). 0 is no limit. Default: 5e7.
  int64_t sample_limit = 50'000'000;
  // Largest compressed request body read. Default: 32 MiB.
  size_t max_request_bytes = size_t{32} << 20;
  // The configuration's external labels; unset means none.
  std::function<tsdb::Labels()> external_labels;
  // The frame size streamed answers aim at (Prometheus'
  // --storage.remote.read-max-bytes-in-frame). Default: 1 MiB.
  size_t max_bytes_in_frame = 1 << 20;
  // Shared by every request; null is no limit.
  std::shared_ptr<ReadGate> gate;
};

Response HandleRemoteRead(tsdb::Queryable& storage, const RemoteReadOptions& options,
                          const Request& request);

}  // namespace pharos::server
