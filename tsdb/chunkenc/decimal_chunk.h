// EncodeDecimal: a compact immutable encoding for persisted chunks whose
// values are decimals with few digits (counters, most gauges).
//
// A chunk qualifies when one scale d in 0..9 turns every value v into an
// integer x = round(v * 10^d) with |v * 10^d| < 2^53 and
// double(x) / 10^d == v bit for bit. The smallest such d is used. NaN
// (including the stale marker), infinities, -0.0, huge values and binary
// fractions like 1/3 do not qualify; those chunks stay XOR.
//
// Format (ChunkIterator decodes it):
//
//   byte 0      Encoding::kDecimal (2)
//   bytes 1-2   number of samples, big-endian uint16
//   bytes 3..   bit stream, MSB first, zero-padded to a byte:
//     4 bits    scale d
//     1 bit     value order: 0 = deltas, 1 = delta-of-deltas
//     5 bits    code number for timestamps (31: all zero, no bits stored)
//     5 bits    code number for values (31: all zero, no bits stored)
//     VarLen    step g: every delta x_n - x_n-1 is a multiple of g
//     VarLen    zz(base), deltas only: the median delta / g
//     sample 0  zz(t0), zz(x0)                    as VarLen
//     sample 1  zz(t1 - t0), zz(x1 - x0)          as VarLen
//     sample n  zz((t_n - t_n-1) - (t_n-1 - t_n-2))          in the t code,
//               zz((x_n - x_n-1) / g - base)                 (deltas), or
//               zz(((x_n - x_n-1) - (x_n-1 - x_n-2)) / g)    (dods),
//                                                           in the v code
//
//   zz(i) is zigzag (0, -1, 1, -2 -> 0, 1, 2, 3); all arithmetic wraps
//   modulo 2^64. VarLen is 6 bits of (bit length - 1) then the bits.
//   Code s (0..30) is a prefix code with buckets
//     '0'     + s bits        '1110'  + s+4 bits
//     '10'    + s+1 bits      '11110' + s+16 bits
//     '110'   + s+2 bits      '11111' + 64 bits (the raw value)
//   each covering the values after the previous bucket's (see
//   tsdb/chunkenc/decimal_decoder.h). The encoder picks the order, the
//   codes, g and the base to minimise the size. A fixed scrape interval
//   stores no timestamp bits at all; occasional jitter costs about one bit
//   per sample with code 0.
//
// Decoding computes double(x) / 10^d, which IEEE 754 rounds exactly as the
// encoder checked, so values come back bit-identical.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "tsdb/sample.h"

namespace pharos::tsdb {

// The decimal encoding of `samples`, leading encoding byte included, or
// nullopt when some value does not qualify (see above) or there are more
// than 65535 samples. Any timestamps round-trip; increasing ones are cheap.
std::optional<std::string> EncodeDecimal(std::span<const Sample> samples);

}  // namespace pharos::tsdb
