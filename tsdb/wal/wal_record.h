// WalRecord: the value of one entry in the `wal` column family, holding the
// samples of one committed batch. Layout (tsdb/FORMAT.md):
//
//   version:u8 = 1 | count:uvarint | base_t:svarint
//   count x ( series_id:uvarint | t - base_t:svarint | value:f64 LE )
//
// Thread-safety: plain functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/status.h"

namespace pharos::tsdb {

struct WalSample {
  uint64_t series_id;
  int64_t t;
  double v;
};

// Appends the encoding of `samples` to `out`.
void EncodeWalRecord(const std::vector<WalSample>& samples, std::string* out);

// Decodes a record, replacing the contents of `out`. kCorruption on any
// malformed input.
Status DecodeWalRecord(std::string_view in, std::vector<WalSample>* out);

}  // namespace pharos::tsdb
