// BitWriter and BitReader: the MSB-first bit streams under every chunk
// encoding.
//
// Bits are packed most significant first: the first bit written is bit 7 of
// byte 0. Both classes work on memory they do not own.
//
// BitWriter stores whole 64-bit words, so it needs slack past the last bit
// it writes (see its REQUIRES), and a Flush() at the end. BitReader keeps up to 64 bits in a
// register and refills them with one unaligned 8-byte load, so decoders consume whole fields with a
// shift instead of looping over bits. Near the end of the input it falls back to loading byte by
// byte; it never reads past `size`.
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

// Appends bits to a caller-owned byte array. Bits collect in a register and
// reach memory a whole 64-bit word at a time; Flush() stores the rest.
class BitWriter {
 public:
  // Slack a caller must keep writable past the byte holding the last bit.
  static constexpr size_t kSlackBytes = 8;

  // Writing continues at bit `bit_pos` of `data`. The bits before bit_pos in
  // that byte are kept; everything after it is overwritten, and need not be
  // initialised. After Flush(), bits past the last one written read as zero.
  BitWriter(uint8_t* data, uint64_t bit_pos)
      : data_(data), p_(data + bit_pos / 8), filled_(static_cast<int>(bit_pos & 7)) {
    if (filled_ != 0) acc_ = static_cast<uint64_t>(*p_ & (0xff00u >> filled_)) << 56;
  }

  // Appends the n low bits of v, most significant first. 0 <= n <= 64.
  // REQUIRES: v < 2^n, and data holds at least (bit_pos() + n) / 8 +
  // kSlackBytes bytes.
  void WriteBits(uint64_t v, int n) {
    assert(n >= 0 && n <= 64);
    assert(n == 64 || v >> n == 0);
    const int room = 64 - filled_;  // 1..64
    if (n < room) {
      // Two shifts, as a shift by room - n could be 64.
      acc_ |= (v << 1) << (room - n - 1);
      filled_ += n;
      return;
    }
    const int rest = n - room;  // bits of v left over, 0..63
    acc_ |= v >> rest;
    StoreBigEndian64(p_, acc_);
    p_ += 8;
    acc_ = rest == 0 ? 0 : v << (64 - rest);
    filled_ = rest;
  }

  void WriteBit(bool bit) { WriteBits(bit ? 1 : 0, 1); }

  // Stores the bits still in the register (a whole word, zero-padded).
  // Writing may continue afterwards.
  void Flush() { StoreBigEndian64(p_, acc_); }

  // Total bits in the stream, including those before the starting position.
  uint64_t bit_pos() const { return static_cast<uint64_t>(p_ - data_) * 8 + filled_; }

 private:
  uint8_t* data_;
  uint8_t* p_;        // where the register's word goes
  uint64_t acc_ = 0;  // pending bits, left-aligned
  int filled_;        // pending bits in acc_, 0..63
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

  // Drops n bits, any number; dropping more than remain sets overrun().
  void SkipLong(uint64_t n) {
    if (avail_ < 0) return;  // already overrun
    if (n <= static_cast<uint64_t>(avail_)) {
      Skip(static_cast<int>(n));
      return;
    }
    n -= static_cast<uint64_t>(avail_);
    buf_ = 0;
    avail_ = 0;
    if (n / 8 > static_cast<uint64_t>(end_ - p_)) {
      p_ = end_;
      avail_ = -1;
      return;
    }
    p_ += n / 8;
    Refill();
    Skip(static_cast<int>(n % 8));
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
