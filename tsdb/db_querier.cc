// Reading: a querier merges what the head holds in memory with the chunks
// persisted in RocksDB, series in label order.
#include <rocksdb/db.h>

#include <algorithm>
#include <limits>
#include <span>
#include <thread>
#include <unordered_set>
#include <map>
#include <unordered_map>

#include "tsdb/byte_arena.h"
#include "tsdb/chunkenc/chunk.h"
#include "tsdb/db_impl.h"
#include "tsdb/partition.h"
#include "tsdb/rocks/coding.h"
#include "tsdb/rocks/keys.h"
#include "tsdb/rocks/rocks_status.h"

namespace pharos::tsdb {
namespace {

struct ChunkData {
  int64_t mint;
  int64_t maxt;
  std::string_view bytes;  // an encoded chunk, encoding byte first, in an arena
};

// Decodes one entry of the chunks column family. Sets *in_range to whether
// the chunk overlaps [mint, maxt]; fills *out only then.
Status DecodeChunkEntry(const rocksdb::Slice& key, const rocksdb::Slice& value, int64_t mint,
                        int64_t maxt, ByteArena& arena, keys::ChunkKeyParts* parts,
                        ChunkData* out, bool* in_range) {
  if (!keys::DecodeChunkKey({key.data(), key.size()}, parts)) {
    return CorruptionError("malformed chunk key");
  }
  int64_t chunk_maxt;
  std::string_view chunk;
  if (!keys::DecodeChunkValue({value.data(), value.size()}, parts->mint, &chunk_maxt, &chunk)) {
    return CorruptionError("malformed chunk of series " + std::to_string(parts->id));
  }
  *in_range = parts->mint <= maxt && chunk_maxt >= mint;
  if (*in_range) *out = {parts->mint, chunk_maxt, arena.Copy(chunk)};
  return Status();
}

// What a Select found of one series before its persisted chunks are read.
struct SeriesData {
  Labels labels;
  std::vector<ChunkData> chunks;                       // from the head
  std::vector<std::pair<uint64_t, int64_t>> persisted;  // (id, partition)
};

// Iterates samples of sorted, possibly overlapping chunks within [mint, maxt].
// Each chunk is decoded whole into a buffer: a tight loop per chunk is much
// faster than a bit reader suspended between virtual calls.
class ChunksIterator final : public SampleIterator {
 public:
  // `keepalive` owns chunk bytes not owned by the SeriesSet.
  ChunksIterator(std::vector<ChunkData> chunks, int64_t mint, int64_t maxt,
                 std::shared_ptr<const ByteArena> keepalive)
      : chunks_storage_(std::move(chunks)),
        chunks_(&chunks_storage_),
        mint_(mint),
        maxt_(maxt),
        keepalive_(std::move(keepalive)) {
    for (size_t i = 1; i < chunks_->size(); ++i) {
      if ((*chunks_)[i].mint <= (*chunks_)[i - 1].maxt) overlapping_ = true;
    }
    if (overlapping_) Flatten();
  }

  bool Next() override {
    if (pos_ + 1 < buf_.size()) {
      ++pos_;
      if (buf_[pos_].t <= maxt_) return true;
      return Stop();
    }
    return NextSlow();
  }

  bool Seek(int64_t t) override {
    const size_t first = overlapping_ ? std::max<size_t>(pos_, 1) : pos_;  // skip sentinel
    if (first == pos_ && pos_ < buf_.size() && buf_[pos_].t >= t) return true;
    if (exhausted_) return false;
    mint_ = std::max(mint_, t);
    if (!overlapping_) {
      // Skip whole chunks that end before t.
      while (next_chunk_ < chunks_->size() && (*chunks_)[next_chunk_].maxt < t) ++next_chunk_;
    }
    auto it = std::lower_bound(
        buf_.begin() + static_cast<ptrdiff_t>(std::min(first, buf_.size())), buf_.end(), t,
        [](const Sample& s, int64_t x) { return s.t < x; });
    if (it != buf_.end()) {
      pos_ = static_cast<size_t>(it - buf_.begin());
      if (buf_[pos_].t <= maxt_) return true;
      return Stop();
    }
    buf_.clear();
    pos_ = 0;
    return NextSlow();
  }

  Sample At() const override { return buf_[pos_]; }
  Status status() const override { return status_; }

