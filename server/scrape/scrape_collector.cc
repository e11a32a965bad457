#include "server/scrape/scrape_collector.h"

#include "server/scrape/scrape_manager.h"

namespace pharos::server::scrape {
namespace {

using metrics::FamilySnapshot;
using metrics::MetricType;

FamilySnapshot Counter(const char* name, const char* help, uint64_t v) {
  FamilySnapshot f{name, help, MetricType::kCounter, {}};
  f.samples.push_back({"", {}, static_cast<double>(v)});
  return f;
}

}  // namespace

metrics::Registry::Collector ScrapeCollector(const ScrapeManager& manager) {
  return [&manager](std::vector<FamilySnapshot>* out) {
    const ScrapeManagerStats s = manager.Stats();
    FamilySnapshot targets{"pharos_target_scrape_pool_targets",
                           "Current number of targets in this scrape pool.", MetricType::kGauge, {}};
    for (const auto& [job, n] : s.pool_targets) {
      targets.samples.push_back({"", {{"scrape_job", job}}, static_cast<double>(n)});
    }
    out->push_back(std::move(targets));
    struct Named {
      const char* name;
      const char* help;
      uint64_t value;
    };
    // Help texts as Prometheus 2.42 words them, where it has the metric.
    const Named counters[] = {
        {"pharos_target_scrapes_total", "Scrapes run, failed ones included.", s.scrapes},
        {"pharos_target_scrapes_failed_total", "Scrapes that failed (up 0).", s.failed_scrapes},
        {"pharos_target_scrapes_exceeded_sample_limit_total",
         "Total number of scrapes that hit the sample limit and were rejected.",
         s.exceeded_sample_limit},
        {"pharos_target_scrapes_exceeded_body_size_limit_total",
         "Total number of scrapes that hit the body size limit", s.exceeded_body_size_limit},
        {"pharos_target_scrapes_sample_out_of_order_total",
         "Total number of samples rejected due to not being out of the expected order.",
         s.sample_out_of_order},
        {"pharos_target_scrapes_sample_out_of_bounds_total",
         "Total number of samples rejected due to timestamp falling outside of the time bounds.",
         s.sample_out_of_bounds},
        {"pharos_target_scrapes_sample_duplicate_timestamp_total",
         "Total number of samples rejected due to duplicate timestamps but different values.",
         s.sample_duplicate_timestamp},
        {"pharos_sd_file_read_errors_total", "The number of File-SD read errors.",
         s.file_sd_read_errors},
    };
    for (const Named& c : counters) out->push_back(Counter(c.name, c.help, c.value));
  };
}

}  // namespace pharos::server::scrape
