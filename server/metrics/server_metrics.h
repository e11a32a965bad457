// ServerMetrics: the metrics Pharos keeps about itself, registered on one
// Registry, plus the collectors that compute storage and process figures
// at scrape time.
//
//   Registry registry;
//   ServerMetrics metrics(registry, CurrentBuildInfo(), [&app] { return app.db(); });
//   router.SetObserver(metrics.HttpObserver());
//   metrics.config_last_reload_successful.Set(1);   // the config loader
//
// Names mirror Prometheus' own with the pharos_ prefix:
//   pharos_build_info{version,revision,branch,goversion} 1
//   pharos_http_requests_total{handler,code}
//   pharos_http_request_duration_seconds{handler} (histogram)
//   pharos_config_last_reload_successful, ..._success_timestamp_seconds
//   pharos_tsdb_head_series, pharos_tsdb_head_chunks,
//   pharos_tsdb_head_samples_appended_total,
//   pharos_tsdb_head_min_time_seconds, pharos_tsdb_head_max_time_seconds,
//   pharos_tsdb_lowest_timestamp_seconds,
//   pharos_tsdb_out_of_order_samples_total,
//   pharos_tsdb_out_of_bound_samples_total,
//   pharos_tsdb_duplicate_samples_total,
//   pharos_tsdb_invalid_labels_samples_total,
//   pharos_tsdb_wal_records (records not yet truncated),
//   pharos_tsdb_storage_size_bytes (RocksDB files on disk)
//   process_* (see process_collector.h)
//
// Thread-safety: as Registry.
#pragma once

#include <functional>

#include "server/metrics/registry.h"
#include "server/router.h"
#include "server/version.h"
#include "tsdb/db.h"

namespace pharos::server::metrics {

class ServerMetrics {
 public:
  // `db` returns the open database or nullptr (storage figures are then
  // left out). REQUIRES: `registry` outlives this object.
  ServerMetrics(Registry& registry, const BuildInfo& build, std::function<tsdb::Db*()> db);

  // Counts each routed request by handler pattern and status code and
  // observes its duration. REQUIRES: this object outlives the router.
  Router::Observer HttpObserver();

  Family<Counter>& http_requests;        // {handler, code}
  Family<Histogram>& http_durations;     // {handler}
  Gauge& config_last_reload_successful;  // 1 or 0
  Gauge& config_last_reload_success_timestamp_seconds;
};

}  // namespace pharos::server::metrics