 private:
  // Loads the next chunk with samples in range.
  bool NextSlow() {
    if (exhausted_ || overlapping_) return Stop();
    while (next_chunk_ < chunks_->size()) {
      const ChunkData& c = (*chunks_)[next_chunk_++];
      if (c.maxt < mint_) continue;
      if (c.mint > maxt_) break;
      buf_.clear();
      status_ = DecodeAll(c.bytes, &buf_);
      if (!status_.ok()) break;
      auto first = std::lower_bound(buf_.begin(), buf_.end(), mint_,
                                    [](const Sample& s, int64_t x) { return s.t < x; });
      if (first == buf_.end()) continue;
      pos_ = static_cast<size_t>(first - buf_.begin());
      if (buf_[pos_].t <= maxt_) return true;
      break;
    }
    return Stop();
  }

  bool Stop() {
    exhausted_ = true;
    buf_.clear();
    pos_ = 0;
    return false;
  }

  // Overlapping chunks (rare: a series re-created under a new id, or a
  // chunk seen both in memory and on disk with other bounds) are merged
  // into one sorted buffer up front.
  void Flatten() {
    for (const ChunkData& c : *chunks_) {
      status_ = DecodeAll(c.bytes, &buf_);
      if (!status_.ok()) {
        buf_.clear();
        exhausted_ = true;
        return;
      }
    }
    std::stable_sort(buf_.begin(), buf_.end(),
                     [](const Sample& a, const Sample& b) { return a.t < b.t; });
    buf_.erase(std::unique(buf_.begin(), buf_.end(),
                           [](const Sample& a, const Sample& b) { return a.t == b.t; }),
               buf_.end());
    buf_.erase(std::remove_if(buf_.begin(), buf_.end(),
                              [&](const Sample& s) { return s.t < mint_ || s.t > maxt_; }),
               buf_.end());
    // Positioned before the first sample: Next() moves onto it.
    buf_.insert(buf_.begin(), Sample{kMinTime, 0});
    pos_ = 0;
  }

  std::vector<ChunkData> chunks_storage_;
  const std::vector<ChunkData>* chunks_;
  int64_t mint_, maxt_;
  std::shared_ptr<const ByteArena> keepalive_;
  bool overlapping_ = false;
  bool exhausted_ = false;
  std::vector<Sample> buf_;  // decoded samples of the current chunk
  size_t pos_ = 0;           // current sample in buf_
  size_t next_chunk_ = 0;
  Status status_;
};

class LoadedSeries final : public Series {
 public:
  const Labels& labels() const override { return labels_; }
  std::unique_ptr<SampleIterator> Iterator() const override {
    return std::make_unique<ChunksIterator>(chunks_, mint_, maxt_, arena_);
  }

  Labels labels_;
  std::vector<ChunkData> chunks_;
  std::shared_ptr<const ByteArena> arena_;  // bytes of chunks read for this series alone
  int64_t mint_ = kMinTime, maxt_ = kMaxTime;
};

// Owns a RocksDB snapshot taken after the head was copied, so every chunk
// is seen in the head, on disk, or both (duplicates are merged by time).
class DbSeriesSet final : public SeriesSet {
 public:
  DbSeriesSet(DbImpl& db, std::vector<SeriesData> series, std::unique_ptr<ByteArena> arena,
              const rocksdb::Snapshot* snap, int64_t mint, int64_t maxt)
      : db_(db),
        series_(std::move(series)),
        arena_(std::move(arena)),
        snap_(snap),
        mint_(mint),
        maxt_(maxt) {
    rocksdb::ReadOptions ro;
    ro.snapshot = snap_;
    // Chunk decoding validates every value itself; RocksDB's block checksum
    // would double the cost of reading cold blocks.
    ro.verify_checksums = false;
    it_.reset(db_.rocks()->NewIterator(ro, db_.cfs().chunks));
  }
  ~DbSeriesSet() override {
    it_.reset();
    db_.rocks()->ReleaseSnapshot(snap_);
  }

