// Prometheus' duration and byte-size syntax, shared by flags and (later) the
// configuration file.
//
//   ParseDuration("15d12h")  -> 1339200000 (ms)
//   FormatDuration(2592000000) -> "30d"
//   ParseByteSize("512MB")   -> 536870912 (bytes; units are powers of 1024)
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tsdb/status.h"

namespace pharos::server {

// Parses a Prometheus duration into milliseconds.
//
// The syntax is a sequence of <integer><unit> with units, in this order and
// each at most once: y (365 days), w, d, h, m, s, ms. "0" alone is accepted.
// Examples: "30d", "1h30m", "15d12h", "1y", "500ms".
//
// Errors (kInvalidArgument): an empty string, anything else that does not
// match the syntax ("3x", "1.5h", "-1d", "1h1d", "5"), and a total that does
// not fit Prometheus' range (about 292 years, the int64 nanosecond limit).
Result<int64_t> ParseDuration(std::string_view text);

// Formats milliseconds the way Prometheus prints a duration: the largest
// units first, years and weeks only when they divide exactly ("90d", not
// "12w6d"), "0s" for zero. REQUIRES: ms >= 0.
// ParseDuration(FormatDuration(ms)) == ms for every ms in range.
std::string FormatDuration(int64_t ms);

// Parses a byte size: a non-negative number (a decimal fraction is allowed,
// "1.5GB") followed by one unit among B, KB, MB, GB, TB, PB, EB, each a power
// of 1024 as in Prometheus (KiB..EiB are accepted as synonyms). "0" alone is
// accepted. Fractional bytes are truncated.
//
// Errors (kInvalidArgument): empty, a missing or unknown unit ("100",
// "10XB"), a negative number, and sizes above 2^64 - 1 bytes.
Result<uint64_t> ParseByteSize(std::string_view text);

// Formats bytes with the largest unit that divides them exactly ("512MB",
// "1GB", "1000B"), "0B" for zero.
std::string FormatByteSize(uint64_t bytes);

}  // namespace pharos::server
