// The decimal encoding: compact immutable chunks for values that are
// decimals with few digits (counters, most gauges), or nearly so.
//
// Each value v becomes an integer x at a per-chunk scale d (0..9), plus a
// correction c that makes decoding exact:
//
//   direct prediction   q = double(x_j) / 10^d
//   running prediction  q = prev + double(x_j - x_j-1) / 10^d
//   value               bits(v) = bits(q) + c      (modulo 2^64)
//
// x_-1 = 0 and prev starts as +0.0, then is the last decoded value that is
// finite and not subnormal. Predictions are made of correctly rounded IEEE
// 754 conversions and operations in the default rounding mode, never on
// subnormals, so every machine computes the same q, flush-to-zero or not. Exact decimals such as
// 1234.567 decode from x = 1234567 with c = 0; a decimal plus floating error (1234.5670000000001)
// costs a few ULPs of c; a running sum of decimals (sum += 0.123456) has c = 0 when predicted by
// running. Values that fit badly (NaN, the stale marker, infinities, -0.0, noise) are stored raw as
// exceptions and skipped by the x stream.
//
// Format (ChunkIterator decodes it):
//
//   byte 0      Encoding::kDecimal (2)
//   bytes 1-2   number of samples n, big-endian uint16
//   bytes 3..   bit stream, MSB first, zero-padded to a byte:
//     4 bits    scale d
//     1 bit     x order: 0 = deltas, 1 = delta-of-deltas
//     1 bit     prediction: 0 = direct, 1 = running
//     2 bits    correction form: 0 none (every c is 0), 1 plain zz(c_j),
//               2 delta zz(c_j - c_j-1) with c_-1 = 0, 3 first (only c_0
//               may be non-zero)
//     6 bits    code number for timestamps
//     6 bits    code number for x
//     6 bits    code number for corrections, forms 1 and 2 only
//     1 bit     1 if there are exceptions
//     VarLen    exception count - 1, only if there are exceptions
//     VarLen    step g: every x_j - x_j-1 (j >= 1) is a multiple of g
//     VarLen    zz(base), deltas only: about the median delta / g
//     exceptions, by increasing position:
//               position (bit_width(n - 1) bits), then the 64 value bits
//     samples i = 0..n-1; value samples, numbered j = 0.., skip exceptions:
//       t       i = 0: zz(t0) as VarLen; i = 1: zz(t1 - t0) as VarLen;
//               then zz((t_i - t_i-1) - (t_i-1 - t_i-2)) in the t code
//       x       unless i is an exception:
//               j = 0: zz(x0) as VarLen, then zz(c0) as VarLen in form 3;
//               j >= 1: zz((x_j - x_j-1) / g - base)       (deltas) or
//                       zz(((x_j - x_j-1) - (x_j-1 - x_j-2)) / g)
//                       with x_0 - x_-1 counted as 0        (dods),
//               in the x code
//       c       forms 1 and 2, unless i is an exception: in the c code
//
//   zz(i) is zigzag (0, -1, 1, -2 -> 0, 1, 2, 3); integer arithmetic wraps
//   modulo 2^64. VarLen and the codes are in tsdb/chunkenc/decimal_code.h;
//   a zero code stores nothing. A fixed scrape interval stores no
//   timestamp bits at all.
//
// The encoder picks d, the prediction, the orders, the codes and which
// values are exceptions to make the chunk small; any choice decodes exactly.
// It measures the samples in a few passes and estimates each option's size
// from statistics (tsdb/chunkenc/decimal_stats.h), then writes once: about
// 2 microseconds for 120 samples.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "tsdb/sample.h"

namespace pharos::tsdb {

// The decimal encoding of `samples`, leading encoding byte included, or
// nullopt when there are more than 65535 of them. Any timestamps and values
// round-trip bit for bit; increasing regular timestamps and decimal-like
// values are cheap.
std::optional<std::string> EncodeDecimal(std::span<const Sample> samples);

}  // namespace pharos::tsdb
