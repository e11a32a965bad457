// XorChunk: the appendable in-memory chunk of the head block, encoded the
// way Prometheus encodes its XOR (Gorilla) chunks.
//
// Format (all of it in bytes(); ChunkIterator decodes it):
//
//   byte 0      Encoding::kXor (1)
//   bytes 1-2   number of samples, big-endian uint16
//   bytes 3..   bit stream, MSB first, zero-padded to a byte:
//     sample 0  t as a zigzag base-128 varint (8 bits per byte),
//               then the 64 bits of v
//     sample 1  t - t0 as an unsigned base-128 varint, then v as below
//     sample n  dod = (t_n - t_n-1) - (t_n-1 - t_n-2), as
//                 '0'                       dod == 0
//                 '10'   + 14 bits          -8191 <= dod <= 8192
//                 '110'  + 17 bits          -65535 <= dod <= 65536
//                 '1110' + 20 bits          -524287 <= dod <= 524288
//                 '1111' + 64 bits          anything else
//               (a payload p above 2^(bits-1) stands for p - 2^bits),
//               then x = bits(v) ^ bits(previous v), as
//                 '0'                       x == 0
//                 '10' + significant bits   x fits the previous window
//                 '11' + 5 bits leading zeros (capped at 31)
//                      + 6 bits significant bit count (64 written as 0)
//                      + the significant bits          new window
//
// Bytes 1.. are byte-for-byte a Prometheus XOR chunk, so they can be served
// as-is where Prometheus' own chunk format is expected (remote read).
// Arithmetic on timestamps wraps, so any int64 sequence round-trips; only
// increasing, regular timestamps encode compactly.
//
// Memory: the object is 56 bytes plus one heap buffer (none while empty).
// Append keeps room for its worst case (29 bytes) and grows the buffer by a
// quarter, at least 16 and at most 1024 bytes at a time. ShrinkToFit()
// drops the slack once a chunk stops growing.
//
// Restarts: AppendState() captures what Append needs besides bytes(), so
// Restore() can rebuild an open chunk without decoding it. The state is
//
//   uvarint    bits used, header included
//   uvarint    zz(last timestamp)          zz: zigzag
//   uvarint    zz(last timestamp delta)
//   8 bytes    bits of the last value, little-endian
//   1 byte     leading zeros of the XOR window (0..31; 0xff before the first)
//   1 byte     trailing zeros of the XOR window (0..63)
//   4 bytes    check of bytes(), little-endian: h = n * K, then for each
//              8-byte little-endian word w of bytes() (the last one
//              zero-padded) h = (h ^ w) * K; h ^= h >> 32; the low 32 bits,
//              with n the byte count and K = 0x9e3779b97f4a7c15
//
// Thread-safety: none. Appends and reads of one chunk need outside
// synchronisation; a copy of bytes() can be decoded by any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "tsdb/sample.h"
#include "tsdb/status.h"

namespace pharos::tsdb {

class XorChunk {
 public:
  // Most samples a chunk can hold (the count is a uint16).
  static constexpr uint32_t kMaxSamples = 65535;

  // An empty chunk. Allocates nothing until the first Append.
  XorChunk() = default;
  XorChunk(XorChunk&& other) noexcept;
  XorChunk& operator=(XorChunk&& other) noexcept;
  XorChunk(const XorChunk&) = delete;
  XorChunk& operator=(const XorChunk&) = delete;
  ~XorChunk() = default;

  // Rebuilds an appendable chunk from a value of bytes(), e.g. read back
  // after a restart. Decodes every sample to recover the encoder state.
  // Returns kCorruption if `encoded` is not exactly a complete XOR chunk
  // (wrong encoding byte, truncated, trailing bytes, non-zero padding).
  static Result<XorChunk> FromBytes(std::string_view encoded);

  // Rebuilds an appendable chunk from bytes() and AppendState() taken
  // together, without decoding the samples: about 0.2 us for 120 samples,
  // mostly the allocation and the check, where FromBytes() takes 1.2 us. Checks the state's
  // syntax and ranges, its bit count against the size and sample count of
  // `bytes`, the first sample, the padding, and the check of `bytes`;
  // returns kCorruption on any mismatch (FromBytes(bytes) may still work).
  static Result<XorChunk> Restore(std::string_view bytes, std::string_view state);

  // Appends the state Restore() needs to *out (layout above; at most 39
  // bytes).
  void AppendState(std::string* out) const;

  // Appends one sample.
  // REQUIRES: num_samples() < kMaxSamples. Timestamps should increase; any
  // order is stored correctly, but out-of-order ones cost up to 68 bits.
  void Append(int64_t t, double v);

  // Starts loading, for writing, the memory the next Append touches: the
  // sample count and the end of the stream. Appending to many chunks, call
  // it a few chunks ahead so their cache misses overlap.
  void Prefetch() const {
    if (buf_ == nullptr) return;
    __builtin_prefetch(buf_.get(), 1);
    __builtin_prefetch(buf_.get() + bits_ / 8, 1);
  }

  uint16_t num_samples() const { return n_; }
  // Timestamps of the first and last samples. REQUIRES: num_samples() > 0.
  int64_t min_time() const { return min_t_; }
  int64_t max_time() const { return t_; }

  // The complete encoded chunk, leading encoding byte included. The sample
  // count is part of it, so a copy taken at any time decodes on its own.
  // Valid until the next non-const call.
  std::string_view bytes() const;

  // Heap and object bytes held by this chunk (allocator overhead excluded).
  size_t MemoryBytes() const { return sizeof(*this) + cap_; }

  // Releases the buffer's slack. A later Append grows it again.
  void ShrinkToFit();

 private:
  // Reallocates to hold at least `need` bytes, plus growth room.
  void Grow(uint32_t need);
  // Makes room for the worst case of one Append (allocating the header of
  // an empty chunk).
  void GrowForAppend();
  // Moves the buffer to a new allocation of `cap` bytes.
  void Reallocate(uint32_t cap);

  std::unique_ptr<uint8_t[]> buf_;  // header + bit stream; null while empty
  uint32_t bits_ = 0;               // used bits of buf_, header included
  uint32_t cap_ = 0;                // allocated bytes of buf_
  int64_t min_t_ = 0;
  int64_t t_ = 0;        // last timestamp
  int64_t t_delta_ = 0;  // last timestamp delta
  uint64_t v_ = 0;       // bits of the last value
  uint16_t n_ = 0;
  uint8_t leading_ = 0xff;  // XOR window; 0xff until the first one is set
  uint8_t trailing_ = 0;
};

// A lower bound on the size in bytes of the XorChunk holding `samples`,
// exact for the timestamps, from one cheap pass. EncodeBest uses it to skip
// encoding XOR when another encoding is already as small.
size_t XorSizeLowerBound(std::span<const Sample> samples);

}  // namespace pharos::tsdb
