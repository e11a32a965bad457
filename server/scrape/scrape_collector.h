// Exposes the scrape manager's figures on /metrics, under the names
// Prometheus 2.42 gives them with the pharos_ prefix:
//
//   pharos_target_scrape_pool_targets{scrape_job}            gauge
//   pharos_target_scrapes_exceeded_sample_limit_total        counter
//   pharos_target_scrapes_exceeded_body_size_limit_total     counter
//   pharos_target_scrapes_sample_out_of_order_total          counter
//   pharos_target_scrapes_sample_out_of_bounds_total         counter
//   pharos_target_scrapes_sample_duplicate_timestamp_total   counter
//   pharos_sd_file_read_errors_total                         counter
//   pharos_target_scrapes_total, ..._failed_total            counter
//
//   registry.AddCollector(ScrapeCollector(scrape_manager));
//
// REQUIRES: `manager` outlives the registry's last Gather().
#pragma once

#include "server/metrics/registry.h"

namespace pharos::server::scrape {

class ScrapeManager;

metrics::Registry::Collector ScrapeCollector(const ScrapeManager& manager);

}  // namespace pharos::server::scrape
