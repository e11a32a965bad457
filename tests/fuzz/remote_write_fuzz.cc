// libFuzzer target for the remote-write decoder (server/remote/
// write_request.h), checked against protobuf's own parser of the same
// schema (server/remote/remote.proto):
//   - DecodeWriteRequest never crashes, and either fails with
//     kInvalidArgument or returns in-bounds ranges;
//   - when both it and protobuf accept an input, they agree on every
//     series' labels and samples (bit for bit).
// Build and run: tests/fuzz/README.md.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "server/remote/remote.pb.h"
#include "server/remote/write_request.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  thread_local pharos::server::WriteRequestView view;
  pharos::Status st = pharos::server::DecodeWriteRequest(input, &view);
  if (!st.ok()) {
    Check(st.code() == pharos::StatusCode::kInvalidArgument);
    return 0;
  }
  for (const auto& s : view.series) {
    Check(uint64_t{s.first_label} + s.num_labels <= view.labels.size());
    Check(uint64_t{s.first_sample} + s.num_samples <= view.samples.size());
  }
  for (const auto& l : view.labels) {
    Check(l.name.data() >= input.data() || l.name.empty());
    Check(l.name.empty() || l.name.data() + l.name.size() <= input.data() + input.size());
    Check(l.value.empty() || l.value.data() + l.value.size() <= input.data() + input.size());
  }

  prometheus::WriteRequest ref;
  if (!ref.ParseFromArray(data, static_cast<int>(size))) return 0;
  Check(static_cast<size_t>(ref.timeseries_size()) == view.series.size());
  for (int i = 0; i < ref.timeseries_size(); ++i) {
    const prometheus::TimeSeries& ts = ref.timeseries(i);
    const auto& s = view.series[i];
    Check(static_cast<size_t>(ts.labels_size()) == s.num_labels);
    Check(static_cast<size_t>(ts.samples_size()) == s.num_samples);
    for (int j = 0; j < ts.labels_size(); ++j) {
      const auto& l = view.labels[s.first_label + j];
      Check(ts.labels(j).name() == l.name && ts.labels(j).value() == l.value);
    }
    for (int j = 0; j < ts.samples_size(); ++j) {
      const auto& smp = view.samples[s.first_sample + j];
      double a = ts.samples(j).value(), b = smp.value;
      Check(std::memcmp(&a, &b, sizeof a) == 0);
      Check(ts.samples(j).timestamp() == smp.timestamp);
    }
  }
  return 0;
}
