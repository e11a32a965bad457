#include "tsdb/head/head.h"

#include <algorithm>
#include <map>

namespace pharos::tsdb {

Head::Head(int64_t partition_ms, int max_samples_per_chunk)
    : partition_ms_(partition_ms),
      max_samples_(max_samples_per_chunk),
      stripes_(std::make_unique<Stripe[]>(kStripes)),
      min_time_(kMaxTime),
      max_time_(kMinTime) {}

Head::~Head() {
  // by_id_ owns the series it points at.
  by_id_.ForEach([](MemSeries* s) { std::unique_ptr<MemSeries> owned(s); });
}

void Head::Reserve(size_t n) {
  std::unique_lock lock(mu_);
  by_id_.Reserve(n);
  by_hash_.Reserve(n);
}

MemSeries* Head::Get(uint64_t id) const {
  std::shared_lock lock(mu_);
  return by_id_.Find(id, [](const MemSeries*) { return true; });
}

bool Head::SameLabelsLocked(const MemSeries& s, const Labels& labels) const {
  if (s.num_labels != labels.size()) return false;
  for (uint16_t i = 0; i < s.num_labels; ++i) {
    if (symbols_.Lookup(s.label_ids[2 * i]) != labels[i].name ||
        symbols_.Lookup(s.label_ids[2 * i + 1]) != labels[i].value) {
      return false;
    }
  }
  return true;
}

Labels Head::LabelsOf(const MemSeries& s) const {
  std::vector<Label> out;
  out.reserve(s.num_labels);
  std::shared_lock lock(mu_);
  for (uint16_t i = 0; i < s.num_labels; ++i) {
    out.push_back({std::string(symbols_.Lookup(s.label_ids[2 * i])),
                   std::string(symbols_.Lookup(s.label_ids[2 * i + 1]))});
  }
  lock.unlock();
  return Labels(std::move(out));
}

MemSeries* Head::Find(const Labels& labels) const {
  std::shared_lock lock(mu_);
  return by_hash_.Find(labels.Hash(),
                       [&](const MemSeries* s) { return SameLabelsLocked(*s, labels); });
}

MemSeries* Head::GetOrCreate(const Labels& labels, const std::function<uint64_t()>& new_id,
                             bool* created) {
  *created = false;
  if (MemSeries* s = Find(labels)) return s;
  std::unique_lock lock(mu_);
  // Another thread may have created it between the two locks.
  if (MemSeries* s = by_hash_.Find(
          labels.Hash(), [&](const MemSeries* s) { return SameLabelsLocked(*s, labels); })) {
    return s;
  }
  *created = true;
  std::vector<LabelView> views;
  views.reserve(labels.size());
  for (const Label& l : labels) views.emplace_back(l.name, l.value);
  return InsertLocked(new_id(), views.data(), views.size(), labels.Hash());
}

MemSeries* Head::Restore(uint64_t id, const std::vector<LabelView>& labels) {
  std::unique_lock lock(mu_);
  return InsertLocked(id, labels.data(), labels.size(),
                      HashLabelViews(labels.data(), labels.size()));
}

MemSeries* Head::InsertLocked(uint64_t id, const LabelView* labels, size_t count,
                              uint64_t hash) {
  auto ids = std::make_unique<uint32_t[]>(2 * count);
  for (size_t i = 0; i < count; ++i) {
    uint32_t n = symbols_.Intern(labels[i].first);
    uint32_t v = symbols_.Intern(labels[i].second);
    ids[2 * i] = n;
    ids[2 * i + 1] = v;
    std::vector<uint64_t>& list = postings_[PairKey(n, v)];
    if (list.empty()) values_[n].push_back(v);
    // Ids are mostly increasing; keep the list sorted either way.
    if (list.empty() || list.back() < id) {
      list.push_back(id);
    } else {
      list.insert(std::lower_bound(list.begin(), list.end(), id), id);
    }
  }
  auto s = std::make_unique<MemSeries>(id, std::move(ids), static_cast<uint16_t>(count));
  MemSeries* raw = s.release();  // owned by by_id_
  by_id_.Insert(id, raw);
  by_hash_.Insert(hash, raw);
  return raw;
}

void Head::ObserveTime(int64_t t) {
  int64_t cur = min_time_.load(std::memory_order_relaxed);
  while (t < cur && !min_time_.compare_exchange_weak(cur, t)) {
  }
  cur = max_time_.load(std::memory_order_relaxed);
  while (t > cur && !max_time_.compare_exchange_weak(cur, t)) {
  }
}

std::vector<uint64_t> Head::DrainSealed() {
  std::lock_guard lock(sealed_mu_);
  std::vector<uint64_t> out;
  out.swap(sealed_ids_);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<uint64_t> Head::PostingsForLocked(const Matcher& m) const {
  uint32_t name;
  if (!symbols_.Find(m.name(), &name)) return {};
  std::vector<uint64_t> out;
  int lists = 0;
  auto add = [&](uint32_t value) {
    auto it = postings_.find(PairKey(name, value));
    if (it == postings_.end()) return;
    out.insert(out.end(), it->second.begin(), it->second.end());
    ++lists;
  };
  bool positive = m.type() == MatchType::kEqual || m.type() == MatchType::kRegexMatch;
  if (positive && !m.SetMatches().empty()) {
    for (const std::string& v : m.SetMatches()) {
      uint32_t value;
      if (symbols_.Find(v, &value)) add(value);
    }
  } else {
    auto it = values_.find(name);
    if (it == values_.end()) return {};
    for (uint32_t value : it->second) {
      if (m.Matches(symbols_.Lookup(value))) add(value);
    }
  }
  if (lists <= 1) return out;  // one postings list is sorted and unique already
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<MemSeries*> Head::Select(const std::vector<Matcher>& matchers) const {
  std::shared_lock lock(mu_);
  // Intersect the postings of matchers that cannot match an absent label;
  // the others are checked against each candidate's labels.
  std::vector<uint64_t> ids;
  bool have_candidates = false;
  for (const Matcher& m : matchers) {
    if (m.MatchesEmpty()) continue;
    std::vector<uint64_t> p = PostingsForLocked(m);
    if (!have_candidates) {
      ids = std::move(p);
      have_candidates = true;
    } else {
      std::vector<uint64_t> both;
      std::set_intersection(ids.begin(), ids.end(), p.begin(), p.end(),
                            std::back_inserter(both));
      ids = std::move(both);
    }
    if (ids.empty()) return {};
  }
  if (!have_candidates) {
    ids.reserve(by_id_.size());
    by_id_.ForEach([&](const MemSeries* s) { ids.push_back(s->id); });
    std::sort(ids.begin(), ids.end());
  }
  std::vector<MemSeries*> out;
  out.reserve(ids.size());
  for (uint64_t id : ids) {
    MemSeries* s = by_id_.Find(id, [](const MemSeries*) { return true; });
    if (s == nullptr) continue;
    bool ok = true;
    for (const Matcher& m : matchers) {
      if (!m.MatchesEmpty()) continue;  // already satisfied by postings
      std::string_view value;
      for (uint16_t i = 0; i < s->num_labels; ++i) {
        if (symbols_.Lookup(s->label_ids[2 * i]) == m.name()) {
          value = symbols_.Lookup(s->label_ids[2 * i + 1]);
          break;
        }
      }
      if (!m.Matches(value)) {
        ok = false;
        break;
      }
    }
    if (ok) out.push_back(s);
  }
  return out;
}

std::vector<MemSeries*> Head::All() const { return Select({}); }

std::vector<std::pair<std::string, std::string>> Head::LabelPairs() const {
  std::shared_lock lock(mu_);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, values] : values_) {
    for (uint32_t v : values) {
      out.emplace_back(symbols_.Lookup(name), symbols_.Lookup(v));
    }
  }
  return out;
}

void Head::Remove(const std::vector<MemSeries*>& series) {
  if (series.empty()) return;
  std::unique_lock lock(mu_);
  std::vector<uint64_t> gone;
  for (MemSeries* s : series) gone.push_back(s->id);
  std::sort(gone.begin(), gone.end());
  std::vector<uint64_t> touched;
  for (MemSeries* s : series) {
    for (uint16_t i = 0; i < s->num_labels; ++i) {
      touched.push_back(PairKey(s->label_ids[2 * i], s->label_ids[2 * i + 1]));
    }
    std::vector<LabelView> views;
    for (uint16_t i = 0; i < s->num_labels; ++i) {
      views.emplace_back(symbols_.Lookup(s->label_ids[2 * i]),
                         symbols_.Lookup(s->label_ids[2 * i + 1]));
    }
    by_hash_.Erase(HashLabelViews(views.data(), views.size()), s);
    if (by_id_.Erase(s->id, s)) removed_.emplace_back(s);  // ownership moves
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (uint64_t key : touched) {
    auto it = postings_.find(key);
    if (it == postings_.end()) continue;
    std::vector<uint64_t>& list = it->second;
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](uint64_t id) {
                                return std::binary_search(gone.begin(), gone.end(), id);
                              }),
               list.end());
    if (list.empty()) {
      postings_.erase(it);
      auto name = static_cast<uint32_t>(key >> 32);
      auto value = static_cast<uint32_t>(key);
      std::vector<uint32_t>& vals = values_[name];
      vals.erase(std::remove(vals.begin(), vals.end(), value), vals.end());
      if (vals.empty()) values_.erase(name);
    }
  }
}

