// Labels: the identity of a series, a sorted set of name/value pairs.
//
// `__name__` holds the metric name. A Labels is immutable once built, sorted
// by name, free of duplicate names and empty values, and carries a 64-bit
// hash computed at construction so maps keyed by series are cheap.
//
// Thread-safety: immutable values; safe to share between threads.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tsdb/status.h"

namespace pharos::tsdb {

inline constexpr std::string_view kMetricName = "__name__";

struct Label {
  std::string name;
  std::string value;

  friend bool operator==(const Label&, const Label&) = default;
};

class Labels {
 public:
  Labels() = default;

  // Sorts by name; later duplicates of a name replace earlier ones and empty
  // values are dropped (Prometheus treats an empty value as "no label").
  // Use Validate() to reject such input instead.
  explicit Labels(std::vector<Label> labels);
  Labels(std::initializer_list<std::pair<std::string_view, std::string_view>> l);

  // Checks raw input the way Prometheus' appenders do: at least one label,
  // no duplicate names, valid UTF-8 values, label names [a-zA-Z_][a-zA-Z0-9_]*.
  // Empty values are allowed (they are dropped), but not an empty set after
  // dropping them.
  static Status Validate(const std::vector<Label>& raw);

  size_t size() const { return labels_.size(); }
  bool empty() const { return labels_.empty(); }
  const Label& operator[](size_t i) const { return labels_[i]; }
  std::vector<Label>::const_iterator begin() const { return labels_.begin(); }
  std::vector<Label>::const_iterator end() const { return labels_.end(); }

  // Value of `name`, or "" when absent.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  std::string_view MetricName() const { return Get(kMetricName); }

  uint64_t Hash() const { return hash_; }

  // Copy without the named labels / with only the named labels.
  Labels Without(const std::vector<std::string>& names) const;
  Labels Only(const std::vector<std::string>& names) const;
  // Copy with `name` set to `value` (removed when value is empty).
  Labels With(std::string_view name, std::string_view value) const;

  // `{__name__="up", job="x"}` rendered Prometheus-style: `up{job="x"}`.
  std::string ToString() const;

  friend bool operator==(const Labels& a, const Labels& b) {
    return a.hash_ == b.hash_ && a.labels_ == b.labels_;
  }
  // Orders label sets the way Prometheus sorts series: pairwise by name then
  // value, a prefix before a longer set.
  friend int Compare(const Labels& a, const Labels& b);
  friend bool operator<(const Labels& a, const Labels& b) {
    return Compare(a, b) < 0;
  }

 private:
  void Finish();

  std::vector<Label> labels_;
  uint64_t hash_ = 0;
};

// A 64-bit hash of bytes (not cryptographic; stable across runs and builds).
uint64_t HashBytes(const void* data, size_t n, uint64_t seed = 0);

// A name/value pair viewing strings owned elsewhere.
using LabelView = std::pair<std::string_view, std::string_view>;

// Labels::Hash() of the label set with these pairs, without building it.
// REQUIRES: sorted by name, no duplicate names, no empty values.
uint64_t HashLabelViews(const LabelView* pairs, size_t n);

// True if `s` is valid UTF-8.
bool ValidUtf8(std::string_view s);
// True if `s` matches [a-zA-Z_][a-zA-Z0-9_]*.
bool ValidLabelName(std::string_view s);

}  // namespace pharos::tsdb
