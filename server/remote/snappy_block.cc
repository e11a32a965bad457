#include "server/remote/snappy_block.h"

#include <snappy.h>

namespace pharos::server {

Result<std::string> SnappyDecode(std::string_view compressed, size_t max_bytes) {
  size_t length = 0;
  if (!snappy::GetUncompressedLength(compressed.data(), compressed.size(), &length)) {
    return Status(StatusCode::kInvalidArgument, "snappy: corrupt input");
  }
  if (length > max_bytes) {
    return Status(StatusCode::kInvalidArgument,
                  "snappy: decoded length " + std::to_string(length) + " exceeds the limit of " +
                      std::to_string(max_bytes) + " bytes");
  }
  std::string out(length, '\0');
  if (!snappy::RawUncompress(compressed.data(), compressed.size(), out.data())) {
    return Status(StatusCode::kInvalidArgument, "snappy: corrupt input");
  }
  return out;
}

std::string SnappyEncode(std::string_view raw) {
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

}  // namespace pharos::server
