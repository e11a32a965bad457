#include "server/scrape/scrape_cache.h"

#include <algorithm>

namespace pharos::server::scrape {

void ScrapeCache::BeginScrape() {
  ++iter_;
  seen_ = 0;
  cur_.clear();
}

ScrapeCache::Entry* ScrapeCache::Find(std::string_view series) {
  auto it = series_.find(series);
  if (it == series_.end()) return nullptr;
  if (it->second.last_iter != iter_) ++seen_;
  it->second.last_iter = iter_;
  return &it->second;
}

ScrapeCache::Entry* ScrapeCache::Insert(std::string_view series, tsdb::Labels labels,
                                        bool dropped) {
  auto [it, inserted] = series_.try_emplace(std::string(series));
  it->second.labels = std::move(labels);
  it->second.dropped = dropped;
  if (inserted || it->second.last_iter != iter_) ++seen_;
  it->second.last_iter = iter_;
  if (!inserted) it->second.ref = 0;
  return &it->second;
}

void ScrapeCache::ForEachStale(const std::function<void(Entry&)>& fn) {
  for (Entry* e : prev_) {
    if (e->last_iter != iter_) fn(*e);
  }
}

void ScrapeCache::EndScrape(bool flush) {
  prev_.swap(cur_);
  cur_.clear();
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
