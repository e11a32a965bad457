#include "server/metrics/server_metrics.h"

#include <string>

#include "server/metrics/process_collector.h"

namespace pharos::server::metrics {
namespace {

FamilySnapshot One(const char* name, const char* help, MetricType type, double v) {
  FamilySnapshot f{name, help, type, {}};
  f.samples.push_back({"", {}, v});
  return f;
}

// Storage figures from Db::Stats(), read once per scrape.
Registry::Collector TsdbCollector(std::function<tsdb::Db*()> db) {
  return [db = std::move(db)](std::vector<FamilySnapshot>* out) {
    tsdb::Db* d = db();
    if (d == nullptr) return;
    tsdb::DbStats st = d->Stats();
    const auto c = MetricType::kCounter;
    const auto g = MetricType::kGauge;
    auto d64 = [](uint64_t v) { return static_cast<double>(v); };
    out->push_back(One("pharos_tsdb_head_series", "Total number of series in the head block.", g,
                       d64(st.head_series)));
    out->push_back(One("pharos_tsdb_head_chunks",
                       "Total number of chunks in the head block not yet persisted.", g,
                       d64(st.head_chunks)));
    out->push_back(One("pharos_tsdb_head_samples_appended_total",
                       "Total number of appended samples.", c, d64(st.samples_appended)));
    out->push_back(One("pharos_tsdb_head_min_time_seconds",
                       "Minimum time bound of the head block.", g,
                       static_cast<double>(st.head_min_time) / 1000));
    out->push_back(One("pharos_tsdb_head_max_time_seconds",
                       "Maximum timestamp of the head block.", g,
                       static_cast<double>(st.head_max_time) / 1000));
    out->push_back(One("pharos_tsdb_lowest_timestamp_seconds",
                       "Lowest timestamp value stored in the database.", g,
                       static_cast<double>(st.min_time) / 1000));
    out->push_back(One("pharos_tsdb_out_of_order_samples_total",
                       "Total number of out of order samples ingestion failed attempts.", c,
                       d64(st.rejections.out_of_order)));
    out->push_back(One("pharos_tsdb_out_of_bound_samples_total",
                       "Total number of out of bound samples ingestion failed attempts.", c,
                       d64(st.rejections.out_of_bounds)));
    out->push_back(One("pharos_tsdb_duplicate_samples_total",
                       "Total number of samples rejected as duplicates of a stored timestamp "
                       "with a different value.",
                       c, d64(st.rejections.duplicate)));
    out->push_back(One("pharos_tsdb_invalid_labels_samples_total",
                       "Total number of samples rejected for invalid labels.", c,
                       d64(st.rejections.invalid_labels)));
    out->push_back(One("pharos_tsdb_wal_records",
                       "Write-ahead log records not yet covered by a checkpoint.", g,
                       d64(st.wal_records)));
    out->push_back(One("pharos_tsdb_storage_size_bytes",
                       "Size of the storage's files on disk (RocksDB SST, log and manifest "
                       "files), write-ahead log included.",
                       g, d64(st.disk_bytes)));
  };
}

}  // namespace

ServerMetrics::ServerMetrics(Registry& registry, const BuildInfo& build,
                             std::function<tsdb::Db*()> db)
    : http_requests(registry.NewCounterFamily("pharos_http_requests_total",
                                              "Counter of HTTP requests.", {"handler", "code"})),
      http_durations(registry.NewHistogramFamily(
          "pharos_http_request_duration_seconds", "Histogram of latencies for HTTP requests.",
          {"handler"}, {.1, .2, .4, 1, 3, 8, 20, 60, 120})),
      config_last_reload_successful(
          registry.NewGauge("pharos_config_last_reload_successful",
                            "Whether the last configuration reload attempt was successful.")),
      config_last_reload_success_timestamp_seconds(
          registry.NewGauge("pharos_config_last_reload_success_timestamp_seconds",
                            "Timestamp of the last successful configuration reload.")) {
  registry
      .NewGaugeFamily("pharos_build_info",
                      "A metric with a constant '1' value labeled by version, revision, branch, "
                      "and goversion from which pharos was built.",
                      {"version", "revision", "branch", "goversion"})
      .With({build.version, build.revision, build.branch, build.compiler})
      .Set(1);
  registry.AddCollector(ProcessCollector());
  registry.AddCollector(TsdbCollector(std::move(db)));
}

Router::Observer ServerMetrics::HttpObserver() {
  return [this](std::string_view pattern, const Response& response,
                std::chrono::steady_clock::duration elapsed) {
    std::string code = std::to_string(response.status);
    http_requests.With({pattern, code}).Inc();
    http_durations.With({pattern}).Observe(std::chrono::duration<double>(elapsed).count());
  };
}

}  // namespace pharos::server::metrics
