// XorDecoder: the sample-by-sample decoder for the XOR (Gorilla) bit stream
// written by XorChunk. ChunkIterator and XorChunk::FromBytes drive it; other
// code should use ChunkIterator.
//
// The format is described in tsdb/chunkenc/xor_chunk.h.
//
// Thread-safety: a plain value; one thread per object.
#pragma once

#include <bit>
#include <cstdint>

#include "tsdb/chunkenc/bit_stream.h"
#include "tsdb/sample.h"

namespace pharos::tsdb {

// Reads a base-128 varint written a byte (8 bits) at a time: 7 payload bits
// per byte, least significant group first, high bit set on all but the last.
// Returns false on more than 10 bytes or a 10th byte above 1.
inline bool ReadUvarintBits(BitReader& r, uint64_t* out) {
  uint64_t x = 0;
  for (int shift = 0; shift <= 63; shift += 7) {
    const uint64_t b = r.Read(8);
    if (shift == 63 && b > 1) return false;
    x |= (b & 0x7f) << shift;
    if (b < 0x80) {
      *out = x;
      return true;
    }
  }
  return false;
}

class XorDecoder {
 public:
  // Decodes sample number `index`; samples must be decoded in order starting
  // at 0. Returns nullptr on success, else a static description of the
  // damage. The caller must still check r.overrun() afterwards: a stream
  // that ends early reads as zero bits.
  const char* Next(BitReader& r, uint32_t index) {
    if (index >= 2) [[likely]] {
      ReadDoD(r);
      return ReadValue(r);
    }
    uint64_t u = 0;
    if (index == 0) {
      if (!ReadUvarintBits(r, &u)) return "bad first timestamp";
      t_ = static_cast<int64_t>((u >> 1) ^ (0 - (u & 1)));  // zigzag
      v_ = r.ReadLong(64);
      return nullptr;
    }
    if (!ReadUvarintBits(r, &u)) return "bad first time delta";
    t_delta_ = static_cast<int64_t>(u);
    t_ = static_cast<int64_t>(static_cast<uint64_t>(t_) + u);
    return ReadValue(r);
  }

  // Decodes samples 0 to n - 1 into out[0, n); no sample may have been
  // decoded yet. Returns nullptr on success, else a static description of
  // the damage (out then holds garbage). The caller checks r.overrun()
  // afterwards: a stream that ends early reads as zero bits.
  const char* DecodeAll(BitReader& r, uint32_t n, Sample* out) {
    const uint32_t head = n < 2 ? n : 2;
    for (uint32_t i = 0; i < head; ++i) {
      if (const char* err = Next(r, i)) return err;
      out[i] = {t_, std::bit_cast<double>(v_)};
    }
    // Local copies the compiler can keep in registers.
    XorDecoder d = *this;
    BitReader rr = r;
    for (uint32_t i = 2; i < n; ++i) {
      d.ReadDoD(rr);
      if (const char* err = d.ReadValue(rr)) [[unlikely]] {
        return err;
      }
      out[i] = {d.t_, std::bit_cast<double>(d.v_)};
    }
    *this = d;
    r = rr;
    return nullptr;
  }

  int64_t t() const { return t_; }
  int64_t t_delta() const { return t_delta_; }
  uint64_t value_bits() const { return v_; }
  // Current XOR window; leading() is 0xff until the first explicit window.
  uint8_t leading() const { return leading_; }
  uint8_t trailing() const { return trailing_; }

 private:
  // One delta-of-delta bucket: control bits and payload width.
  struct Bucket {
    uint8_t prefix_bits;
    uint8_t width;
  };
  // Indexed by the next 4 bits: 0xxx, 10xx, 110x, 1110, 1111.
  static constexpr Bucket kDoDBuckets[16] = {
      {1, 0},  {1, 0},  {1, 0},  {1, 0},  {1, 0},  {1, 0},  {1, 0},  {1, 0},
      {2, 14}, {2, 14}, {2, 14}, {2, 14}, {3, 17}, {3, 17}, {4, 20}, {4, 64},
  };

  void ReadDoD(BitReader& r) {
    r.Refill();
    const uint64_t w = r.word();
    const Bucket b = kDoDBuckets[w >> 60];
    uint64_t dod;
    if (b.width != 64) [[likely]] {
      // Payload of `width` bits after the prefix; width 0 yields 0.
      uint64_t raw = ((w << b.prefix_bits) >> 1) >> (63 - b.width);
      // A payload above 2^(width-1) stands for raw - 2^width.
      const uint64_t full = 1ULL << b.width;
      if (raw > (full >> 1)) raw -= full;
      dod = raw;
      r.Skip(b.prefix_bits + b.width);
    } else {
      r.Skip(4);
      dod = r.ReadLong(64);
    }
    t_delta_ = static_cast<int64_t>(static_cast<uint64_t>(t_delta_) + dod);
    t_ = static_cast<int64_t>(static_cast<uint64_t>(t_) + static_cast<uint64_t>(t_delta_));
  }

  const char* ReadValue(BitReader& r) {
    r.Refill();
    const uint64_t w = r.word();
    if ((w >> 63) == 0) {  // '0': same value
      r.Skip(1);
      return nullptr;
    }
    if ((w >> 62) == 2) {  // '10': previous window
      if (leading_ == 0xff) return "xor window reused before being set";
      r.Skip(2);
      v_ ^= r.ReadLong(64 - leading_ - trailing_) << trailing_;
      return nullptr;
    }
    // '11': 5 bits of leading zeros, 6 bits of significant bits (0 = 64).
    const int leading = static_cast<int>((w >> 57) & 31);
    int sig = static_cast<int>((w >> 51) & 63);
    if (sig == 0) sig = 64;
    r.Skip(13);
    if (leading + sig > 64) return "bad xor window";
    leading_ = static_cast<uint8_t>(leading);
    trailing_ = static_cast<uint8_t>(64 - leading - sig);
    v_ ^= r.ReadLong(sig) << trailing_;
    return nullptr;
  }

  int64_t t_ = 0;
  int64_t t_delta_ = 0;
  uint64_t v_ = 0;
  uint8_t leading_ = 0xff;
  uint8_t trailing_ = 0;
};

}  // namespace pharos::tsdb
