// PostingsCache: series-id lists of closed partitions, kept in memory so
// that repeated queries (dashboards refresh the same selectors) skip
// reading postings from RocksDB. Whatever writes to a closed partition's
// index (a late chunk of a series, a dropped partition) calls Invalidate()
// after its write; a list read before that is then never cached. Least
// recently used lists go first once the byte budget is spent.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace pharos::tsdb {

class PostingsCache {
 public:
  using List = std::shared_ptr<const std::vector<uint64_t>>;

  // Default: 64 MiB of ids.
  explicit PostingsCache(size_t budget_bytes = 64 << 20) : budget_(budget_bytes) {}

  // The list cached under `key`, or null.
  List Get(const std::string& key);

  // Read generation() before reading a list from storage and pass it here:
  // the list is cached only if nothing was invalidated in between.
  uint64_t generation() const;
  void Put(const std::string& key, List list, uint64_t generation);

  // Drops every list and makes in-flight reads uncacheable.
  void Invalidate();

 private:
  struct Entry {
    List list;
    std::list<std::string>::iterator lru;
  };
  mutable std::mutex mu_;
  const size_t budget_;
  size_t used_ = 0;                              // GUARDED_BY(mu_)
  uint64_t generation_ = 0;                      // GUARDED_BY(mu_)
  std::unordered_map<std::string, Entry> map_;   // GUARDED_BY(mu_)
  std::list<std::string> lru_;                   // GUARDED_BY(mu_), most recent first
};

}  // namespace pharos::tsdb
