#include "tests/promql/memory_storage.h"

#include <algorithm>
#include <set>
#include <string>

namespace pharos::promql {
namespace {

class VectorIterator : public tsdb::SampleIterator {
 public:
  // Iterates samples[begin, end).
  VectorIterator(const std::vector<tsdb::Sample>* samples, size_t begin, size_t end)
      : samples_(samples), begin_(begin), end_(end), i_(begin) {}

  bool Next() override {
    if (!started_) {
      started_ = true;
      return i_ < end_;
    }
    if (i_ < end_) ++i_;
    return i_ < end_;
  }
  bool Seek(int64_t t) override {
    if (!started_) started_ = true;
    if (i_ < end_ && (*samples_)[i_].t >= t) return true;
    auto it = std::lower_bound(samples_->begin() + i_, samples_->begin() + end_, t,
                               [](const tsdb::Sample& s, int64_t x) { return s.t < x; });
    i_ = static_cast<size_t>(it - samples_->begin());
    return i_ < end_;
  }
  tsdb::Sample At() const override { return (*samples_)[i_]; }
  Status status() const override { return Status(); }

 private:
  const std::vector<tsdb::Sample>* samples_;
  size_t begin_, end_, i_;
  bool started_ = false;
};

class MemorySeries : public tsdb::Series {
 public:
  MemorySeries(const tsdb::Labels* labels, const std::vector<tsdb::Sample>* samples,
               size_t begin, size_t end)
      : labels_(labels), samples_(samples), begin_(begin), end_(end) {}
  const tsdb::Labels& labels() const override { return *labels_; }
  std::unique_ptr<tsdb::SampleIterator> Iterator() const override {
    return std::make_unique<VectorIterator>(samples_, begin_, end_);
  }

 private:
  const tsdb::Labels* labels_;
  const std::vector<tsdb::Sample>* samples_;
  size_t begin_, end_;
};

class MemorySeriesSet : public tsdb::SeriesSet {
 public:
  explicit MemorySeriesSet(std::vector<MemorySeries> series) : series_(std::move(series)) {}
  bool Next() override {
    if (next_ >= series_.size()) return false;
    cur_ = next_++;
    return true;
  }
  const tsdb::Series& At() const override { return series_[cur_]; }
  Status status() const override { return Status(); }

 private:
  std::vector<MemorySeries> series_;
  size_t next_ = 0, cur_ = 0;
};

// Sample index range [begin, end) of `s` within [mint, maxt].
std::pair<size_t, size_t> Window(const std::vector<tsdb::Sample>& s, int64_t mint, int64_t maxt) {
  auto lo = std::lower_bound(s.begin(), s.end(), mint,
                             [](const tsdb::Sample& a, int64_t t) { return a.t < t; });
  auto hi = std::upper_bound(s.begin(), s.end(), maxt,
                             [](int64_t t, const tsdb::Sample& a) { return t < a.t; });
  return {static_cast<size_t>(lo - s.begin()), static_cast<size_t>(hi - s.begin())};
}

class MemoryQuerier : public tsdb::Querier {
 public:
  MemoryQuerier(const MemoryStorage::SeriesMap* series, int64_t mint, int64_t maxt)
      : series_(series), mint_(mint), maxt_(maxt) {}

  std::unique_ptr<tsdb::SeriesSet> Select(const tsdb::SelectHints& hints,
                                          const std::vector<tsdb::Matcher>& matchers) override {
    const int64_t mint = std::max(mint_, hints.start);
    const int64_t maxt = std::min(maxt_, hints.end);
    std::vector<MemorySeries> out;
    for (const auto& [labels, samples] : *series_) {
      if (!Matches(labels, matchers)) continue;
      auto [b, e] = Window(samples, mint, maxt);
      if (b == e) continue;
      out.emplace_back(&labels, &samples, b, e);
    }
    return std::make_unique<MemorySeriesSet>(std::move(out));
  }

  Result<std::vector<std::string>> LabelNames(const std::vector<tsdb::Matcher>& matchers) override {
    std::set<std::string> names;
    for (const auto& [labels, samples] : *series_) {
      if (!Matches(labels, matchers) || !HasData(samples)) continue;
      for (const tsdb::Label& l : labels) names.insert(l.name);
    }
    return std::vector<std::string>(names.begin(), names.end());
  }

  Result<std::vector<std::string>> LabelValues(
      const std::string& name, const std::vector<tsdb::Matcher>& matchers) override {
    std::set<std::string> values;
    for (const auto& [labels, samples] : *series_) {
      if (!Matches(labels, matchers) || !HasData(samples) || !labels.Has(name)) continue;
      values.insert(std::string(labels.Get(name)));
    }
    return std::vector<std::string>(values.begin(), values.end());
  }

 private:
  static bool Matches(const tsdb::Labels& labels, const std::vector<tsdb::Matcher>& ms) {
    return tsdb::MatchesAll(ms, [&](const std::string& n) { return labels.Get(n); });
  }
  bool HasData(const std::vector<tsdb::Sample>& s) const {
    auto [b, e] = Window(s, mint_, maxt_);
    return b != e;
  }

  const MemoryStorage::SeriesMap* series_;
  int64_t mint_, maxt_;
};

}  // namespace

void MemoryStorage::Add(const tsdb::Labels& labels, int64_t t, double v) {
  std::vector<tsdb::Sample>& s = series_[labels];
  if (s.empty() || s.back().t < t) {
    s.push_back({t, v});
    return;
  }
  auto it = std::lower_bound(s.begin(), s.end(), t,
                             [](const tsdb::Sample& a, int64_t x) { return a.t < x; });
  if (it != s.end() && it->t == t) {
    it->v = v;
  } else {
    s.insert(it, {t, v});
  }
}

Result<std::unique_ptr<tsdb::Querier>> MemoryStorage::NewQuerier(int64_t mint, int64_t maxt) {
  return std::unique_ptr<tsdb::Querier>(std::make_unique<MemoryQuerier>(&series_, mint, maxt));
}

}  // namespace pharos::promql
