#include "server/scrape/scrape_cache.h"

#include <algorithm>

namespace pharos::server::scrape {

void ScrapeCache::BeginScrape() {
  ++iter_;
  seen_ = 0;
  cur_.clear();
  order_.clear();
  next_ = 0;
}

ScrapeCache::Entry* ScrapeCache::Mark(Entry* e) {
  if (e->last_iter != iter_) ++seen_;
  e->last_iter = iter_;
  order_.push_back(e);
  return e;
}

ScrapeCache::Entry* ScrapeCache::Find(std::string_view series) {
  Entry* e = nullptr;
  // Entries and their keys live all over the heap: fetch the ones the
  // guess will need a few series ahead (entry first, then its key).
  if (next_ + 8 < last_order_.size()) __builtin_prefetch(last_order_[next_ + 8]);
  if (next_ + 4 < last_order_.size()) __builtin_prefetch(last_order_[next_ + 4]->key->data());
  if (next_ < last_order_.size() && *last_order_[next_]->key == series) {
    e = last_order_[next_];
  } else {
    auto it = series_.find(series);
    if (it == series_.end()) return nullptr;
    e = &it->second;
  }
  // Predict the series that followed this one last time; an entry not in
  // the last scrape leaves the guess where it was.
  if (e->order < last_order_.size() && last_order_[e->order] == e) next_ = e->order + 1;
  return Mark(e);
}

ScrapeCache::Entry* ScrapeCache::Insert(std::string_view series, tsdb::Labels labels,
                                        bool dropped) {
  auto [it, inserted] = series_.try_emplace(std::string(series));
  Entry* e = &it->second;
  e->labels = std::move(labels);
  e->dropped = dropped;
  e->key = &it->first;
  if (!inserted) e->ref = 0;
  return Mark(e);
}

void ScrapeCache::ForEachStale(const std::function<void(Entry&)>& fn) {
  for (Entry* e : prev_) {
    if (e->last_iter != iter_) fn(*e);
  }
}

void ScrapeCache::EndScrape(bool flush) {
  prev_.swap(cur_);
  cur_.clear();
  // Entries in order_ were seen in this iteration, so eviction below keeps
  // them all.
  last_order_.swap(order_);
  order_.clear();
  for (size_t i = 0; i < last_order_.size(); ++i) last_order_[i]->order = static_cast<uint32_t>(i);
  if (!flush) return;
  if (series_.size() > seen_) {
    for (auto it = series_.begin(); it != series_.end();) {
      if (it->second.last_iter != iter_) {
        it = series_.erase(it);
      } else {
        ++it;
      }
    }
  }
  std::lock_guard<std::mutex> lock(meta_mu_);
  for (auto it = meta_.begin(); it != meta_.end();) {
    if (iter_ - it->second.last_iter > 10) {
      it = meta_.erase(it);
    } else {
      ++it;
    }
  }
}

ScrapeCache::MetaEntry& ScrapeCache::Meta(std::string_view metric) {
  auto it = meta_.find(metric);
  if (it == meta_.end()) {
    it = meta_.try_emplace(std::string(metric)).first;
    it->second.meta.metric.assign(metric);
  }
  it->second.last_iter = iter_;
  return it->second;
}

void ScrapeCache::SetType(std::string_view metric, MetricType type) {
  std::lock_guard<std::mutex> lock(meta_mu_);
  Meta(metric).meta.type = type;
}

void ScrapeCache::SetHelp(std::string_view metric, std::string_view help) {
  std::lock_guard<std::mutex> lock(meta_mu_);
  std::string& h = Meta(metric).meta.help;
  if (h != help) h.assign(help);
}

void ScrapeCache::SetUnit(std::string_view metric, std::string_view unit) {
  std::lock_guard<std::mutex> lock(meta_mu_);
  std::string& u = Meta(metric).meta.unit;
  if (u != unit) u.assign(unit);
}

std::vector<ScrapeCache::Metadata> ScrapeCache::ListMetadata() const {
  std::vector<Metadata> out;
  {
    std::lock_guard<std::mutex> lock(meta_mu_);
    out.reserve(meta_.size());
    for (const auto& [name, e] : meta_) out.push_back(e.meta);
  }
  std::sort(out.begin(), out.end(),
            [](const Metadata& a, const Metadata& b) { return a.metric < b.metric; });
  return out;
}

bool ScrapeCache::GetMetadata(std::string_view metric, Metadata* out) const {
  std::lock_guard<std::mutex> lock(meta_mu_);
  auto it = meta_.find(metric);
  if (it == meta_.end()) return false;
  *out = it->second.meta;
  return true;
}

}  // namespace pharos::server::scrape