void Head::FreeRemoved() {
  std::unique_lock lock(mu_);
  removed_.clear();
}

size_t Head::NumSeries() const {
  std::shared_lock lock(mu_);
  return by_id_.size();
}

Head::Cardinality Head::Stats() const {
  std::shared_lock lock(mu_);
  std::map<std::string_view, uint64_t> by_metric, values_by_name, bytes_by_name;
  std::vector<std::pair<std::string, uint64_t>> pairs;
  uint32_t metric_sym;
  bool have_metric = symbols_.Find(kMetricName, &metric_sym);
  for (const auto& [key, list] : postings_) {
    auto name = static_cast<uint32_t>(key >> 32);
    auto value = static_cast<uint32_t>(key);
    std::string_view n = symbols_.Lookup(name), v = symbols_.Lookup(value);
    if (have_metric && name == metric_sym) by_metric[v] += list.size();
    values_by_name[n] += 1;
    bytes_by_name[n] += v.size() * list.size();
    pairs.emplace_back(std::string(n) + "=" + std::string(v), list.size());
  }
  auto top = [](auto&& in) {
    std::vector<std::pair<std::string, uint64_t>> out;
    for (const auto& [k, v] : in) out.emplace_back(std::string(k), v);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (out.size() > 10) out.resize(10);
    return out;
  };
  return {top(by_metric), top(values_by_name), top(bytes_by_name), top(pairs)};
}

}  // namespace pharos::tsdb
