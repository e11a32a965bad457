// Time partitions: the unit in which chunks are cut, indexed, persisted and
// deleted by retention. Partition p covers [p * width, (p + 1) * width) ms.
#pragma once

#include <cstdint>

namespace pharos::tsdb {

// Partition number of a timestamp: floor(t / width), also for t < 0.
inline int64_t PartitionOf(int64_t t, int64_t width) {
  int64_t p = t / width;
  if (t % width != 0 && t < 0) --p;
  return p;
}

}  // namespace pharos::tsdb
