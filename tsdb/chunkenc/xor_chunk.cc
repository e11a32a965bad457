#include "tsdb/chunkenc/xor_chunk.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>
#include <string>
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
// Room Append keeps past the used bytes: its worst case, a partial byte,
// and the writer's slack.
constexpr uint32_t kAppendRoom = (kMaxAppendBits + 7) / 8 + 1 + BitWriter::kSlackBytes;
constexpr uint8_t kEmptyChunk[kHeaderBytes] = {static_cast<uint8_t>(Encoding::kXor), 0, 0};
// Bytes of the state after its three varints: value, window, check.
constexpr size_t kStateTailBytes = 8 + 1 + 1 + 4;
constexpr uint64_t kCheckMultiplier = 0x9e3779b97f4a7c15ULL;

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

// Writes a non-zero timestamp delta-of-delta.
void WriteDoD(BitWriter& w, int64_t dod) {
  if (FitsBucket(dod, 14)) {
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

// Writes `zeros` (0 or 1) zero bits, then `code`'s n bits: one write when
// they fit in a word.
[[gnu::always_inline]] inline void WriteAfterZeros(BitWriter& w, int zeros, uint64_t code, int n) {
  if (n + zeros <= 64) [[likely]] {
    w.WriteBits(code, n + zeros);
  } else {
    w.WriteBits(0, zeros);
    w.WriteBits(code, n);
  }
}

// Writes x = bits(v) ^ bits(previous v) after `zeros` zero bits (the
// timestamp's '0'), reusing or replacing the (leading, trailing) window.
[[gnu::always_inline]] inline void WriteXor(BitWriter& w, int zeros, uint64_t x, uint8_t* leading,
                                            uint8_t* trailing) {
  if (x == 0) {
    w.WriteBits(0, 1 + zeros);
    return;
  }
  const int lead = std::min(std::countl_zero(x), 31);
  const int trail = std::countr_zero(x);
  if (*leading != 0xff && lead >= *leading && trail >= *trailing) {
    // '10' and the bits in the window.
    const int sig = 64 - *leading - *trailing;
    const uint64_t payload = x >> *trailing;
    if (sig <= 62) {
      WriteAfterZeros(w, zeros, (uint64_t{0b10} << sig) | payload, sig + 2);
    } else {
      WriteAfterZeros(w, zeros, 0b10, 2);
      w.WriteBits(payload, sig);
    }
    return;
  }
  const int sig = 64 - lead - trail;
  *leading = static_cast<uint8_t>(lead);
  *trailing = static_cast<uint8_t>(trail);
  // '11', 5 bits leading, 6 bits count (64 wraps to 0), the bits.
  const uint64_t head =
      (uint64_t{0b11} << 11) | (static_cast<uint64_t>(lead) << 6) | static_cast<uint64_t>(sig & 63);
  const uint64_t payload = x >> trail;
  if (sig <= 51) {
    WriteAfterZeros(w, zeros, (head << sig) | payload, 13 + sig);
  } else {
    WriteAfterZeros(w, zeros, head, 13);
    w.WriteBits(payload, sig);
  }
}

uint64_t LoadLittleEndian64(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof(w));
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
  return w;
}

// The check of the state layout in xor_chunk.h.
uint32_t StateCheck(std::string_view bytes) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t n = bytes.size();
  uint64_t h = static_cast<uint64_t>(n) * kCheckMultiplier;
  for (size_t i = 0; i < n; i += 8) {
    uint8_t word[8] = {};
    std::memcpy(word, p + i, std::min<size_t>(8, n - i));
    h = (h ^ LoadLittleEndian64(word)) * kCheckMultiplier;
    h ^= h >> 32;
  }
  return static_cast<uint32_t>(h);
}

void PutUvarint(std::string* out, uint64_t x) {
  while (x >= 0x80) {
    out->push_back(static_cast<char>((x & 0x7f) | 0x80));
    x >>= 7;
  }
  out->push_back(static_cast<char>(x));
}

// Reads a uvarint off the front of *in; false if malformed or truncated.
bool GetUvarint(std::string_view* in, uint64_t* out) {
  uint64_t x = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    const auto b = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    if (shift == 63 && b > 1) return false;
    x |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) {
      *out = x;
      return true;
    }
  }
  return false;
}

uint64_t ZigZag64(int64_t x) {
  const auto u = static_cast<uint64_t>(x);
  return (u << 1) ^ (0 - (u >> 63));
}
int64_t UnZigZag64(uint64_t z) { return static_cast<int64_t>((z >> 1) ^ (0 - (z & 1))); }

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

void XorChunk::GrowForAppend() {
  Grow((buf_ == nullptr ? kHeaderBytes : BytesFor(bits_)) + kAppendRoom);
}

