// The STREAMED_XOR_CHUNKS answer of remote read, as Prometheus 2.42 writes
// it (storage/remote/codec.go StreamChunkedReadResponses, chunked.go):
// Content-Type "application/x-streamed-protobuf;
// proto=prometheus.ChunkedReadResponse", a sequence of frames
//
//   frame := uvarint(len(msg)) | crc32c(msg):u32 big-endian | msg
//
// where each msg is a ChunkedReadResponse (remote.proto) holding one series
// (its labels merged with the external labels) and some of its chunks,
// with the index of the query it answers. A series whose chunks exceed
// `max_bytes_in_frame` (less its labels) is split over several frames;
// frames overshoot the budget by at most one chunk. Chunks are Prometheus
// XOR chunks (Chunk.type XOR, data byte-for-byte a Prometheus chunk) of at
// most 120 samples, cut from the samples in the selected range.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tsdb/labels.h"
#include "tsdb/status.h"
#include "tsdb/storage.h"

namespace pharos::server {

// Samples per chunk, as Prometheus' head cuts them.
inline constexpr int kSamplesPerStreamedChunk = 120;

// CRC-32C (Castagnoli) of `data`, as Go's crc32.Checksum(data,
// crc32.MakeTable(crc32.Castagnoli)).
uint32_t Crc32c(std::string_view data);

// Appends one frame carrying `msg` to *out.
void AppendFrame(std::string_view msg, std::string* out);

// Appends the frames of every series of `set` to *out; `external` are the
// external labels, `query_index` the query's position in the request.
// Errors: the set's or an iterator's status.
Status AppendChunkedSeriesFrames(tsdb::SeriesSet& set, const tsdb::Labels& external,
                                 int64_t query_index, size_t max_bytes_in_frame,
                                 std::string* out);

}  // namespace pharos::server
