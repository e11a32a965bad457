#include "tsdb/wal/wal_record.h"

#include "tsdb/rocks/coding.h"

namespace pharos::tsdb {

inline constexpr uint8_t kWalVersion = 1;

void EncodeWalRecord(const std::vector<WalSample>& samples, std::string* out) {
  out->reserve(out->size() + 12 + samples.size() * 14);
  out->push_back(static_cast<char>(kWalVersion));
  coding::PutVarint(*out, samples.size());
  int64_t base = samples.empty() ? 0 : samples.front().t;
  coding::PutVarsint(*out, base);
  for (const WalSample& s : samples) {
    coding::PutVarint(*out, s.series_id);
    // Wrapping subtraction: any two int64 timestamps round-trip.
    coding::PutVarsint(*out, static_cast<int64_t>(static_cast<uint64_t>(s.t) -
                                                  static_cast<uint64_t>(base)));
    coding::PutFixedDouble(*out, s.v);
  }
}

Status DecodeWalRecord(std::string_view in, std::vector<WalSample>* out) {
  out->clear();
  coding::Reader r(in);
  uint8_t version;
  uint64_t count;
  int64_t base;
  if (!r.GetByte(&version)) return CorruptionError("empty WAL record");
  if (version != kWalVersion) {
    return CorruptionError("unknown WAL record version " + std::to_string(version));
  }
  // Each sample takes at least 10 bytes: bound the count before reserving.
  if (!r.GetVarint(&count) || count > r.remaining() / 10 || !r.GetVarsint(&base)) {
    return CorruptionError("bad WAL record header");
  }
  out->reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    WalSample s;
    int64_t dt;
    if (!r.GetVarint(&s.series_id) || !r.GetVarsint(&dt) || !r.GetFixedDouble(&s.v)) {
      return CorruptionError("truncated WAL record");
    }
    s.t = static_cast<int64_t>(static_cast<uint64_t>(base) + static_cast<uint64_t>(dt));
    out->push_back(s);
  }
  if (!r.empty()) return CorruptionError("trailing bytes in WAL record");
  return Status();
}

}  // namespace pharos::tsdb