  bool Next() override {
    while (status_.ok() && pos_ < series_.size()) {
      SeriesData& d = series_[pos_++];
      cur_.labels_ = std::move(d.labels);
      cur_.chunks_ = std::move(d.chunks);
      cur_.mint_ = mint_;
      cur_.maxt_ = maxt_;
      // A fresh arena per series: iterators handed out earlier may still
      // be reading the previous one.
      cur_.arena_.reset();
      if (!d.persisted.empty()) {
        auto arena = std::make_shared<ByteArena>(4096);
        for (auto [id, partition] : d.persisted) {
          status_ = LoadChunks(id, partition, *arena, &cur_.chunks_);
          if (!status_.ok()) return false;
        }
        cur_.arena_ = std::move(arena);
      }
      if (cur_.chunks_.empty()) continue;
      std::stable_sort(cur_.chunks_.begin(), cur_.chunks_.end(),
                       [](const ChunkData& a, const ChunkData& b) { return a.mint < b.mint; });
      // The same chunk can be both in the head and on disk.
      cur_.chunks_.erase(std::unique(cur_.chunks_.begin(), cur_.chunks_.end(),
                                     [](const ChunkData& a, const ChunkData& b) {
                                       return a.mint == b.mint && a.maxt == b.maxt;
                                     }),
                         cur_.chunks_.end());
      return true;
    }
    return false;
  }
  const Series& At() const override { return cur_; }
  Status status() const override { return status_; }

 private:
  Status LoadChunks(uint64_t id, int64_t partition, ByteArena& arena, std::vector<ChunkData>* out) {
    std::string prefix = keys::ChunkSeriesPrefix(partition, id);
    for (it_->Seek(prefix); it_->Valid() && it_->key().starts_with(prefix); it_->Next()) {
      keys::ChunkKeyParts parts;
      ChunkData chunk;
      bool in_range;
      RETURN_IF_ERROR(DecodeChunkEntry(it_->key(), it_->value(), mint_, maxt_, arena,
                                       &parts, &chunk, &in_range));
      if (parts.mint > maxt_) break;
      if (in_range) out->push_back(std::move(chunk));
    }
    return FromRocks(it_->status(), "reading chunks");
  }

  DbImpl& db_;
  std::vector<SeriesData> series_;
  std::unique_ptr<ByteArena> arena_;  // chunks gathered by Select
  const rocksdb::Snapshot* snap_;
  int64_t mint_, maxt_;
  std::unique_ptr<rocksdb::Iterator> it_;
  size_t pos_ = 0;
  LoadedSeries cur_;
  Status status_;
};

// Orders `order` (indices into `series`) by the series' labels. Each label
// set is flattened into one key, name NUL value NUL ..., whose byte order is
// the label order, so a comparison is one memcmp instead of a walk over
// string pairs. Values holding a NUL byte would make keys ambiguous; those
// series are compared label by label.
void SortByLabels(const std::vector<SeriesData>& series, std::vector<uint32_t>* order) {
  std::vector<std::string> keys(series.size());
  std::vector<bool> exact(series.size(), false);
  for (size_t i = 0; i < series.size(); ++i) {
    std::string& k = keys[i];
    for (const Label& l : series[i].labels) {
      if (l.value.find('\0') != std::string::npos) exact[i] = true;
      k.append(l.name);
      k.push_back('\0');
      k.append(l.value);
      k.push_back('\0');
    }
  }
  std::sort(order->begin(), order->end(), [&](uint32_t a, uint32_t b) {
    if (exact[a] || exact[b]) return series[a].labels < series[b].labels;
    return keys[a] < keys[b];
  });
}

class DbQuerier final : public Querier {
 public:
  DbQuerier(DbImpl& db, int64_t mint, int64_t maxt) : db_(db), mint_(mint), maxt_(maxt) {}

