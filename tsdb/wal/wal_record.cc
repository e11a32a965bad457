#include "tsdb/wal/wal_record.h"

#include <bit>
#include <cstring>

#include "tsdb/rocks/coding.h"

namespace pharos::tsdb {
namespace {

constexpr uint8_t kWalV1 = 1;
constexpr uint8_t kWalV2 = 2;
constexpr uint8_t kZeroXor = 0xff;

// t - base as a wrapping subtraction: any two int64 timestamps round-trip.
int64_t Diff(int64_t t, int64_t base) {
  return static_cast<int64_t>(static_cast<uint64_t>(t) - static_cast<uint64_t>(base));
}
int64_t Add(int64_t base, int64_t d) {
  return static_cast<int64_t>(static_cast<uint64_t>(base) + static_cast<uint64_t>(d));
}

// Writers into a buffer sized for the worst case: no capacity check per
// byte.
char* WriteVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

char* WritePackedXor(char* p, uint64_t x) {
  if (x == 0) {
    *p++ = static_cast<char>(kZeroXor);
    return p;
  }
  const int lead = std::countl_zero(x) / 8;
  const int trail = std::countr_zero(x) / 8;
  *p++ = static_cast<char>(lead << 4 | trail);
  const uint64_t middle = x >> (8 * trail);
  std::memcpy(p, &middle, 8);  // little-endian; the bytes past the middle are overwritten later
  return p + (8 - lead - trail);
}

bool GetPackedXor(coding::Reader& r, uint64_t* x) {
  uint8_t header;
  if (!r.GetByte(&header)) return false;
  if (header == kZeroXor) {
    *x = 0;
    return true;
  }
  const int lead = header >> 4, trail = header & 15;
  if (lead + trail > 7) return false;
  uint64_t middle = 0;
  for (int i = 0; i < 8 - lead - trail; ++i) {
    uint8_t b;
    if (!r.GetByte(&b)) return false;
    middle |= uint64_t{b} << (8 * i);
  }
  *x = middle << (8 * trail);
  return true;
}

Status DecodeV1(coding::Reader& r, uint64_t count, int64_t base, std::vector<WalSample>* out) {
  // Each sample takes at least 10 bytes: bound the count before reserving.
  if (count > r.remaining() / 10) return CorruptionError("bad WAL record header");
  out->reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    WalSample s;
    int64_t dt;
    if (!r.GetVarint(&s.series_id) || !r.GetVarsint(&dt) || !r.GetFixedDouble(&s.v)) {
      return CorruptionError("truncated WAL record");
    }
    s.t = Add(base, dt);
    out->push_back(s);
  }
  return Status();
}

Status DecodeV2(coding::Reader& r, uint64_t count, int64_t base, std::vector<WalSample>* out) {
  // Each sample takes at least 2 bytes.
  if (count > r.remaining() / 2) return CorruptionError("bad WAL record header");
  out->reserve(count);
  while (out->size() < count) {
    uint64_t id, n;
    if (!r.GetVarint(&id) || !r.GetVarint(&n) || n == 0 || n > count - out->size()) {
      return CorruptionError("bad WAL record run");
    }
    int64_t t = base;
    uint64_t bits = 0;
    for (uint64_t i = 0; i < n; ++i) {
      int64_t dt;
      uint64_t x;
      if (!r.GetVarsint(&dt) || !GetPackedXor(r, &x)) return CorruptionError("truncated WAL record");
      t = Add(t, dt);
      bits ^= x;
      out->push_back({id, t, std::bit_cast<double>(bits)});
    }
  }
  return Status();
}

}  // namespace

void EncodeWalRecord(const std::vector<WalSample>& samples, std::string* out) {
  // Header: 1 + 10 + 10; a run: 10 + 10; a sample: 10 + 9, and 8 spare
  // bytes for the last value's whole-word store.
  const size_t start = out->size();
  out->resize(start + 21 + samples.size() * 39 + 8);
  char* const begin = out->data() + start;
  char* p = begin;
  *p++ = static_cast<char>(kWalV2);
  p = WriteVarint(p, samples.size());
  const int64_t base = samples.empty() ? 0 : samples.front().t;
  p = WriteVarint(p, coding::ZigZag(base));
  for (size_t i = 0; i < samples.size();) {
    size_t end = i + 1;
    while (end < samples.size() && samples[end].series_id == samples[i].series_id) ++end;
    p = WriteVarint(p, samples[i].series_id);
    p = WriteVarint(p, end - i);
    int64_t t = base;
    uint64_t bits = 0;
    for (; i < end; ++i) {
      p = WriteVarint(p, coding::ZigZag(Diff(samples[i].t, t)));
      t = samples[i].t;
      const uint64_t next = std::bit_cast<uint64_t>(samples[i].v);
      p = WritePackedXor(p, next ^ bits);
      bits = next;
    }
  }
  out->resize(start + static_cast<size_t>(p - begin));
}

Status DecodeWalRecord(std::string_view in, std::vector<WalSample>* out) {
  out->clear();
  coding::Reader r(in);
  uint8_t version;
  uint64_t count;
  int64_t base;
  if (!r.GetByte(&version)) return CorruptionError("empty WAL record");
  if (version != kWalV1 && version != kWalV2) {
    return CorruptionError("unknown WAL record version " + std::to_string(version));
  }
  if (!r.GetVarint(&count) || !r.GetVarsint(&base)) return CorruptionError("bad WAL record header");
  Status st = version == kWalV1 ? DecodeV1(r, count, base, out) : DecodeV2(r, count, base, out);
  if (!st.ok()) return st;
  if (!r.empty()) return CorruptionError("trailing bytes in WAL record");
  return Status();
}

}  // namespace pharos::tsdb
