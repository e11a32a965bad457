// Loads the subset of OpenMetrics text that tests/promql/differential/
// generate.py writes into a MemoryStorage: `# ...` lines are skipped, every
// other line is `name{labels} value timestamp` (seconds), and the file may
// be gzip-compressed.
#pragma once

#include <string>

#include "tests/promql/memory_storage.h"
#include "tsdb/status.h"

namespace pharos::promql {

// Reads `path` (plain or .gz) into `storage`. Returns the number of samples,
// or kInvalidArgument naming the first bad line.
Result<size_t> LoadOpenMetrics(const std::string& path, MemoryStorage& storage);

// The whole content of a plain or gzip-compressed file.
Result<std::string> ReadMaybeGzipped(const std::string& path);

}  // namespace pharos::promql