  std::unique_ptr<SeriesSet> Select(const SelectHints& hints,
                                    const std::vector<Matcher>& matchers) override {
    int64_t mint = std::max(mint_, hints.start), maxt = std::min(maxt_, hints.end);
    std::vector<SeriesData> found;
    if (mint > maxt) return EmptySeriesSet();
    std::unordered_map<uint64_t, size_t> by_id;
    by_id.reserve(db_.head().NumSeries());
    auto arena = std::make_unique<ByteArena>();
    CopyHead(matchers, mint, maxt, *arena, &found, &by_id);
    const rocksdb::Snapshot* snap = db_.rocks()->GetSnapshot();
    Status s = FindPersisted(snap, matchers, mint, maxt, &found, &by_id);
    if (s.ok()) s = LoadBulkPartitions(snap, mint, maxt, hints.threads, *arena, &found, by_id);
    if (!s.ok()) {
      db_.rocks()->ReleaseSnapshot(snap);
      return EmptySeriesSet(s);
    }
    // Sort indices, not the (large) SeriesData themselves.
    std::vector<uint32_t> order(found.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    SortByLabels(found, &order);
    // Equal labels under different ids (a series that left the head and came
    // back) are one series.
    std::vector<SeriesData> merged;
    merged.reserve(found.size());
    for (uint32_t i : order) {
      SeriesData& d = found[i];
      if (!merged.empty() && merged.back().labels == d.labels) {
        auto& m = merged.back();
        std::move(d.chunks.begin(), d.chunks.end(), std::back_inserter(m.chunks));
        m.persisted.insert(m.persisted.end(), d.persisted.begin(), d.persisted.end());
      } else {
        merged.push_back(std::move(d));
      }
    }
    return std::make_unique<DbSeriesSet>(db_, std::move(merged), std::move(arena), snap, mint,
                                         maxt);
  }

  Result<std::vector<std::string>> LabelNames(const std::vector<Matcher>& matchers) override {
    std::vector<std::string> out;
    if (matchers.empty()) {
      ASSIGN_OR_RETURN(auto pairs, AllPairs(std::nullopt));
      for (auto& [n, v] : pairs) out.push_back(std::move(n));
    } else {
      RETURN_IF_ERROR(ForEachLabels(matchers, [&](const Labels& l) {
        for (const Label& x : l) out.push_back(x.name);
      }));
    }
    return SortUnique(std::move(out));
  }

  Result<std::vector<std::string>> LabelValues(const std::string& name,
                                               const std::vector<Matcher>& matchers) override {
    std::vector<std::string> out;
    if (matchers.empty()) {
      ASSIGN_OR_RETURN(auto pairs, AllPairs(name));
      for (auto& [n, v] : pairs) out.push_back(std::move(v));
    } else {
      RETURN_IF_ERROR(ForEachLabels(matchers, [&](const Labels& l) {
        std::string_view v = l.Get(name);
        if (!v.empty()) out.emplace_back(v);
      }));
    }
    return SortUnique(std::move(out));
  }

 private:
  static std::vector<std::string> SortUnique(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }

  template <typename Fn>
  Status ForEachLabels(const std::vector<Matcher>& matchers, Fn&& fn) {
    SelectHints hints{mint_, maxt_, true};
    auto set = Select(hints, matchers);
    while (set->Next()) fn(set->At().labels());
    return set->status();
  }

  bool HeadOverlaps() const {
    Head& h = db_.head();
    return h.MaxTime() != kMinTime && h.MaxTime() >= mint_ && h.MinTime() <= maxt_;
  }

  // (name, value) pairs of every series with data in range, optionally of
  // one name only.
  Result<std::vector<std::pair<std::string, std::string>>> AllPairs(
      std::optional<std::string> only) {
    std::vector<std::pair<std::string, std::string>> out;
    if (HeadOverlaps()) {
      for (auto& p : db_.head().LabelPairs()) {
        if (!only || p.first == *only) out.push_back(std::move(p));
      }
    }
    std::unique_ptr<rocksdb::Iterator> it(db_.rocks()->NewIterator({}, db_.cfs().index));
    for (int64_t p : Partitions(mint_, maxt_)) {
      std::string prefix = only ? keys::ValuePrefix(p, *only) : keys::AllValuesPrefix(p);
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
        std::string_view n, v;
        if (!keys::DecodeValueKey({it->key().data(), it->key().size()}, &n, &v)) {
          return CorruptionError("malformed index value key");
        }
        out.emplace_back(n, v);
      }
      RETURN_IF_ERROR(FromRocks(it->status(), "reading label values"));
    }
    return out;
  }

  std::vector<int64_t> Partitions(int64_t mint, int64_t maxt) {
    int64_t w = db_.options().partition_ms;
    return db_.PartitionsBetween(PartitionOf(mint, w), PartitionOf(maxt, w));
  }

