#include "server/remote/chunked_read.h"

#include <array>
#include <memory>
#include <vector>

#include "server/remote/merged_labels.h"
#include "server/remote/remote.pb.h"
#include "tsdb/chunkenc/xor_chunk.h"

namespace pharos::server {
namespace {

constexpr uint32_t kCastagnoli = 0x82f63b78;  // reversed polynomial

const std::array<uint32_t, 256>& CrcTable() {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kCastagnoli : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  return table;
}

void AppendUvarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Builds the frames of one series.
class SeriesFramer {
 public:
  SeriesFramer(const tsdb::Labels& labels, const tsdb::Labels& external, int64_t query_index,
               size_t max_bytes_in_frame, std::string* out)
      : out_(out) {
    msg_.set_query_index(query_index);
    series_ = msg_.add_chunked_series();
    AddMergedLabels(labels, external, series_);
    budget_ = static_cast<int64_t>(max_bytes_in_frame);
    for (const prometheus::Label& l : series_->labels()) {
      budget_ -= static_cast<int64_t>(l.ByteSizeLong());
    }
    left_ = budget_;
  }

  void Add(int64_t t, double v) {
    if (chunk_.num_samples() == kSamplesPerStreamedChunk) CutChunk();
    chunk_.Append(t, v);
  }

  // Cuts the open chunk and writes what is left.
  void Finish() {
    if (chunk_.num_samples() > 0) CutChunk();
    if (series_->chunks_size() > 0) Flush();
  }

 private:
  void CutChunk() {
    // A full frame is written only once another chunk follows.
    if (left_ <= 0) Flush();
    prometheus::Chunk* c = series_->add_chunks();
    c->set_min_time_ms(chunk_.min_time());
    c->set_max_time_ms(chunk_.max_time());
    c->set_type(prometheus::Chunk::XOR);
    c->set_data(std::string(chunk_.bytes().substr(1)));  // less Pharos' encoding byte
    left_ -= static_cast<int64_t>(c->ByteSizeLong());
    chunk_ = tsdb::XorChunk();
  }

  void Flush() {
    AppendFrame(msg_.SerializeAsString(), out_);
    series_->clear_chunks();
    left_ = budget_;
  }

  std::string* out_;
  prometheus::ChunkedReadResponse msg_;
  prometheus::ChunkedSeries* series_;
  tsdb::XorChunk chunk_;
  int64_t budget_ = 0;  // max_bytes_in_frame less the labels
  int64_t left_ = 0;    // of budget_, in the frame being filled
};

}  // namespace

uint32_t Crc32c(std::string_view data) {
  const auto& table = CrcTable();
  uint32_t crc = 0xffffffff;
  for (unsigned char b : data) crc = table[(crc ^ b) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffff;
}

void AppendFrame(std::string_view msg, std::string* out) {
  AppendUvarint(msg.size(), out);
  uint32_t crc = Crc32c(msg);
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(crc >> shift));
  out->append(msg);
}

Status AppendChunkedSeriesFrames(tsdb::SeriesSet& set, const tsdb::Labels& external,
                                 int64_t query_index, size_t max_bytes_in_frame,
                                 std::string* out) {
  while (set.Next()) {
    const tsdb::Series& series = set.At();
    SeriesFramer framer(series.labels(), external, query_index, max_bytes_in_frame, out);
    std::unique_ptr<tsdb::SampleIterator> it = series.Iterator();
    while (it->Next()) {
      tsdb::Sample s = it->At();
      framer.Add(s.t, s.v);
    }
    RETURN_IF_ERROR(it->status());
    framer.Finish();
  }
  return set.status();
}

}  // namespace pharos::server
