// Family<M>: the children of one labelled metric, one M per combination of
// label values.
//
//   Family<Counter>& requests = registry.NewCounterFamily(
//       "pharos_http_requests_total", "Requests served.", {"handler", "code"});
//   Counter& ok = requests.With({"/metrics", "200"});  // cache this reference
//   ok.Inc();
//
// Thread-safety: With() may be called from any thread; it takes a lock, so
// hot paths look a child up once and keep the reference, which stays valid
// for the life of the Family.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace pharos::server::metrics {

template <typename M>
class Family {
 public:
  using Factory = std::function<std::unique_ptr<M>()>;

  Family(std::vector<std::string> label_names, Factory factory)
      : label_names_(std::move(label_names)), factory_(std::move(factory)) {}

  // The child for these label values, created on first use.
  // REQUIRES: as many values as label names.
  M& With(const std::vector<std::string_view>& values) {
    std::vector<std::string> key(values.begin(), values.end());
    std::lock_guard lock(mu_);
    auto it = children_.find(key);
    if (it == children_.end()) it = children_.emplace(std::move(key), factory_()).first;
    return *it->second;
  }

  const std::vector<std::string>& label_names() const { return label_names_; }

  // Calls fn(label values, child) for each child in label-value order.
  void ForEach(const std::function<void(const std::vector<std::string>&, const M&)>& fn) const {
    std::lock_guard lock(mu_);
    for (const auto& [values, child] : children_) fn(values, *child);
  }

 private:
  const std::vector<std::string> label_names_;
  const Factory factory_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<M>> children_;  // GUARDED_BY(mu_)
};

}  // namespace pharos::server::metrics
