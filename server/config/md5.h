// Md5: the MD5 digest (RFC 1321), for hashmod relabeling, which must agree
// with Prometheus' choice of target shards. Not for anything needing a
// secure hash.
//
// Thread-safety: a pure function.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace pharos::server {

// The 16-byte MD5 digest of `data`.
std::array<uint8_t, 16> Md5(std::string_view data);

}  // namespace pharos::server
