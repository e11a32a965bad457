#include "rules/memory_storage.h"

#include <algorithm>
#include <set>
#include <string>

namespace pharos::rules {

class MemoryQuerier;

namespace {

class VectorIterator : public tsdb::SampleIterator {
 public:
  explicit VectorIterator(const std::vector<tsdb::Sample>* s) : s_(s) {}
  bool Next() override { return ++i_ < static_cast<int64_t>(s_->size()); }
  bool Seek(int64_t t) override {
    if (i_ < 0) i_ = 0;
    while (i_ < static_cast<int64_t>(s_->size()) && (*s_)[i_].t < t) ++i_;
    return i_ < static_cast<int64_t>(s_->size());
  }
  tsdb::Sample At() const override { return (*s_)[i_]; }
  Status status() const override { return Status(); }

 private:
  const std::vector<tsdb::Sample>* s_;
  int64_t i_ = -1;
};

class CopiedSeries : public tsdb::Series {
 public:
  CopiedSeries(tsdb::Labels l, std::vector<tsdb::Sample> s)
      : labels_(std::move(l)), samples_(std::move(s)) {}
  const tsdb::Labels& labels() const override { return labels_; }
  std::unique_ptr<tsdb::SampleIterator> Iterator() const override {
    return std::make_unique<VectorIterator>(&samples_);
  }

 private:
  tsdb::Labels labels_;
  std::vector<tsdb::Sample> samples_;
};

class CopiedSeriesSet : public tsdb::SeriesSet {
 public:
  explicit CopiedSeriesSet(std::vector<std::unique_ptr<CopiedSeries>> s) : s_(std::move(s)) {}
  bool Next() override { return ++i_ < s_.size(); }
  const tsdb::Series& At() const override { return *s_[i_]; }
  Status status() const override { return Status(); }

 private:
  std::vector<std::unique_ptr<CopiedSeries>> s_;
  size_t i_ = static_cast<size_t>(-1);
};

class MemoryAppender : public tsdb::Appender {
 public:
  explicit MemoryAppender(MemoryStorage* s) : s_(s) {}
  Result<tsdb::SeriesRef> Append(tsdb::SeriesRef ref, const tsdb::Labels& l, int64_t t,
                                 double v) override {
    // Refs are not resolved here: a ref without labels is unknown.
    if (l.empty()) {
      return ref != 0 ? NotFoundError("unknown series ref") : InvalidArgumentError("empty labelset");
    }
    batch_.push_back({l, {t, v}});
    return tsdb::SeriesRef(l.Hash() | 1);
  }
  Status Commit() override {
    for (const auto& [l, s] : batch_) s_->AppendOne(l, s.t, s.v).IgnoreError();
    batch_.clear();
    return Status();
  }
  Status Rollback() override {
    batch_.clear();
    return Status();
  }

 private:
  MemoryStorage* s_;
  std::vector<std::pair<tsdb::Labels, tsdb::Sample>> batch_;
};

}  // namespace

class MemoryQuerier : public tsdb::Querier {
 public:
  MemoryQuerier(const MemoryStorage* s, int64_t mint, int64_t maxt)
      : s_(s), mint_(mint), maxt_(maxt) {}

  std::unique_ptr<tsdb::SeriesSet> Select(const tsdb::SelectHints& hints,
                                          const std::vector<tsdb::Matcher>& ms) override {
    int64_t lo = std::max(mint_, hints.start), hi = std::min(maxt_, hints.end);
    std::vector<std::unique_ptr<CopiedSeries>> out;
    std::lock_guard lock(s_->mu_);
    for (const auto& [l, samples] : s_->series_) {
      if (!tsdb::MatchesAll(ms, [&](const std::string& n) { return l.Get(n); })) continue;
      std::vector<tsdb::Sample> in;
      for (const tsdb::Sample& x : samples) {
        if (x.t >= lo && x.t <= hi) in.push_back(x);
      }
      if (!in.empty()) out.push_back(std::make_unique<CopiedSeries>(l, std::move(in)));
    }
    return std::make_unique<CopiedSeriesSet>(std::move(out));
  }

  Result<std::vector<std::string>> LabelNames(const std::vector<tsdb::Matcher>& ms) override {
    std::set<std::string> names;
    std::lock_guard lock(s_->mu_);
    for (const auto& [l, samples] : s_->series_) {
      if (!tsdb::MatchesAll(ms, [&](const std::string& n) { return l.Get(n); })) continue;
      for (const tsdb::Label& x : l) names.insert(x.name);
    }
    return std::vector<std::string>(names.begin(), names.end());
  }

  Result<std::vector<std::string>> LabelValues(const std::string& name,
                                               const std::vector<tsdb::Matcher>& ms) override {
    std::set<std::string> values;
    std::lock_guard lock(s_->mu_);
    for (const auto& [l, samples] : s_->series_) {
      if (!tsdb::MatchesAll(ms, [&](const std::string& n) { return l.Get(n); })) continue;
      if (l.Has(name)) values.insert(std::string(l.Get(name)));
    }
    return std::vector<std::string>(values.begin(), values.end());
  }

 private:
  const MemoryStorage* s_;
  int64_t mint_, maxt_;
};

std::unique_ptr<tsdb::Appender> MemoryStorage::NewAppender() {
  return std::make_unique<MemoryAppender>(this);
}

Result<std::unique_ptr<tsdb::Querier>> MemoryStorage::NewQuerier(int64_t mint, int64_t maxt) {
  return std::unique_ptr<tsdb::Querier>(std::make_unique<MemoryQuerier>(this, mint, maxt));
}

void MemoryStorage::Add(const tsdb::Labels& labels, int64_t t, double v) {
  std::lock_guard lock(mu_);
  std::vector<tsdb::Sample>& s = series_[labels];
  auto it = std::lower_bound(s.begin(), s.end(), t,
                             [](const tsdb::Sample& a, int64_t t) { return a.t < t; });
  if (it != s.end() && it->t == t) {
    it->v = v;
  } else {
    s.insert(it, {t, v});
  }
}

Status MemoryStorage::AppendOne(const tsdb::Labels& labels, int64_t t, double v) {
  std::lock_guard lock(mu_);
  std::vector<tsdb::Sample>& s = series_[labels];
  if (!s.empty() && t <= s.back().t) {
    if (t == s.back().t && s.back() == tsdb::Sample{t, v}) return Status();
    return OutOfRangeError("out of order sample");
  }
  s.push_back({t, v});
  return Status();
}

MemoryStorage::SeriesMap MemoryStorage::Snapshot() const {
  std::lock_guard lock(mu_);
  return series_;
}

}  // namespace pharos::rules