  void CopyHead(const std::vector<Matcher>& matchers, int64_t mint, int64_t maxt,
                ByteArena& arena, std::vector<SeriesData>* out,
                std::unordered_map<uint64_t, size_t>* by_id) {
    Head& head = db_.head();
    db_.PinHead();
    for (MemSeries* s : head.Select(matchers)) {
      SeriesData d;
      d.labels = head.LabelsOf(*s);
      {
        std::lock_guard lock(head.LockFor(*s));
        for (const SealedChunk& c : s->sealed) {
          if (c.maxt >= mint && c.mint <= maxt) {
            d.chunks.push_back({c.mint, c.maxt, arena.Copy(c.bytes)});
          }
        }
        if (s->has_open && s->open.max_time() >= mint && s->open.min_time() <= maxt) {
          d.chunks.push_back(
              {s->open.min_time(), s->open.max_time(), arena.Copy(s->open.bytes())});
        }
      }
      (*by_id)[s->id] = out->size();
      out->push_back(std::move(d));
    }
    db_.UnpinHead();
  }

  // PostingsFor, through the cache for closed partitions.
  Result<PostingsCache::List> CachedPostingsFor(rocksdb::Iterator* it, int64_t p,
                                                const Matcher& m) {
    const bool closed = p + db_.options().partition_ms <= db_.persisted_until();
    std::string key;
    if (closed) {
      key = std::to_string(p) + '\0' + std::to_string(static_cast<int>(m.type())) + '\0' +
            m.name() + '\0' + m.value();
      if (PostingsCache::List hit = db_.postings_cache().Get(key)) return hit;
    }
    const uint64_t generation = db_.postings_cache().generation();
    ASSIGN_OR_RETURN(std::vector<uint64_t> list, PostingsFor(it, p, m));
    auto shared = std::make_shared<const std::vector<uint64_t>>(std::move(list));
    if (closed) db_.postings_cache().Put(key, shared, generation);
    return PostingsCache::List(shared);
  }

  Result<std::vector<uint64_t>> PostingsFor(rocksdb::Iterator* it, int64_t p,
                                            const Matcher& m) {
    std::vector<std::string> values;
    bool positive = m.type() == MatchType::kEqual || m.type() == MatchType::kRegexMatch;
    if (positive && !m.SetMatches().empty()) {
      values = m.SetMatches();
    } else {
      std::string prefix = keys::ValuePrefix(p, m.name());
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
        std::string_view n, v;
        if (!keys::DecodeValueKey({it->key().data(), it->key().size()}, &n, &v)) {
          return CorruptionError("malformed index value key");
        }
        if (m.Matches(v)) values.emplace_back(v);
      }
      RETURN_IF_ERROR(FromRocks(it->status(), "reading label values"));
    }
    std::vector<uint64_t> ids;
    for (const std::string& v : values) {
      std::string prefix = keys::PostingPrefix(p, m.name(), v);
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
        if (it->key().size() != prefix.size() + 8) return CorruptionError("malformed posting");
        ids.push_back(coding::GetBigEndian64(it->key().data() + prefix.size()));
      }
      RETURN_IF_ERROR(FromRocks(it->status(), "reading postings"));
    }
    if (values.size() > 1) {  // one value's postings come sorted by key
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    }
    return ids;
  }

