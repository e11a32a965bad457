// Deleting series data by matchers and time range (the admin API's
// delete_series). Chunks are rewritten without the deleted samples, then a
// checkpoint makes the deletion survive a restart.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "tsdb/chunkenc/chunk.h"
#include "tsdb/db_impl.h"
#include "tsdb/rocks/coding.h"
#include "tsdb/rocks/keys.h"
#include "tsdb/rocks/rocks_status.h"

namespace pharos::tsdb {
namespace {

// Decodes `bytes` and keeps the samples outside [mint, maxt].
Status KeepOutside(std::string_view bytes, int64_t mint, int64_t maxt,
                   std::vector<Sample>* out) {
  out->clear();
  std::vector<Sample> all;
  RETURN_IF_ERROR(DecodeAll(bytes, &all));
  for (const Sample& s : all) {
    if (s.t < mint || s.t > maxt) out->push_back(s);
  }
  return Status();
}

XorChunk ToXor(const std::vector<Sample>& samples) {
  XorChunk c;
  for (const Sample& s : samples) c.Append(s.t, s.v);
  return c;
}

}  // namespace

Status DbImpl::DeleteSeries(const std::vector<Matcher>& matchers, int64_t mint, int64_t maxt) {
  if (matchers.empty()) return InvalidArgumentError("no matchers given");
  std::lock_guard maintain(maintain_mu_);
  if (closed_) return FailedPreconditionError("storage is closed");
  {
    std::lock_guard commits(commit_mu_);
    std::vector<Sample> kept;
    for (MemSeries* s : head_->Select(matchers)) {
      std::lock_guard lock(head_->LockFor(*s));
      for (SealedChunk& c : s->sealed) {
        if (c.maxt < mint || c.mint > maxt) continue;
        RETURN_IF_ERROR(KeepOutside(c.bytes, mint, maxt, &kept));
        if (kept.empty()) {
          c.bytes.clear();
        } else {
          c = {kept.front().t, kept.back().t, std::string(ToXor(kept).bytes())};
        }
      }
      s->sealed.EraseIf([](const SealedChunk& c) { return c.bytes.empty(); });
      if (s->has_open && s->open.max_time() >= mint && s->open.min_time() <= maxt) {
        RETURN_IF_ERROR(KeepOutside(s->open.bytes(), mint, maxt, &kept));
        s->open = ToXor(kept);
        s->has_open = !kept.empty();
      }
      s->dirty = true;
    }
  }
  // Persisted chunks: every series of each partition in range is checked.
  int64_t w = options_.partition_ms;
  std::unique_ptr<rocksdb::Iterator> idx(db_->NewIterator({}, cfs_.index));
  std::unique_ptr<rocksdb::Iterator> chunks(db_->NewIterator({}, cfs_.chunks));
  std::vector<Sample> kept;
  for (int64_t p : PartitionsBetween(keys::PartitionOf(mint, w), keys::PartitionOf(maxt, w))) {
    rocksdb::WriteBatch batch;
    std::string prefix = keys::PartitionPrefix(p) + keys::kSeriesKind;
    for (idx->Seek(prefix); idx->Valid() && idx->key().starts_with(prefix); idx->Next()) {
      ASSIGN_OR_RETURN(Labels labels,
                       keys::DecodeLabels({idx->value().data(), idx->value().size()}));
      if (!MatchesAll(matchers, [&](const std::string& n) { return labels.Get(n); })) continue;
      uint64_t id = keys::DecodeU64Key(
          std::string_view(idx->key().data(), idx->key().size()).substr(prefix.size()));
      std::string cprefix = keys::ChunkSeriesPrefix(p, id);
      for (chunks->Seek(cprefix); chunks->Valid() && chunks->key().starts_with(cprefix);
           chunks->Next()) {
        coding::Reader r({chunks->value().data(), chunks->value().size()});
        uint64_t span;
        keys::ChunkKeyParts parts;
        if (!r.GetVarint(&span) ||
            !keys::DecodeChunkKey({chunks->key().data(), chunks->key().size()}, &parts)) {
          return CorruptionError("malformed chunk of series " + std::to_string(id));
        }
        if (parts.mint + static_cast<int64_t>(span) < mint || parts.mint > maxt) continue;
        RETURN_IF_ERROR(KeepOutside(r.rest(), mint, maxt, &kept));
        batch.Delete(cfs_.chunks, chunks->key());
        if (!kept.empty()) {
          std::string value;
          coding::PutVarint(value, static_cast<uint64_t>(kept.back().t - kept.front().t));
          value += EncodeBest(kept);
          batch.Put(cfs_.chunks, keys::ChunkKey(p, id, kept.front().t), value);
        }
      }
      RETURN_IF_ERROR(FromRocks(chunks->status(), "reading chunks"));
    }
    RETURN_IF_ERROR(FromRocks(idx->status(), "reading index"));
    RETURN_IF_ERROR(Write(batch));
  }
  return Checkpoint();
}

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
