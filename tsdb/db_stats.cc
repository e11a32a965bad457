// Figures for /api/v1/status/tsdb and self-monitoring.
#include "tsdb/db_impl.h"

namespace pharos::tsdb {

DbStats DbImpl::Stats() {
  DbStats st;
  Head::Cardinality card = head_->Stats();
  auto copy = [](const auto& in, std::vector<DbStats::Count>* out) {
    for (const auto& [k, v] : in) out->push_back({k, v});
  };
  copy(card.series_by_metric, &st.series_count_by_metric_name);
  copy(card.values_by_name, &st.label_value_count_by_label_name);
  copy(card.bytes_by_name, &st.memory_in_bytes_by_label_name);
  copy(card.series_by_pair, &st.series_count_by_label_value_pair);
  uint64_t chunks = 0;
  for (MemSeries* s : head_->All()) {
    std::lock_guard lock(head_->LockFor(*s));
    chunks += s->sealed.size() + (s->has_open ? 1 : 0);
    ++st.head_series;
  }
  st.head_chunks = chunks;
  if (head_->MaxTime() != kMinTime) {
    st.head_min_time = std::max(head_->MinTime(), persisted_until_.load());
    st.head_max_time = head_->MaxTime();
  }
  {
    std::lock_guard lock(partitions_mu_);
    st.min_time = partitions_.empty() ? st.head_min_time
                                      : *partitions_.begin() * options_.partition_ms;
  }
  st.samples_appended = samples_appended_.load();
  st.rejections = {out_of_order_.load(), out_of_bounds_.load(), duplicate_.load(),
                   invalid_labels_.load()};
  {
    std::lock_guard lock(commit_mu_);
    st.wal_records = last_seq_ + 1 - replay_from_seq_;
  }
  st.disk_bytes = DiskBytes();
  return st;
}

}  // namespace pharos::tsdb
