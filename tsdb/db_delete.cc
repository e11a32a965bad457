// Deleting series data by matchers and time range (the admin API's
// delete_series). Chunks are rewritten without the deleted samples, then a
// checkpoint makes the deletion survive a restart.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "tsdb/chunkenc/chunk.h"
#include "tsdb/db_impl.h"
#include "tsdb/partition.h"
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
  for (int64_t p : PartitionsBetween(PartitionOf(mint, w), PartitionOf(maxt, w))) {
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
        keys::ChunkKeyParts parts;
        int64_t chunk_maxt;
        std::string_view chunk;
        if (!keys::DecodeChunkKey({chunks->key().data(), chunks->key().size()}, &parts) ||
            !keys::DecodeChunkValue({chunks->value().data(), chunks->value().size()},
                                    parts.mint, &chunk_maxt, &chunk)) {
          return CorruptionError("malformed chunk of series " + std::to_string(id));
        }
        if (chunk_maxt < mint || parts.mint > maxt) continue;
        RETURN_IF_ERROR(KeepOutside(chunk, mint, maxt, &kept));
        batch.Delete(cfs_.chunks, chunks->key());
        if (!kept.empty()) {
          batch.Put(cfs_.chunks, keys::ChunkKey(p, id, kept.front().t),
                    keys::ChunkValue(kept.front().t, kept.back().t, EncodeBest(kept)));
        }
      }
      RETURN_IF_ERROR(FromRocks(chunks->status(), "reading chunks"));
    }
    RETURN_IF_ERROR(FromRocks(idx->status(), "reading index"));
    RETURN_IF_ERROR(Write(batch));
  }
  return Checkpoint();
}

}  // namespace pharos::tsdb
