// Byte-level encodings shared by every RocksDB key and value layout:
// big-endian fixed-width integers (so keys sort numerically), order-
// preserving signed integers, and varints. See tsdb/FORMAT.md.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace pharos::tsdb::coding {

inline void PutBigEndian64(std::string& out, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out.append(buf, 8);
}

inline uint64_t GetBigEndian64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// Signed values stored so that byte order equals numeric order.
inline void PutOrderedInt64(std::string& out, int64_t v) {
  PutBigEndian64(out, static_cast<uint64_t>(v) ^ (uint64_t{1} << 63));
}
inline int64_t GetOrderedInt64(const char* p) {
  return static_cast<int64_t>(GetBigEndian64(p) ^ (uint64_t{1} << 63));
}

inline void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

inline void PutVarsint(std::string& out, int64_t v) { PutVarint(out, ZigZag(v)); }

inline void PutFixedDouble(std::string& out, double v) {
  uint64_t bits = std::bit_cast<uint64_t>(v);
  char buf[8];
  std::memcpy(buf, &bits, 8);  // little-endian hosts only (x86-64, arm64)
  out.append(buf, 8);
}

inline void PutLengthPrefixed(std::string& out, std::string_view s) {
  PutVarint(out, s.size());
  out.append(s);
}

// A cursor over an encoded value. Every Get* returns false instead of
// reading past the end, so corrupt input becomes an error, never a crash.
class Reader {
 public:
  explicit Reader(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}

  bool empty() const { return p_ == end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  std::string_view rest() const { return {p_, remaining()}; }

  bool GetByte(uint8_t* v) {
    if (p_ == end_) return false;
    *v = static_cast<uint8_t>(*p_++);
    return true;
  }
  bool GetVarint(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift <= 63 && p_ < end_; shift += 7) {
      uint64_t byte = static_cast<unsigned char>(*p_++);
      result |= (byte & 0x7f) << shift;
      if (!(byte & 0x80)) {
        *v = result;
        return true;
      }
    }
    return false;
  }
  bool GetVarsint(int64_t* v) {
    uint64_t u;
    if (!GetVarint(&u)) return false;
    *v = UnZigZag(u);
    return true;
  }
  bool GetFixedDouble(double* v) {
    if (remaining() < 8) return false;
    uint64_t bits;
    std::memcpy(&bits, p_, 8);
    p_ += 8;
    *v = std::bit_cast<double>(bits);
    return true;
  }
  bool GetBigEndian64(uint64_t* v) {
    if (remaining() < 8) return false;
    *v = coding::GetBigEndian64(p_);
    p_ += 8;
    return true;
  }
  bool GetLengthPrefixed(std::string_view* s) {
    uint64_t n;
    if (!GetVarint(&n) || n > remaining()) return false;
    *s = std::string_view(p_, n);
    p_ += n;
    return true;
  }

 private:
  const char* p_;
  const char* end_;
};

}  // namespace pharos::tsdb::coding
