// Registry: Pharos' own metrics, served on /metrics in the Prometheus text
// format 0.0.4.
//
//   Registry registry;
//   Counter& c = registry.NewCounter("pharos_x_total", "Things done.");
//   Family<Histogram>& d = registry.NewHistogramFamily(
//       "pharos_x_duration_seconds", "Time spent doing x.", {"kind"},
//       DefaultBuckets());
//   registry.AddCollector([&db](std::vector<FamilySnapshot>* out) {
//     out->push_back(...);   // values computed at scrape time
//   });
//   std::string text = registry.Expose();
//
// Names follow Prometheus' conventions (checked by `promtool check
// metrics`): counters end in "_total", units are spelled out in base units
// ("_seconds", "_bytes"). Registering a name twice returns the metric
// registered first when the kind matches, so components that are rebuilt
// (on config reload) can register again; a different kind under the same
// name is a programming error (asserts).
//
// Thread-safety: every method may be called from any thread. Metric
// references stay valid for the life of the Registry.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/metrics/counter.h"
#include "server/metrics/family.h"
#include "server/metrics/family_snapshot.h"
#include "server/metrics/histogram.h"

namespace pharos::server::metrics {

class Registry {
 public:
  // Appends families computed at scrape time (from storage statistics,
  // /proc, ...). It runs on the thread serving /metrics, once per scrape.
  using Collector = std::function<void(std::vector<FamilySnapshot>* out)>;

  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& NewCounter(const std::string& name, const std::string& help);
  Gauge& NewGauge(const std::string& name, const std::string& help);
  Histogram& NewHistogram(const std::string& name, const std::string& help,
                          std::vector<double> bounds);

  Family<Counter>& NewCounterFamily(const std::string& name, const std::string& help,
                                    std::vector<std::string> label_names);
  Family<Gauge>& NewGaugeFamily(const std::string& name, const std::string& help,
                                std::vector<std::string> label_names);
  Family<Histogram>& NewHistogramFamily(const std::string& name, const std::string& help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> bounds);

  void AddCollector(Collector collector);

  // Every registered metric and every collector's output, families sorted
  // by name.
  std::vector<FamilySnapshot> Gather() const;

  // Gather() in the text format 0.0.4.
  std::string Expose() const;

 private:
  using AnyFamily = std::variant<std::unique_ptr<Family<Counter>>, std::unique_ptr<Family<Gauge>>,
                                 std::unique_ptr<Family<Histogram>>>;
  struct Entry {
    std::string help;
    AnyFamily family;
  };

  template <typename M>
  Family<M>& Register(const std::string& name, const std::string& help,
                      std::vector<std::string> label_names,
                      typename Family<M>::Factory factory);

  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;  // GUARDED_BY(mu_)
  std::vector<Collector> collectors_;     // GUARDED_BY(mu_)
};

}  // namespace pharos::server::metrics
