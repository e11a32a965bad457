#include "tsdb/chunkenc/chunk.h"

#include <bit>
#include <cassert>
#include <optional>

#include "tsdb/chunkenc/decimal_chunk.h"
#include "tsdb/chunkenc/xor_chunk.h"

namespace pharos::tsdb {
namespace {

constexpr size_t kHeaderBytes = 3;

}  // namespace

std::string EncodeBest(std::span<const Sample> samples) {
  assert(samples.size() <= XorChunk::kMaxSamples);
  // The decimal encoder sizes its options from statistics and writes once;
  // encode XOR too only if it could be smaller.
  std::string decimal = *EncodeDecimal(samples);
  if (decimal.size() <= XorSizeLowerBound(samples)) return decimal;
  XorChunk x;
  for (const Sample& s : samples) x.Append(s.t, s.v);
  if (decimal.size() <= x.bytes().size()) return decimal;
  return std::string(x.bytes());
}

Status DecodeAll(std::string_view encoded, std::vector<Sample>* out) {
  // Batch decoding: size *out once, let the decoders write through a raw
  // pointer with their state in locals, and check for a truncated stream
  // once at the end (reading past the end yields zero bits, never memory).
  if (encoded.size() < kHeaderBytes) return CorruptionError("chunk shorter than its header");
  const auto* data = reinterpret_cast<const uint8_t*>(encoded.data());
  const uint32_t n = (uint32_t{data[1]} << 8) | data[2];
  BitReader r(data + kHeaderBytes, encoded.size() - kHeaderBytes);
  const size_t old_size = out->size();
  const char* err = nullptr;
  switch (static_cast<Encoding>(data[0])) {
    case Encoding::kXor: {
      out->resize(old_size + n);
      XorDecoder x;
      err = x.DecodeAll(r, n, out->data() + old_size);
      break;
    }
    case Encoding::kDecimal: {
      DecimalDecoder d;
      err = d.Init(r, n);
      if (err == nullptr && r.overrun()) err = "truncated decimal chunk header";
      if (err != nullptr) break;
      out->resize(old_size + n);
      err = d.DecodeAll(r, out->data() + old_size);
      break;
    }
    default:
      return CorruptionError("unknown chunk encoding");
  }
  if (err == nullptr && r.overrun()) [[unlikely]] {
    err = "truncated chunk";
  }
  if (err != nullptr) [[unlikely]] {
    out->resize(old_size);
    return CorruptionError(err);
  }
  return Status();
}

void ChunkIterator::Reset(std::string_view encoded) {
  r_ = BitReader();
  xor_ = XorDecoder();
  decimal_ = DecimalDecoder();
  cur_ = Sample();
  error_ = nullptr;
  index_ = 0;
  n_ = 0;
  exhausted_ = false;
  if (encoded.size() < kHeaderBytes) {
    Fail("chunk shorter than its header");
    return;
  }
  const auto* data = reinterpret_cast<const uint8_t*>(encoded.data());
  const uint32_t n = (uint32_t{data[1]} << 8) | data[2];
  r_ = BitReader(data + kHeaderBytes, encoded.size() - kHeaderBytes);
  switch (static_cast<Encoding>(data[0])) {
    case Encoding::kXor:
      encoding_ = Encoding::kXor;
      break;
    case Encoding::kDecimal:
      encoding_ = Encoding::kDecimal;
      if (const char* err = decimal_.Init(r_, n)) {
        Fail(err);
        return;
      }
      if (r_.overrun()) {
        Fail("truncated decimal chunk header");
        return;
      }
      break;
    default:
      Fail("unknown chunk encoding");
      return;
  }
  n_ = n;
}

bool ChunkIterator::Fail(const char* why) {
  error_ = why;
  n_ = 0;
  exhausted_ = true;
  return false;
}

bool ChunkIterator::Next() {
  if (index_ >= n_) [[unlikely]] {
    exhausted_ = true;
    return false;
  }
  if (encoding_ == Encoding::kDecimal) {
    if (const char* err = decimal_.Next(r_, index_)) [[unlikely]] {
      return Fail(err);
    }
    cur_.t = decimal_.t();
    cur_.v = decimal_.v();
  } else {
    if (const char* err = xor_.Next(r_, index_)) [[unlikely]] {
      return Fail(err);
    }
    cur_.t = xor_.t();
    cur_.v = std::bit_cast<double>(xor_.value_bits());
  }
  if (r_.overrun()) [[unlikely]] {
    return Fail("truncated chunk");
  }
  ++index_;
  return true;
}

bool ChunkIterator::Seek(int64_t t) {
  if (exhausted_) return false;
  if (index_ > 0 && cur_.t >= t) return true;
  while (Next()) {
    if (cur_.t >= t) return true;
  }
  return false;
}

Status ChunkIterator::status() const {
  if (error_ == nullptr) return Status();
  return CorruptionError(error_);
}

Result<uint16_t> ChunkIterator::NumSamples(std::string_view encoded) {
  if (encoded.size() < kHeaderBytes) return CorruptionError("chunk shorter than its header");
  const auto enc = static_cast<Encoding>(encoded[0]);
  if (enc != Encoding::kXor && enc != Encoding::kDecimal) {
    return CorruptionError("unknown chunk encoding");
  }
  return static_cast<uint16_t>((static_cast<uint8_t>(encoded[1]) << 8) |
                               static_cast<uint8_t>(encoded[2]));
}

Result<std::pair<int64_t, int64_t>> ChunkIterator::TimeRange(std::string_view encoded) {
  ChunkIterator it(encoded);
  if (!it.Next()) {
    RETURN_IF_ERROR(it.status());
    return NotFoundError("empty chunk");
  }
  const int64_t first = it.At().t;
  int64_t last = first;
  while (it.Next()) last = it.At().t;
  RETURN_IF_ERROR(it.status());
  return std::make_pair(first, last);
}

}  // namespace pharos::tsdb
