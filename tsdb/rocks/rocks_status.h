// Turns a rocksdb::Status into a Pharos Status; rocksdb::Status never leaves
// tsdb/. Include only from .cc files.
#pragma once

#include <rocksdb/status.h>

#include "tsdb/status.h"

namespace pharos::tsdb {

inline Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status();
  StatusCode code = StatusCode::kIOError;
  if (s.IsCorruption()) code = StatusCode::kCorruption;
  if (s.IsNotFound()) code = StatusCode::kNotFound;
  if (s.IsInvalidArgument()) code = StatusCode::kInvalidArgument;
  return Status(code, std::string(what) + ": " + s.ToString());
}

}  // namespace pharos::tsdb
