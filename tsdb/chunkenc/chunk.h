// Chunks: encoded runs of samples of one series, and how to read them.
//
// Every encoded chunk starts with an Encoding byte followed by a big-endian
// uint16 sample count, then an encoding-specific bit stream:
//
//   kXor      Prometheus' Gorilla encoding, appendable (tsdb/chunkenc/xor_chunk.h)
//   kDecimal  scaled-integer encoding, immutable (tsdb/chunkenc/decimal_chunk.h)
//
// The head appends to XorChunk; persisted chunks use EncodeBest(). Readers
// never care which encoding they hold: ChunkIterator decodes both, and
// validates as it goes, so damaged bytes yield kCorruption, never a crash,
// an out-of-bounds read or an endless loop.
//
// Typical use:
//
//   ChunkIterator it(bytes);
//   while (it.Next()) Use(it.At());
//   RETURN_IF_ERROR(it.status());
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tsdb/chunkenc/bit_stream.h"
#include "tsdb/chunkenc/decimal_decoder.h"
#include "tsdb/chunkenc/xor_decoder.h"
#include "tsdb/sample.h"
#include "tsdb/status.h"

namespace pharos::tsdb {

// The first byte of every encoded chunk. Values are stored; never reuse one.
enum class Encoding : uint8_t {
  kXor = 1,
  kDecimal = 2,
};

// Encodes samples as the smaller of the decimal encoding and XOR; a tie goes
// to decimal, which decodes faster. Encodes XOR only when a cheap lower
// bound on its size beats the decimal chunk: about 2 us for 120 samples of
// a counter or gauge, 3 to 5 us for near-decimal values.
// REQUIRES: samples.size() <= 65535. Timestamps should increase; any order
// round-trips, but only increasing regular ones encode compactly.
std::string EncodeBest(std::span<const Sample> samples);

// Decodes all samples of `encoded` and appends them to *out. On corruption
// returns kCorruption and leaves *out at its original size (its capacity
// may have grown). Several times faster than looping over ChunkIterator.
Status DecodeAll(std::string_view encoded, std::vector<Sample>* out);

// Walks the samples of one encoded chunk of any encoding.
//
// Protocol: Next() or Seek() until false, reading At() while positioned,
// then status(). An error is sticky: Next() and Seek() return false.
//
// Thread-safety: none; one thread per iterator.
class ChunkIterator {
 public:
  // An iterator over nothing: Next() returns false, status() is OK.
  ChunkIterator() = default;
  // Same as Reset(encoded).
  explicit ChunkIterator(std::string_view encoded) { Reset(encoded); }

  // Starts over on `encoded`, which must stay alive and unchanged while the
  // iterator uses it. Does not allocate; header errors surface through
  // Next() returning false and status().
  void Reset(std::string_view encoded);

  // Advances to the next sample. Returns false at the end or on error.
  bool Next();

  // Advances to the first sample at or after the current one whose
  // timestamp is >= t; stays put if the current sample qualifies (it never
  // moves backwards). Returns false if there is none, at the end, or on
  // error.
  bool Seek(int64_t t);

  // The current sample. REQUIRES: the last Next()/Seek() returned true.
  Sample At() const { return cur_; }

  // OK, or kCorruption after damaged input.
  Status status() const;

  // The sample count from the header alone. kCorruption if the header is
  // damaged (the rest is not checked).
  static Result<uint16_t> NumSamples(std::string_view encoded);

  // Timestamps of the first and last samples. Decodes the whole chunk (about a
  // microsecond for 120 samples): the formats do not store the end.
  // kNotFound for an empty chunk, kCorruption for damaged input.
  static Result<std::pair<int64_t, int64_t>> TimeRange(std::string_view encoded);

 private:
  bool Fail(const char* why);

  BitReader r_;
  XorDecoder xor_;
  DecimalDecoder decimal_;
  Sample cur_;
  const char* error_ = nullptr;  // static description; nullptr when OK
  uint32_t index_ = 0;           // samples decoded so far
  uint32_t n_ = 0;               // samples in the chunk
  Encoding encoding_ = Encoding::kXor;
  bool exhausted_ = false;  // Next() returned false
};

}  // namespace pharos::tsdb
