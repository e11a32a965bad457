// WriteRequestView: a remote-write 1.0 `WriteRequest` decoded without
// copying: label names and values view the decompressed buffer, which must
// outlive the view. Only what a receiver needs is kept (series labels and
// float samples); metadata, exemplars and native histograms are skipped.
//
// The protobuf schema, from the public remote-write 1.0 spec:
//   message WriteRequest { repeated TimeSeries timeseries = 1;
//                          repeated MetricMetadata metadata = 3; }
//   message TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; ... }
//   message Label        { string name = 1; string value = 2; }
//   message Sample       { double value = 1; int64 timestamp = 2; }
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "tsdb/status.h"

namespace pharos::server {

struct WireLabel {
  std::string_view name;
  std::string_view value;
};

struct WireSample {
  double value = 0;
  int64_t timestamp = 0;
};

struct WireSeries {
  uint32_t first_label = 0, num_labels = 0;
  uint32_t first_sample = 0, num_samples = 0;
  // The series' label fields exactly as they arrived, tags included, when
  // nothing else sits between them (every client sends them so); empty
  // otherwise. Equal bytes always decode to equal labels, so the receiver
  // keys its series cache by them without looking at single labels.
  std::string_view label_bytes;
};

struct WriteRequestView {
  std::vector<WireLabel> labels;
  std::vector<WireSample> samples;
  std::vector<WireSeries> series;

  void Clear() {
    labels.clear();
    samples.clear();
    series.clear();
  }
};

// Decodes `buf` into `out` (cleared first). kInvalidArgument with the reason
// for anything that is not a well-formed message of the schema above.
Status DecodeWriteRequest(std::string_view buf, WriteRequestView* out);

// Encodes series as a WriteRequest (for tests and tools).
std::string EncodeWriteRequest(const WriteRequestView& req);

}  // namespace pharos::server
