#include "tsdb/chunkenc/xor_chunk.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>
#include <utility>

#include "tsdb/chunkenc/bit_stream.h"
#include "tsdb/chunkenc/chunk.h"
#include "tsdb/chunkenc/xor_decoder.h"

namespace pharos::tsdb {
namespace {

constexpr uint32_t kHeaderBytes = 3;
// Upper bound on one Append's bits: the first two samples write up to two
// 10-byte varints and 77 value bits, later ones 4+64 dod and 2+11+64 value
// bits.
constexpr uint32_t kMaxAppendBits = 80 + 77;
constexpr uint8_t kEmptyChunk[kHeaderBytes] = {static_cast<uint8_t>(Encoding::kXor), 0, 0};

uint32_t BytesFor(uint32_t bits) { return (bits + 7) / 8; }

// Sizes the allocator hands out without waste (glibc: 16n - 8 usable bytes).
uint32_t RoundAllocation(uint32_t n) { return ((n + 8 + 15) & ~15u) - 8; }

void WriteUvarint(BitWriter& w, uint64_t x) {
  while (x >= 0x80) {
    w.WriteBits((x & 0x7f) | 0x80, 8);
    x >>= 7;
  }
  w.WriteBits(x, 8);
}

// True if x is in [-(2^(bits-1) - 1), 2^(bits-1)], the range of a bucket.
bool FitsBucket(int64_t x, int bits) {
  const int64_t half = int64_t{1} << (bits - 1);
  return x >= -(half - 1) && x <= half;
}

void WriteDoD(BitWriter& w, int64_t dod) {
  if (dod == 0) {
    w.WriteBits(0, 1);
  } else if (FitsBucket(dod, 14)) {
    w.WriteBits((uint64_t{0b10} << 14) | (static_cast<uint64_t>(dod) & 0x3fff), 16);
  } else if (FitsBucket(dod, 17)) {
    w.WriteBits((uint64_t{0b110} << 17) | (static_cast<uint64_t>(dod) & 0x1ffff), 20);
  } else if (FitsBucket(dod, 20)) {
    w.WriteBits((uint64_t{0b1110} << 20) | (static_cast<uint64_t>(dod) & 0xfffff), 24);
  } else {
    w.WriteBits(0b1111, 4);
    w.WriteBits(static_cast<uint64_t>(dod), 64);
  }
}

// Writes v against prev, reusing or replacing the (leading, trailing) window.
void WriteXor(BitWriter& w, uint64_t v, uint64_t prev, uint8_t* leading, uint8_t* trailing) {
  const uint64_t x = v ^ prev;
  if (x == 0) {
    w.WriteBits(0, 1);
    return;
  }
  const int lead = std::min(std::countl_zero(x), 31);
  const int trail = std::countr_zero(x);
  if (*leading != 0xff && lead >= *leading && trail >= *trailing) {
    const int sig = 64 - *leading - *trailing;
    w.WriteBits(0b10, 2);
    w.WriteBits(x >> *trailing, sig);
    return;
  }
  const int sig = 64 - lead - trail;
  *leading = static_cast<uint8_t>(lead);
  *trailing = static_cast<uint8_t>(trail);
  // '11', 5 bits leading, 6 bits count (64 wraps to 0).
  w.WriteBits((uint64_t{0b11} << 11) | (static_cast<uint64_t>(lead) << 6) | (sig & 63), 13);
  w.WriteBits(x >> trail, sig);
}

}  // namespace

XorChunk::XorChunk(XorChunk&& other) noexcept { *this = std::move(other); }

XorChunk& XorChunk::operator=(XorChunk&& other) noexcept {
  if (this == &other) return *this;
  buf_ = std::move(other.buf_);
  bits_ = std::exchange(other.bits_, 0);
  cap_ = std::exchange(other.cap_, 0);
  min_t_ = std::exchange(other.min_t_, 0);
  t_ = std::exchange(other.t_, 0);
  t_delta_ = std::exchange(other.t_delta_, 0);
  v_ = std::exchange(other.v_, 0);
  n_ = std::exchange(other.n_, 0);
  leading_ = std::exchange(other.leading_, 0xff);
  trailing_ = std::exchange(other.trailing_, 0);
  return *this;
}

std::string_view XorChunk::bytes() const {
  if (buf_ == nullptr) return {reinterpret_cast<const char*>(kEmptyChunk), kHeaderBytes};
  return {reinterpret_cast<const char*>(buf_.get()), BytesFor(bits_)};
}

void XorChunk::Reallocate(uint32_t cap) {
  auto fresh = std::make_unique_for_overwrite<uint8_t[]>(cap);
  if (buf_ != nullptr) {
    std::memcpy(fresh.get(), buf_.get(), std::min(BytesFor(bits_), cap));
  } else {
    std::memcpy(fresh.get(), kEmptyChunk, kHeaderBytes);
    bits_ = kHeaderBytes * 8;
  }
  buf_ = std::move(fresh);
  cap_ = cap;
}

void XorChunk::Grow(uint32_t need) {
  // A quarter more, capped so a long chunk's slack stays bounded.
  Reallocate(RoundAllocation(need + std::clamp(need / 4, 16u, 1024u)));
}

void XorChunk::ShrinkToFit() {
  if (n_ == 0) {
    buf_.reset();
    bits_ = 0;
    cap_ = 0;
    return;
  }
  const uint32_t used = BytesFor(bits_);
  if (cap_ > used) Reallocate(used);
}

void XorChunk::Append(int64_t t, double v) {
  assert(n_ < kMaxSamples);
  // Encode into a scratch copy of the last partial byte first, so the
  // buffer only ever grows to the exact size it needs.
  const uint32_t start = buf_ == nullptr ? kHeaderBytes * 8 : bits_;
  const uint32_t offset = start & 7;
  uint8_t scratch[(kMaxAppendBits + 7) / 8 + 1 + BitWriter::kSlackBytes];
  scratch[0] = offset != 0 ? buf_[start / 8] : 0;
  BitWriter w(scratch, offset);

  const uint64_t vb = std::bit_cast<uint64_t>(v);
  const int64_t delta = static_cast<int64_t>(static_cast<uint64_t>(t) - static_cast<uint64_t>(t_));
  if (n_ == 0) {
    const uint64_t u = t;
    WriteUvarint(w, (u << 1) ^ (0 - (u >> 63)));  // zigzag
    w.WriteBits(vb, 64);
    min_t_ = t;
  } else if (n_ == 1) {
    WriteUvarint(w, static_cast<uint64_t>(delta));
    WriteXor(w, vb, v_, &leading_, &trailing_);
  } else {
    WriteDoD(w,
             static_cast<int64_t>(static_cast<uint64_t>(delta) - static_cast<uint64_t>(t_delta_)));
    WriteXor(w, vb, v_, &leading_, &trailing_);
  }

  w.Flush();
  const uint32_t end = start + static_cast<uint32_t>(w.bit_pos() - offset);
  const uint32_t need = BytesFor(end);
  if (buf_ == nullptr || need > cap_) Grow(need);
  std::memcpy(buf_.get() + start / 8, scratch, need - start / 8);
  bits_ = end;
  t_ = t;
  t_delta_ = n_ == 0 ? 0 : delta;
  v_ = vb;
  ++n_;
  buf_[1] = static_cast<uint8_t>(n_ >> 8);
  buf_[2] = static_cast<uint8_t>(n_);
}

Result<XorChunk> XorChunk::FromBytes(std::string_view encoded) {
  if (encoded.size() < kHeaderBytes ||
      static_cast<uint8_t>(encoded[0]) != static_cast<uint8_t>(Encoding::kXor)) {
    return CorruptionError("not an XOR chunk");
  }
  const auto* data = reinterpret_cast<const uint8_t*>(encoded.data());
  const uint16_t n = static_cast<uint16_t>((data[1] << 8) | data[2]);
  const size_t stream_bytes = encoded.size() - kHeaderBytes;
  if (stream_bytes > (size_t{1} << 28)) return CorruptionError("XOR chunk too large");

  BitReader r(data + kHeaderBytes, stream_bytes);
  XorDecoder d;
  int64_t min_t = 0;
  for (uint32_t i = 0; i < n; ++i) {
    if (const char* err = d.Next(r, i)) return CorruptionError(err);
    if (r.overrun()) return CorruptionError("truncated XOR chunk");
    if (i == 0) min_t = d.t();
  }
  const uint64_t used_bits = stream_bytes * 8 - r.BitsLeft();
  if (BytesFor(static_cast<uint32_t>(used_bits)) != stream_bytes) {
    return CorruptionError("trailing bytes after XOR chunk");
  }
  const int pad = static_cast<int>(r.BitsLeft());
  if (pad > 0 && r.Read(pad) != 0) return CorruptionError("non-zero XOR chunk padding");

  XorChunk c;
  if (n == 0) return c;
  c.Grow(static_cast<uint32_t>(encoded.size()));
  std::memcpy(c.buf_.get(), data, encoded.size());
  c.bits_ = static_cast<uint32_t>(kHeaderBytes * 8 + used_bits);
  c.min_t_ = min_t;
  c.t_ = d.t();
  c.t_delta_ = d.t_delta();
  c.v_ = d.value_bits();
  c.n_ = n;
  c.leading_ = d.leading();
  c.trailing_ = d.trailing();
  return c;
}

size_t XorSizeLowerBound(std::span<const Sample> samples) {
  const auto varint_bits = [](uint64_t u) {
    return 8 * static_cast<uint64_t>(std::max(1, (static_cast<int>(std::bit_width(u)) + 6) / 7));
  };
  uint64_t bits = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    const uint64_t t = static_cast<uint64_t>(samples[i].t);
    const uint64_t v = std::bit_cast<uint64_t>(samples[i].v);
    if (i == 0) {
      bits += varint_bits((t << 1) ^ (0 - (t >> 63))) + 64;
      continue;
    }
    const uint64_t delta = t - static_cast<uint64_t>(samples[i - 1].t);
    if (i == 1) {
      bits += varint_bits(delta);
    } else {
      const auto dod = static_cast<int64_t>(delta - (static_cast<uint64_t>(samples[i - 1].t) -
                                                     static_cast<uint64_t>(samples[i - 2].t)));
      bits += dod == 0              ? 1
              : FitsBucket(dod, 14) ? 16
              : FitsBucket(dod, 17) ? 20
              : FitsBucket(dod, 20) ? 24
                                    : 68;
    }
    // A changed value costs its significant bits and at least two control
    // bits, whatever the window.
    const uint64_t x = v ^ std::bit_cast<uint64_t>(samples[i - 1].v);
    bits += x == 0 ? 1 : 66 - std::countl_zero(x) - std::countr_zero(x);
  }
  return kHeaderBytes + BytesFor(static_cast<uint32_t>(std::min<uint64_t>(bits, 1u << 31)));
}

}  // namespace pharos::tsdb
