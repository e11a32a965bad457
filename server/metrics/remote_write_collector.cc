#include "server/metrics/remote_write_collector.h"

namespace pharos::server::metrics {
namespace {

FamilySnapshot Counter1(const char* name, const char* help, uint64_t v) {
  FamilySnapshot f{name, help, MetricType::kCounter, {}};
  f.samples.push_back({"", {}, static_cast<double>(v)});
  return f;
}

}  // namespace

Registry::Collector RemoteWriteCollector(const RemoteWriteStats& stats) {
  return [&stats](std::vector<FamilySnapshot>* out) {
    auto load = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
    out->push_back(Counter1("pharos_remote_write_requests_total",
                            "Remote write requests received.", load(stats.requests)));
    out->push_back(Counter1("pharos_remote_write_samples_total",
                            "Samples received by remote write and stored.", load(stats.samples)));
    out->push_back(Counter1("pharos_remote_write_rejected_requests_total",
                            "Remote write requests answered with an error (4xx or 5xx).",
                            load(stats.rejected_requests)));
  };
}

}  // namespace pharos::server::metrics