  // Where a query wants many series of a partition, reading the whole
  // partition in key order beats one seek per series: blocks are read once
  // and sequentially. The chunks go straight into `found`. With `threads`,
  // the wanted ids are split into that many slices read at once; a series
  // is in one slice only, so each of its chunk lists has one writer.
  Status LoadBulkPartitions(const rocksdb::Snapshot* snap, int64_t mint, int64_t maxt,
                            int threads, ByteArena& arena, std::vector<SeriesData>* found,
                            const std::unordered_map<uint64_t, size_t>& by_id) {
    std::map<int64_t, size_t> wanted;  // partition -> series selected in it
    for (const SeriesData& d : *found) {
      for (const auto& [id, p] : d.persisted) ++wanted[p];
    }
    const size_t head_series = db_.head().NumSeries();
    std::vector<int64_t> bulk;
    for (auto [p, n] : wanted) {
      if (n >= 64 && n * 32 >= head_series) bulk.push_back(p);
    }
    if (bulk.empty()) return Status();
    std::vector<uint64_t> wanted_ids;
    wanted_ids.reserve(by_id.size());
    for (const auto& [id, index] : by_id) wanted_ids.push_back(id);
    std::sort(wanted_ids.begin(), wanted_ids.end());
    // A thread is worth starting for a few hundred series at least.
    constexpr size_t kSeriesPerSlice = 512;
    const size_t slices = std::clamp<size_t>(wanted_ids.size() / kSeriesPerSlice, 1,
                                             static_cast<size_t>(std::max(1, threads)));
    // Short ranges (the last hours dashboards refresh again and again) keep
    // their blocks in the block cache, which spares decompressing them on
    // every refresh; longer scans would only churn the cache (measured: a
    // day-long scan is 20 % slower when it fills the cache).
    constexpr size_t kCachedScanPartitions = 3;
    const bool fill_cache = bulk.size() <= kCachedScanPartitions;
    std::vector<ByteArena> arenas(slices);
    std::vector<Status> status(slices);
    auto read_slice = [&](size_t k) {
      const size_t from = wanted_ids.size() * k / slices;
      const size_t to = wanted_ids.size() * (k + 1) / slices;
      std::span<const uint64_t> ids(wanted_ids.data() + from, to - from);
      for (int64_t p : bulk) {
        status[k] = ReadBulkSlice(snap, p, mint, maxt, ids, fill_cache, arenas[k], found, by_id);
        if (!status[k].ok()) return;
      }
    };
    std::vector<std::thread> pool;
    for (size_t k = 1; k < slices; ++k) pool.emplace_back(read_slice, k);
    read_slice(0);
    for (std::thread& t : pool) t.join();
    for (size_t k = 0; k < slices; ++k) {
      RETURN_IF_ERROR(status[k]);
      arena.Absorb(std::move(arenas[k]));
    }
    for (SeriesData& d : *found) {
      std::erase_if(d.persisted, [&](const std::pair<uint64_t, int64_t>& e) {
        return std::binary_search(bulk.begin(), bulk.end(), e.second);
      });
    }
    return Status();
  }

  // The chunks of partition `p` of the series `ids` (sorted, not empty),
  // read in key order from the first id's to the last's.
  Status ReadBulkSlice(const rocksdb::Snapshot* snap, int64_t p, int64_t mint, int64_t maxt,
                       std::span<const uint64_t> ids, bool fill_cache, ByteArena& arena,
                       std::vector<SeriesData>* found,
                       const std::unordered_map<uint64_t, size_t>& by_id) {
    const std::string begin = keys::ChunkSeriesPrefix(p, ids.front());
    const std::string end = ids.back() == std::numeric_limits<uint64_t>::max()
                                ? keys::PartitionPrefix(p + 1)
                                : keys::ChunkSeriesPrefix(p, ids.back() + 1);
    rocksdb::Slice upper(end);
    rocksdb::ReadOptions ro;
    ro.snapshot = snap;
    ro.verify_checksums = false;
    ro.iterate_upper_bound = &upper;
    ro.readahead_size = 1 << 20;
    ro.fill_cache = fill_cache;
    std::unique_ptr<rocksdb::Iterator> it(db_.rocks()->NewIterator(ro, db_.cfs().chunks));
    // Keys run in series-id order; a long run of unselected series is
    // skipped with one seek rather than stepped over.
    constexpr uint64_t kSeekGap = 8;
    it->Seek(begin);
    while (it->Valid()) {
      keys::ChunkKeyParts parts;
      ChunkData chunk;
      bool in_range;
      // Decode the key first: chunks of unselected series are not copied.
      if (!keys::DecodeChunkKey({it->key().data(), it->key().size()}, &parts)) {
        return CorruptionError("malformed chunk key");
      }
      auto known = by_id.find(parts.id);
      // The slice is a run of consecutive wanted ids: every wanted id within
      // its bounds is its own.
      if (known == by_id.end()) {
        auto next = std::upper_bound(ids.begin(), ids.end(), parts.id);
        if (next == ids.end()) break;
        if (*next - parts.id >= kSeekGap) {
          it->Seek(keys::ChunkSeriesPrefix(p, *next));
        } else {
          it->Next();
        }
        continue;
      }
      RETURN_IF_ERROR(DecodeChunkEntry(it->key(), it->value(), mint, maxt, arena, &parts,
                                       &chunk, &in_range));
      if (in_range) (*found)[known->second].chunks.push_back(chunk);
      it->Next();
    }
    return FromRocks(it->status(), "reading chunks");
  }

