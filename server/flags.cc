#include "server/flags.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "server/flag_set.h"

namespace pharos::server {
namespace {

constexpr int64_t kDefaultRetentionMs = 30LL * 24 * 3600 * 1000;

constexpr char kTools[] =
    "Tools:\n"
    "  pharos tsdb bench --series N --scrapes M --out DIR\n"
    "      Benchmarks the storage: appends N series for M scrapes into a fresh\n"
    "      database in DIR (removing what DIR held) and reports append rate, memory\n"
    "      per series, decode rate, reopen time and bytes per sample on disk.\n";

// A decimal integer >= 1 that fits an int.
Result<int> ParsePositiveInt(std::string_view v) {
  int n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 1) {
    return InvalidArgumentError("expected a positive integer, got '" + std::string(v) + "'");
  }
  return n;
}

// A decimal integer >= 0 that fits an int64_t.
Result<int64_t> ParseNonNegativeInt(std::string_view v) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 0) {
    return InvalidArgumentError("expected a non-negative integer, got '" + std::string(v) + "'");
  }
  return n;
}

// Registers every flag onto `set`, reading and writing `flags`.
void Register(FlagSet& set, Flags* flags) {
  set.Bool("help", "Show this help and exit.", &flags->help);
  set.Bool("version", "Show the version and build information and exit.", &flags->version);
  set.String("config.file", "Pharos configuration file path (Prometheus format).",
             &flags->config_file);
  set.String("web.listen-address",
             "Address to listen on for the web interface, API and telemetry, as host:port. "
             "Port 0 picks a free port; the chosen address is logged.",
             &flags->listen_address);
  set.Bool("web.enable-lifecycle", "Enable shutdown and reload via HTTP request.",
           &flags->enable_lifecycle);
  set.Duration("web.read-timeout",
               "Maximum duration before timing out read of the request, and closing idle "
               "connections.",
               &flags->web_read_timeout_ms);
  set.Custom(
      "web.max-connections", "Maximum number of simultaneous connections.", "<int>",
      [flags](std::string_view v) {
        ASSIGN_OR_RETURN(flags->web_max_connections, ParsePositiveInt(v));
        return Status::Ok();
      },
      [flags] { return std::to_string(flags->web_max_connections); });
  set.String("storage.tsdb.path", "Base path for metrics storage.", &flags->storage_path);
  set.Duration("storage.tsdb.retention.time",
               "How long to retain samples in storage, as a Prometheus duration "
               "(units ms, s, m, h, d, w, y; e.g. 30d, 15d12h, 1y). If neither this flag nor "
               "storage.tsdb.retention.size is set, the retention time defaults to 30d. "
               "At most 100y.",
               &flags->retention_time_ms);
  set.ByteSize("storage.tsdb.retention.size",
               "Maximum number of bytes of storage on disk; the oldest samples are deleted "
               "first. Units: B, KB, MB, GB, TB, PB, EB (powers of 1024). 0 disables the "
               "size limit.",
               &flags->retention_size_bytes);
  set.Bool("storage.tsdb.wal-fsync",
           "Sync the write-ahead log to disk on every commit. Without it a committed "
           "sample survives a crash of the process (kill -9) but a power loss or kernel "
           "crash can lose the last few seconds of commits not yet written out by the "
           "operating system; with it nothing committed is lost, at the cost of one "
           "fsync per commit.",
           &flags->wal_fsync);
  set.Bool("web.enable-remote-write-receiver",
           "Enable the API endpoint accepting remote write requests.",
           &flags->enable_remote_write_receiver);
  set.Bool("web.enable-admin-api",
           "Enable API endpoints for admin control actions (delete series, clean "
           "tombstones, snapshot).",
           &flags->enable_admin_api);
  set.Custom(
      "storage.remote.read-sample-limit",
      "Maximum overall number of samples to return via the remote read interface, in a "
      "single query. 0 means no limit.",
      "<int>",
      [flags](std::string_view v) {
        ASSIGN_OR_RETURN(flags->remote_read_sample_limit, ParseNonNegativeInt(v));
        return Status::Ok();
      },
      [flags] { return std::to_string(flags->remote_read_sample_limit); });
  set.Custom(
      "storage.remote.read-concurrent-limit",
      "Maximum number of concurrent remote read calls. 0 means no limit.", "<int>",
      [flags](std::string_view v) {
        ASSIGN_OR_RETURN(int64_t n, ParseNonNegativeInt(v));
        if (n > std::numeric_limits<int>::max()) {
          return InvalidArgumentError("value out of range: '" + std::string(v) + "'");
        }
        flags->remote_read_concurrent_limit = static_cast<int>(n);
        return Status::Ok();
      },
      [flags] { return std::to_string(flags->remote_read_concurrent_limit); });
  set.Custom(
      "storage.remote.read-max-bytes-in-frame",
      "Maximum number of bytes in a single frame for streaming remote read response types "
      "before marshalling. Note that client might have limit on frame size as well. 1MB as "
      "recommended by protobuf by default.",
      "<int>",
      [flags](std::string_view v) {
        ASSIGN_OR_RETURN(flags->remote_read_max_bytes_in_frame, ParsePositiveInt(v));
        return Status::Ok();
      },
      [flags] { return std::to_string(flags->remote_read_max_bytes_in_frame); });
  set.String("web.external-url",
             "The URL under which Pharos is externally reachable (for example, if Pharos is "
             "served via a reverse proxy). Used for generating absolute links back to Pharos "
             "itself, such as alerts' generatorURL. If omitted, http://<hostname>:<port>/ is "
             "used.",
             &flags->web_external_url);
  set.Duration("rules.alert.for-outage-tolerance",
               "Max time to tolerate Pharos outage for restoring \"for\" state of alert.",
               &flags->rules_alert_for_outage_tolerance_ms);
  set.Duration("rules.alert.for-grace-period",
               "Minimum duration between alert and restored \"for\" state. This is maintained "
               "only for alerts with configured \"for\" time greater than grace period.",
               &flags->rules_alert_for_grace_period_ms);
  set.Duration("rules.alert.resend-delay",
               "Minimum amount of time to wait before resending an alert to Alertmanager.",
               &flags->rules_alert_resend_delay_ms);
  set.Custom(
      "alertmanager.notification-queue-capacity",
      "The capacity of the queue for pending Alertmanager notifications.", "<int>",
      [flags](std::string_view v) {
        ASSIGN_OR_RETURN(flags->alertmanager_notification_queue_capacity, ParsePositiveInt(v));
        return Status::Ok();
      },
      [flags] { return std::to_string(flags->alertmanager_notification_queue_capacity); });
  set.Duration("query.timeout", "Maximum time a query may take before being aborted.",
               &flags->query_timeout_ms);
  set.Custom(
      "query.max-concurrency", "Maximum number of queries executed concurrently.", "<int>",
      [flags](std::string_view v) {
        ASSIGN_OR_RETURN(flags->query_max_concurrency, ParsePositiveInt(v));
        return Status::Ok();
      },
      [flags] { return std::to_string(flags->query_max_concurrency); });
  set.Custom(
      "query.max-samples",
      "Maximum number of samples a single query can load into memory. Note that queries "
      "will fail if they try to load more samples than this into memory, so this also "
      "limits the number of samples a query can return.",
      "<int>",
      [flags](std::string_view v) {
        ASSIGN_OR_RETURN(flags->query_max_samples, ParsePositiveInt(v));
        return Status::Ok();
      },
      [flags] { return std::to_string(flags->query_max_samples); });
  set.Duration("query.lookback-delta",
               "The maximum lookback duration for retrieving metrics during expression "
               "evaluations and federation.",
               &flags->query_lookback_delta_ms);
  set.Custom(
      "log.level",
      "Only log messages with the given severity or above. One of: [debug, "
      "info, warn, error]",
      "<level>",
      [flags](std::string_view v) {
        ASSIGN_OR_RETURN(flags->log_level, ParseLogLevel(v));
        return Status::Ok();
      },
      [flags] { return std::string(LogLevelName(flags->log_level)); });
  set.Custom(
      "log.format", "Output format of log messages. One of: [logfmt, json]", "<format>",
      [flags](std::string_view v) {
        ASSIGN_OR_RETURN(flags->log_format, ParseLogFormat(v));
        return Status::Ok();
      },
      [flags] { return std::string(LogFormatName(flags->log_format)); });
  set.SetEpilogue(kTools);
}

}  // namespace

Result<Flags> ParseFlags(const std::vector<std::string>& args) {
  Flags flags;
  FlagSet set("pharos", "The Pharos monitoring server.");
  Register(set, &flags);
  RETURN_IF_ERROR(set.Parse(args));
  return flags;
}

std::string FlagsHelp() {
  Flags flags;
  FlagSet set("pharos", "The Pharos monitoring server.");
  Register(set, &flags);
  return set.Help();
}

std::vector<std::pair<std::string, std::string>> FlagValues(const Flags& flags) {
  Flags copy = flags;
  FlagSet set("pharos", "");
  Register(set, &copy);
  return set.Values();
}

tsdb::DbOptions ToDbOptions(const Flags& flags) {
  tsdb::DbOptions options;
  options.path = flags.storage_path;
  int64_t retention = flags.retention_time_ms;
  if (retention == 0 && flags.retention_size_bytes == 0) retention = kDefaultRetentionMs;
  options.retention_ms = std::min(retention, kMaxRetentionMs);
  options.retention_bytes = flags.retention_size_bytes;
  options.wal_fsync = flags.wal_fsync;
  return options;
}

}  // namespace pharos::server
