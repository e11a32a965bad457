// Snappy's block format (not the framed one), as remote write and remote
// read use it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "tsdb/status.h"

namespace pharos::server {

// Decompresses `compressed`; kInvalidArgument when it is not valid snappy or
// would decompress to more than `max_bytes`.
Result<std::string> SnappyDecode(std::string_view compressed, size_t max_bytes);

std::string SnappyEncode(std::string_view raw);

}  // namespace pharos::server