  Status FindPersisted(const rocksdb::Snapshot* snap, const std::vector<Matcher>& matchers,
                       int64_t mint, int64_t maxt, std::vector<SeriesData>* out,
                       std::unordered_map<uint64_t, size_t>* by_id) {
    rocksdb::ReadOptions ro;
    ro.snapshot = snap;
    std::unique_ptr<rocksdb::Iterator> it(db_.rocks()->NewIterator(ro, db_.cfs().index));
    // Cheap, selective postings first: literal values, then value sets,
    // then regexes that scan every value of their label.
    std::vector<const Matcher*> order;
    for (const Matcher& m : matchers) {
      if (!m.MatchesEmpty()) order.push_back(&m);
    }
    auto cost = [](const Matcher* m) {
      const bool positive = m->type() == MatchType::kEqual || m->type() == MatchType::kRegexMatch;
      if (positive && m->SetMatches().size() == 1) return 0;
      if (positive && !m->SetMatches().empty()) return 1;
      return 2;
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](const Matcher* a, const Matcher* b) { return cost(a) < cost(b); });
    // Below this many candidates, checking the remaining set and regex
    // matchers against each candidate's labels (which `add` does anyway) is
    // cheaper than reading more postings. A literal value's postings are one
    // short read (or a cache hit), cheaper than reading the labels of the
    // candidates it would have removed, so those are always intersected.
    constexpr size_t kVerifyBelow = 64;
    std::unordered_set<uint64_t> rejected;
    for (int64_t p : Partitions(mint, maxt)) {
      std::vector<uint64_t> ids;
      bool have = false;
      for (const Matcher* mp : order) {
        const Matcher& m = *mp;
        if (have && ids.size() <= kVerifyBelow && cost(mp) > 0) break;
        ASSIGN_OR_RETURN(PostingsCache::List shared, CachedPostingsFor(it.get(), p, m));
        const std::vector<uint64_t>& list = *shared;
        if (!have) {
          ids = list;
          have = true;
        } else {
          std::vector<uint64_t> both;
          std::set_intersection(ids.begin(), ids.end(), list.begin(), list.end(),
                                std::back_inserter(both));
          ids = std::move(both);
        }
        if (ids.empty()) break;
      }
      // Labels of series not in the head come from the partition's index.
      auto add = [&](uint64_t id, std::string_view labels_value) -> Status {
        auto known = by_id->find(id);
        if (known != by_id->end()) {
          (*out)[known->second].persisted.emplace_back(id, p);
          return Status();
        }
        ASSIGN_OR_RETURN(Labels labels, keys::DecodeLabels(labels_value));
        if (!MatchesAll(matchers, [&](const std::string& n) { return labels.Get(n); })) {
          rejected.insert(id);  // an id's labels are the same in every partition
          return Status();
        }
        (*by_id)[id] = out->size();
        out->push_back({std::move(labels), {}, {{id, p}}});
        return Status();
      };
      if (!have) {
        std::string prefix = keys::PartitionPrefix(p) + keys::kSeriesKind;
        for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
          uint64_t id = keys::DecodeU64Key(
              std::string_view(it->key().data(), it->key().size()).substr(prefix.size()));
          RETURN_IF_ERROR(add(id, {it->value().data(), it->value().size()}));
        }
        RETURN_IF_ERROR(FromRocks(it->status(), "reading index"));
        continue;
      }
      for (uint64_t id : ids) {
        if (rejected.count(id)) continue;
        if (by_id->count(id)) {
          RETURN_IF_ERROR(add(id, {}));
          continue;
        }
        std::string value;
        rocksdb::Status s =
            db_.rocks()->Get(ro, db_.cfs().index, keys::IndexSeriesKey(p, id), &value);
        if (s.IsNotFound()) return CorruptionError("posting without series entry");
        RETURN_IF_ERROR(FromRocks(s, "reading series labels"));
        RETURN_IF_ERROR(add(id, value));
      }
    }
    return Status();
  }

  DbImpl& db_;
  int64_t mint_, maxt_;
};

}  // namespace

Result<std::unique_ptr<Querier>> DbImpl::NewQuerier(int64_t mint, int64_t maxt) {
  if (closed_) return FailedPreconditionError("storage is closed");
  return std::unique_ptr<Querier>(std::make_unique<DbQuerier>(*this, mint, maxt));
}

}  // namespace pharos::tsdb