void XorChunk::Append(int64_t t, double v) {
  assert(n_ < kMaxSamples);
  // Write in place: the buffer always has room for the worst case.
  if (BytesFor(bits_) + kAppendRoom > cap_) [[unlikely]]
    GrowForAppend();
  BitWriter w(buf_.get(), bits_);
  const uint64_t vb = std::bit_cast<uint64_t>(v);
  const uint64_t delta = static_cast<uint64_t>(t) - static_cast<uint64_t>(t_);
  if (n_ >= 2) [[likely]] {
    // A zero delta-of-delta is one '0' bit, written with the value.
    const auto dod = static_cast<int64_t>(delta - static_cast<uint64_t>(t_delta_));
    if (dod != 0) WriteDoD(w, dod);
    WriteXor(w, dod == 0 ? 1 : 0, vb ^ v_, &leading_, &trailing_);
    t_delta_ = static_cast<int64_t>(delta);
  } else if (n_ == 0) {
    const uint64_t u = static_cast<uint64_t>(t);
    WriteUvarint(w, (u << 1) ^ (0 - (u >> 63)));  // zigzag
    w.WriteBits(vb, 64);
    min_t_ = t;
  } else {
    WriteUvarint(w, delta);
    WriteXor(w, 0, vb ^ v_, &leading_, &trailing_);
    t_delta_ = static_cast<int64_t>(delta);
  }
  w.Flush();
  bits_ = static_cast<uint32_t>(w.bit_pos());
  t_ = t;
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
  c.Grow(static_cast<uint32_t>(encoded.size()) + kAppendRoom);
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

void XorChunk::AppendState(std::string* out) const {
  PutUvarint(out, std::max<uint32_t>(bits_, kHeaderBytes * 8));
  PutUvarint(out, ZigZag64(t_));
  PutUvarint(out, ZigZag64(t_delta_));
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v_ >> (8 * i)));
  out->push_back(static_cast<char>(leading_));
  out->push_back(static_cast<char>(trailing_));
  const uint32_t check = StateCheck(bytes());
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(check >> (8 * i)));
}

Result<XorChunk> XorChunk::Restore(std::string_view bytes, std::string_view state) {
  if (bytes.size() < kHeaderBytes ||
      static_cast<uint8_t>(bytes[0]) != static_cast<uint8_t>(Encoding::kXor)) {
    return CorruptionError("not an XOR chunk");
  }
  if (bytes.size() > (size_t{1} << 28)) return CorruptionError("XOR chunk too large");
  uint64_t bits, zt, zdelta;
  std::string_view in = state;
  if (!GetUvarint(&in, &bits) || !GetUvarint(&in, &zt) || !GetUvarint(&in, &zdelta) ||
      in.size() != kStateTailBytes) {
    return CorruptionError("malformed XOR chunk state");
  }
  const auto* tail = reinterpret_cast<const uint8_t*>(in.data());
  const uint64_t v = LoadLittleEndian64(tail);
  const uint8_t leading = tail[8], trailing = tail[9];
  const uint32_t check = static_cast<uint32_t>(tail[10]) | static_cast<uint32_t>(tail[11]) << 8 |
                         static_cast<uint32_t>(tail[12]) << 16 |
                         static_cast<uint32_t>(tail[13]) << 24;
  if (check != StateCheck(bytes)) return CorruptionError("XOR chunk state is for other bytes");
  const bool window_ok =
      leading == 0xff ? trailing == 0 : leading <= 31 && trailing <= 63 && leading + trailing <= 63;
  if (!window_ok) return CorruptionError("bad XOR window in chunk state");
  const int64_t t = UnZigZag64(zt), delta = UnZigZag64(zdelta);

  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  const uint16_t n = static_cast<uint16_t>((data[1] << 8) | data[2]);
  if (n == 0) {
    if (bytes.size() != kHeaderBytes || bits != kHeaderBytes * 8 || t != 0 || delta != 0 ||
        v != 0 || leading != 0xff) {
      return CorruptionError("XOR chunk state does not fit an empty chunk");
    }
    return XorChunk();
  }
  if (bits > bytes.size() * 8 || BytesFor(static_cast<uint32_t>(bits)) != bytes.size()) {
    return CorruptionError("XOR chunk state's bit count does not fit the chunk");
  }
  if ((bits & 7) != 0 && (data[bytes.size() - 1] & (0xffu >> (bits & 7))) != 0) {
    return CorruptionError("non-zero XOR chunk padding");
  }
  // The first sample is cheap to read: a varint and 64 bits, byte-aligned.
  BitReader r(data + kHeaderBytes, bytes.size() - kHeaderBytes);
  uint64_t zt0;
  if (!ReadUvarintBits(r, &zt0)) return CorruptionError("bad first timestamp");
  const uint64_t v0 = r.ReadLong(64);
  if (r.overrun()) return CorruptionError("truncated XOR chunk");
  const uint64_t first_bits = bytes.size() * 8 - r.BitsLeft();
  const int64_t min_t = UnZigZag64(zt0);
  if (n == 1) {
    if (bits != first_bits || t != min_t || delta != 0 || v != v0 || leading != 0xff) {
      return CorruptionError("XOR chunk state does not fit its only sample");
    }
  } else {
    // At least a one-byte delta and a bit for sample 1, two bits for others.
    if (bits < first_bits + 9 + 2 * (uint64_t{n} - 2)) {
      return CorruptionError("XOR chunk state's bit count too small for its samples");
    }
    if (n == 2 &&
        static_cast<uint64_t>(t) - static_cast<uint64_t>(min_t) != static_cast<uint64_t>(delta)) {
      return CorruptionError("XOR chunk state does not fit its samples");
    }
  }

  XorChunk c;
  c.Grow(static_cast<uint32_t>(bytes.size()) + kAppendRoom);
  std::memcpy(c.buf_.get(), data, bytes.size());
  c.bits_ = static_cast<uint32_t>(bits);
  c.min_t_ = min_t;
  c.t_ = t;
  c.t_delta_ = delta;
  c.v_ = v;
  c.n_ = n;
  c.leading_ = leading;
  c.trailing_ = trailing;
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
