// Appending to one head series: ordering rules and chunk cutting.
#include <bit>

#include "tsdb/head/head.h"
#include "tsdb/partition.h"

namespace pharos::tsdb {

void Head::SealLocked(MemSeries& s) {
  if (!s.has_open) return;
  s.open.ShrinkToFit();
  s.sealed.push_back({s.open.min_time(), s.open.max_time(), std::string(s.open.bytes())});
  s.open = XorChunk();
  s.has_open = false;
  s.dirty = true;
  std::lock_guard lock(sealed_mu_);
  sealed_ids_.push_back(s.id);
}

AppendOutcome Head::AppendLocked(MemSeries& s, int64_t t, double v, uint64_t seq) {
  if (t < s.last_t) return AppendOutcome::kOutOfOrder;
  if (t == s.last_t) {
    return std::bit_cast<uint64_t>(v) == std::bit_cast<uint64_t>(s.last_v)
               ? AppendOutcome::kNoOp
               : AppendOutcome::kDuplicate;
  }
  if (s.has_open && (s.open.num_samples() >= max_samples_ ||
                     PartitionOf(t, partition_ms_) !=
                         PartitionOf(s.open.min_time(), partition_ms_))) {
    SealLocked(s);
  }
  s.open.Append(t, v);
  s.has_open = true;
  s.last_t = t;
  s.last_v = v;
  s.applied_seq = seq;
  s.dirty = true;
  ObserveTime(t);
  return AppendOutcome::kAppended;
}

}  // namespace pharos::tsdb
