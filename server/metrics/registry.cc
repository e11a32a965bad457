#include "server/metrics/registry.h"

#include <algorithm>
#include <cassert>

#include "server/metrics/text_format.h"

namespace pharos::server::metrics {
namespace {

LabelPairs Zip(const std::vector<std::string>& names, const std::vector<std::string>& values) {
  LabelPairs out;
  out.reserve(names.size());
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    out.emplace_back(names[i], values[i]);
  }
  // client_golang writes labels in name order, whatever order they were
  // declared in.
  std::sort(out.begin(), out.end());
  return out;
}

std::string FormatBound(double b) { return FormatSampleValue(b); }

// The children of `f` with their labels, ordered as client_golang orders
// them: by label values in label-name order.
template <typename M>
std::vector<std::pair<LabelPairs, const M*>> Children(const Family<M>& f) {
  std::vector<std::pair<LabelPairs, const M*>> out;
  f.ForEach([&](const std::vector<std::string>& values, const M& m) {
    out.emplace_back(Zip(f.label_names(), values), &m);
  });
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

void Snap(const Family<Counter>& f, FamilySnapshot* out) {
  out->type = MetricType::kCounter;
  for (auto& [labels, c] : Children(f)) out->samples.push_back({"", labels, c->Value()});
}

void Snap(const Family<Gauge>& f, FamilySnapshot* out) {
  out->type = MetricType::kGauge;
  for (auto& [labels, g] : Children(f)) out->samples.push_back({"", labels, g->Value()});
}

void Snap(const Family<Histogram>& f, FamilySnapshot* out) {
  out->type = MetricType::kHistogram;
  for (auto& [labels, h] : Children(f)) {
    Histogram::Snapshot s = h->Read();
    for (size_t i = 0; i <= s.bounds.size(); ++i) {
      LabelPairs with_le = labels;
      with_le.emplace_back("le", i < s.bounds.size() ? FormatBound(s.bounds[i]) : "+Inf");
      out->samples.push_back({"_bucket", std::move(with_le), static_cast<double>(s.cumulative[i])});
    }
    out->samples.push_back({"_sum", labels, s.sum});
    out->samples.push_back({"_count", labels, static_cast<double>(s.count)});
  }
}

}  // namespace

template <typename M>
Family<M>& Registry::Register(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names,
                              typename Family<M>::Factory factory) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(name);
  if (it != entries_.end()) {
    auto* existing = std::get_if<std::unique_ptr<Family<M>>>(&it->second.family);
    assert(existing != nullptr && "metric registered twice with different kinds");
    return **existing;
  }
  auto family = std::make_unique<Family<M>>(std::move(label_names), std::move(factory));
  Family<M>& ref = *family;
  entries_.emplace(name, Entry{help, AnyFamily(std::move(family))});
  return ref;
}

Counter& Registry::NewCounter(const std::string& name, const std::string& help) {
  return NewCounterFamily(name, help, {}).With({});
}

Gauge& Registry::NewGauge(const std::string& name, const std::string& help) {
  return NewGaugeFamily(name, help, {}).With({});
}

Histogram& Registry::NewHistogram(const std::string& name, const std::string& help,
                                  std::vector<double> bounds) {
  return NewHistogramFamily(name, help, {}, std::move(bounds)).With({});
}

Family<Counter>& Registry::NewCounterFamily(const std::string& name, const std::string& help,
                                            std::vector<std::string> label_names) {
  return Register<Counter>(name, help, std::move(label_names),
                           [] { return std::make_unique<Counter>(); });
}

Family<Gauge>& Registry::NewGaugeFamily(const std::string& name, const std::string& help,
                                        std::vector<std::string> label_names) {
  return Register<Gauge>(name, help, std::move(label_names),
                         [] { return std::make_unique<Gauge>(); });
}

Family<Histogram>& Registry::NewHistogramFamily(const std::string& name, const std::string& help,
                                                std::vector<std::string> label_names,
                                                std::vector<double> bounds) {
  return Register<Histogram>(name, help, std::move(label_names),
                             [bounds] { return std::make_unique<Histogram>(bounds); });
}

void Registry::AddCollector(Collector collector) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::vector<FamilySnapshot> Registry::Gather() const {
  std::vector<FamilySnapshot> out;
  std::vector<Collector> collectors;
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, entry] : entries_) {
      FamilySnapshot f;
      f.name = name;
      f.help = entry.help;
      std::visit([&f](const auto& family) { Snap(*family, &f); }, entry.family);
      out.push_back(std::move(f));
    }
    collectors = collectors_;
  }
  // Collectors may be slow (storage statistics): run them unlocked.
  for (const Collector& c : collectors) c(&out);
  std::stable_sort(out.begin(), out.end(),
                   [](const FamilySnapshot& a, const FamilySnapshot& b) { return a.name < b.name; });
  return out;
}

std::string Registry::Expose() const { return FormatText(Gather()); }

}  // namespace pharos::server::metrics
