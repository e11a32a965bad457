// WalRecord: the value of one entry in the `wal` column family, holding the
// samples of one committed batch. Layout (tsdb/FORMAT.md):
//
//   version:u8 = 2 | count:uvarint | base_t:svarint
//   runs of consecutive samples of one series until count samples:
//     series_id:uvarint | n:uvarint
//     n x ( t - previous t:svarint | value XOR previous value:packed )
//   (the first sample of a run takes base_t and 0 as its previous values;
//   packed: one byte 0xff for 0, else (leading zero bytes << 4 | trailing
//   zero bytes) and the bytes between, least significant first)
//
// Batches arrive series by series, and a series' next value shares most of
// its bits with the one before, so a sample takes about 5 bytes instead of
// 13: less to write, flush and compact for every sample stored. Version 1
// records (one series id, t - base_t and the raw value per sample) are
// still read.
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
