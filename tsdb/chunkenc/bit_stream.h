// BitWriter and BitReader: the MSB-first bit streams under every chunk
// encoding.
//
// Bits are packed most significant first: the first bit written is bit 7 of
// byte 0. Both classes work on memory they do not own.
//
// BitWriter stores whole 64-bit words, so it needs slack past the last bit
// it writes (see its REQUIRES). BitReader keeps up to 64 bits in a register
// and refills them with one unaligned 8-byte load, so decoders consume whole
// fields with a shift instead of looping over bits. Near the end of the
// input it falls back to loading byte by byte; it never reads past `size`.
//
// Thread-safety: plain values; one thread per object.
#pragma once

#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace pharos::tsdb {

// Loads/stores 8 bytes as a big-endian word, whatever the alignment.
inline uint64_t LoadBigEndian64(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof(w));
  if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
  return w;
}
inline void StoreBigEndian64(uint8_t* p, uint64_t w) {
  if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
  std::memcpy(p, &w, sizeof(w));
}

// Appends bits to a caller-owned byte array.
class BitWriter {
 public:
  // Slack a caller must keep writable past the byte holding the last bit.
  static constexpr size_t kSlackBytes = 8;

  // Writing continues at bit `bit_pos` of `data`. The bits before bit_pos in
  // that byte are kept; everything after it is overwritten, and need not be
  // initialised. Bits past the last one written read as zero.
  BitWriter(uint8_t* data, uint64_t bit_pos) : data_(data), pos_(bit_pos) {}

  // Appends the low `n` bits of `v` (higher bits are ignored), most
  // significant first. 0 <= n <= 64.
  // REQUIRES: data holds at least (bit_pos() + n) / 8 + kSlackBytes bytes.
  void WriteBits(uint64_t v, int n) {
    assert(n >= 0 && n <= 64);
    if (n > 56) {
      WriteBits(v >> 32, n - 32);
      v &= 0xffffffffULL;
      n = 32;
    }
    if (n == 0) return;
    uint8_t* p = data_ + (pos_ >> 3);
    const int used = static_cast<int>(pos_ & 7);
    // Keep the bits already written in a partial byte; an aligned byte may
    // be uninitialised and is not read.
    const uint64_t head = used == 0 ? 0 : static_cast<uint64_t>(*p & (0xff00u >> used)) << 56;
    const uint64_t body = (v & (~0ULL >> (64 - n))) << (64 - used - n);
    StoreBigEndian64(p, head | body);
    pos_ += static_cast<uint64_t>(n);
  }

  void WriteBit(bool bit) { WriteBits(bit ? 1 : 0, 1); }

  // Total bits in the stream, including those before the starting position.
  uint64_t bit_pos() const { return pos_; }

 private:
  uint8_t* data_;
  uint64_t pos_;
};

// Reads bits from a byte range. Reading past the end yields zero bits and
// sets overrun(); decoders check it once per record rather than per field.
class BitReader {
 public:
  // Bits one Refill() guarantees, unless the input is nearly exhausted.
  static constexpr int kRefillBits = 56;

  BitReader() = default;
  // The bytes must outlive the reader.
  BitReader(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}

  // Tops the register up to at least kRefillBits valid bits, or to every
  // remaining bit near the end of the input.
  void Refill() {
    if (end_ - p_ >= 8) {
      buf_ |= LoadBigEndian64(p_) >> avail_;
      p_ += (63 - avail_) >> 3;
      avail_ |= 56;
      return;
    }
    // Only reached with fewer than 8 bytes left. An overrun (avail_ < 0) can
    // only happen once every byte is loaded, so the shifts stay in range.
    while (avail_ <= 56 && p_ < end_) {
      buf_ |= static_cast<uint64_t>(*p_++) << (56 - avail_);
      avail_ += 8;
    }
  }

  // The next 64 bits, MSB first; only the first available() are real.
  uint64_t word() const { return buf_; }
  // The next n bits as a number. REQUIRES: 1 <= n <= 64.
  uint64_t Peek(int n) const { return buf_ >> (64 - n); }
  // Drops n bits. REQUIRES: 0 <= n <= 63; at most available() for valid data.
  void Skip(int n) {
    buf_ <<= n;
    avail_ -= n;
  }

  // Reads n bits, refilling first if needed. REQUIRES: 1 <= n <= kRefillBits.
  uint64_t Read(int n) {
    if (avail_ < n) Refill();
    const uint64_t v = Peek(n);
    Skip(n);
    return v;
  }
  // Reads n bits. REQUIRES: 1 <= n <= 64.
  uint64_t ReadLong(int n) {
    if (n <= kRefillBits) return Read(n);
    const uint64_t hi = Read(n - 32);
    return (hi << 32) | Read(32);
  }

  // Valid bits in the register; negative after an overrun.
  int available() const { return avail_; }
  // True once more bits were consumed than the input holds.
  bool overrun() const { return avail_ < 0; }
  // Bits not yet consumed (in the register or in memory). REQUIRES: !overrun().
  uint64_t BitsLeft() const { return static_cast<uint64_t>(end_ - p_) * 8 + avail_; }

 private:
  const uint8_t* p_ = nullptr;    // next byte to load
  const uint8_t* end_ = nullptr;  // one past the last byte
  uint64_t buf_ = 0;              // next bits, left-aligned
  int avail_ = 0;                 // valid bits at the top of buf_
};

}  // namespace pharos::tsdb
