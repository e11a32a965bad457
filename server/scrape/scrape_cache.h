// ScrapeCache: what one target's scrape loop remembers between scrapes.
//
//   cache.BeginScrape();
//   ScrapeCache::Entry* e = cache.Find(series_text);   // raw `name{...}`
//   if (e == nullptr) e = cache.Insert(series_text, /*dropped=*/false);
//   ... append with e->ref (labels only while it is 0), then cache.Seen(e) ...
//   cache.ForEachStale([&](ScrapeCache::Entry& gone) { append stale NaN });
//   cache.EndScrape(/*flush=*/true);
//
// Series are keyed by their text exactly as the target wrote it, so a
// steady-state scrape finds each line's storage ref without parsing labels,
// relabeling or hashing a label set (Prometheus' scrapeCache). Unlike
// Prometheus, the cache keeps neither the text nor the label set: an entry
// is a 128-bit hash of the text and the storage ref, 40 bytes, because a
// million scraped series must fit beside the head. Storage knows a series'
// labels by its ref; when it no longer knows the ref (a deleted series) the
// caller rebuilds the labels from the line. Two texts colliding on all 128
// bits are not expected in practice; they would share one series.
//
// Targets write their series in the same order scrape after scrape, so
// Find() first tries the entry that followed the previous hit in the last
// scrape and probes the hash index only when that guess is wrong.
// Staleness: series seen (without an explicit timestamp) in the previous
// scrape but not in this one are "stale". Metadata (TYPE, HELP, UNIT per
// metric family) is kept for the API.
//
// Thread-safety: the series part is used by the scrape loop alone; the
// metadata methods are thread-safe (the API reads them).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/scrape/textparse/parser.h"
#include "tsdb/labels.h"
#include "tsdb/storage.h"

namespace pharos::server::scrape {

class ScrapeCache {
 public:
  struct Entry {
    uint64_t hash[2] = {0, 0};  // of the series text
    tsdb::SeriesRef ref = 0;    // 0: nothing appended yet
    uint32_t last_iter = 0;     // the iteration that last found it
    uint32_t order = 0;         // position in the last scrape's order
    bool dropped = false;       // dropped by metric relabeling
  };

  struct Metadata {
    std::string metric;
    MetricType type = MetricType::kUnknown;
    std::string help;
    std::string unit;
  };

  ScrapeCache() = default;
  ScrapeCache(const ScrapeCache&) = delete;
  ScrapeCache& operator=(const ScrapeCache&) = delete;

  // Starts a scrape iteration.
  void BeginScrape();
  // The entry for a series text, or nullptr; marks it seen in this
  // iteration. The pointer is valid until the next Insert() or EndScrape().
  Entry* Find(std::string_view series);
  Entry* Insert(std::string_view series, bool dropped);
  // Tracks `e` for staleness in this iteration.
  void Seen(const Entry* e) { cur_.push_back(Index(e)); }
  // Calls fn for every entry tracked in the previous iteration and not seen
  // in this one.
  void ForEachStale(const std::function<void(Entry&)>& fn);
  // Ends the iteration. `flush` (a successful, non-empty scrape) evicts
  // entries not seen in it, and metadata unseen for 10 iterations.
  void EndScrape(bool flush);

  size_t size() const { return entries_.size(); }

  void SetType(std::string_view metric, MetricType type);
  void SetHelp(std::string_view metric, std::string_view help);
  void SetUnit(std::string_view metric, std::string_view unit);
  // Sorted by metric name.
  std::vector<Metadata> ListMetadata() const;
  // The metadata of one metric family; false when unknown.
  bool GetMetadata(std::string_view metric, Metadata* out) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return tsdb::HashBytes(s.data(), s.size()); }
  };
  struct Eq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };
  struct MetaEntry {
    Metadata meta;
    uint64_t last_iter = 0;
  };
  MetaEntry& Meta(std::string_view metric);  // REQUIRES: meta_mu_ held
  uint32_t Index(const Entry* e) const { return static_cast<uint32_t>(e - entries_.data()); }
  Entry* Mark(uint32_t i);                    // counts entry i as seen in this iteration
  uint32_t* Slot(const uint64_t hash[2]);     // the index slot holding or awaiting hash
  void RebuildIndex(size_t entries);          // sized for `entries`
  void Evict();                               // drops entries unseen in this iteration

  uint32_t iter_ = 0;
  size_t seen_ = 0;  // distinct entries seen in this iteration
  std::vector<Entry> entries_;
  // Open addressing over entries_: 1 + the entry's position, 0 when free.
  std::vector<uint32_t> index_;
  // Positions in entries_ tracked for staleness: this scrape's, the last's.
  std::vector<uint32_t> cur_;
  std::vector<uint32_t> prev_;
  // Every entry found or inserted, in body order: this scrape's and the
  // last one's. `next_` is where the last scrape's order predicts the next
  // series.
  std::vector<uint32_t> order_;
  std::vector<uint32_t> last_order_;
  size_t next_ = 0;

  mutable std::mutex meta_mu_;
  std::unordered_map<std::string, MetaEntry, Hash, Eq> meta_;  // GUARDED_BY(meta_mu_)
};

}  // namespace pharos::server::scrape
