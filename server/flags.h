// Flags: Pharos' command line, with Prometheus' flag names and defaults
// adapted to Pharos.
//
//   ASSIGN_OR_RETURN(Flags flags, ParseFlags(args));   // args = argv[1..]
//   if (flags.help) print FlagsHelp() ...
//   tsdb::DbOptions options = ToDbOptions(flags);
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "server/logger.h"
#include "tsdb/db.h"
#include "tsdb/status.h"

namespace pharos::server {

struct Flags {
  // --config.file: the Prometheus-format configuration file.
  std::string config_file = "pharos.yml";
  // --storage.tsdb.path: the database directory.
  std::string storage_path = "data/";
  // --storage.tsdb.retention.time: how long samples are kept, in ms.
  int64_t retention_time_ms = 30LL * 24 * 3600 * 1000;
  // --storage.tsdb.retention.size: the most bytes kept on disk; 0 is off.
  uint64_t retention_size_bytes = 0;
  // --storage.tsdb.wal-fsync: sync every commit to disk.
  bool wal_fsync = false;
  // --web.listen-address: host:port of the HTTP server; port 0 picks one.
  std::string listen_address = "0.0.0.0:9090";
  // --web.enable-lifecycle: serve POST/PUT /-/reload (else 403).
  bool enable_lifecycle = false;
  // --web.read-timeout: the longest wait for a whole request, including
  // an idle kept-alive connection's wait for its next one, in ms.
  int64_t web_read_timeout_ms = 5LL * 60 * 1000;
  // --web.max-connections: connections beyond this many are closed.
  int web_max_connections = 512;
  // --web.enable-remote-write-receiver: accept POST /api/v1/write.
  bool enable_remote_write_receiver = false;
  // --web.enable-admin-api: serve /api/v1/admin/tsdb/*.
  bool enable_admin_api = false;
  // --storage.remote.read-sample-limit: most samples one remote read
  // request may return; 0 is no limit.
  int64_t remote_read_sample_limit = 50'000'000;
  // --storage.remote.read-concurrent-limit: most remote read requests
  // served at once (more wait); 0 is no limit.
  int remote_read_concurrent_limit = 10;
  // --storage.remote.read-max-bytes-in-frame: the frame size a streamed
  // remote read answer aims at.
  int remote_read_max_bytes_in_frame = 1048576;
  // --web.external-url: the URL Pharos is reachable at, for links back to
  // it (alerts' generatorURL). "" derives http://<hostname>:<port>/.
  std::string web_external_url;
  // --rules.alert.for-outage-tolerance: the longest outage after which
  // alerts' `for` state is still restored, in ms.
  int64_t rules_alert_for_outage_tolerance_ms = 3600LL * 1000;
  // --rules.alert.for-grace-period: the least time between a restart and a
  // restored alert firing, for alerts whose `for` is longer, in ms.
  int64_t rules_alert_for_grace_period_ms = 600LL * 1000;
  // --rules.alert.resend-delay: the least time between two sends of the
  // same firing alert to Alertmanager, in ms.
  int64_t rules_alert_resend_delay_ms = 60LL * 1000;
  // --alertmanager.notification-queue-capacity: alerts waiting to be sent.
  int alertmanager_notification_queue_capacity = 10000;
  // --query.timeout: the longest a query may run, in ms.
  int64_t query_timeout_ms = 2LL * 60 * 1000;
  // --query.max-samples: most samples one query may hold in memory.
  int64_t query_max_samples = 50'000'000;
  // --query.lookback-delta: how far back an instant selector looks, in ms.
  int64_t query_lookback_delta_ms = 5LL * 60 * 1000;
  // --query.max-concurrency: most queries evaluated at once; more wait.
  int query_max_concurrency = 20;
  // --log.level and --log.format.
  LogLevel log_level = LogLevel::kInfo;
  LogFormat log_format = LogFormat::kLogfmt;
  // --help, --version: print and exit.
  bool help = false;
  bool version = false;
};

// The longest retention Pharos accepts, like Prometheus: 100 years.
inline constexpr int64_t kMaxRetentionMs = 100LL * 365 * 24 * 3600 * 1000;

// Parses the command line (without the program name). Errors are
// kInvalidArgument and name the offending flag: unknown flags, missing
// values, bad durations or sizes, unknown log levels or formats, positional
// arguments.
Result<Flags> ParseFlags(const std::vector<std::string>& args);

// The --help text.
std::string FlagsHelp();

// Every flag and its value as a user would write it, in --help order.
std::vector<std::pair<std::string, std::string>> FlagValues(const Flags& flags);

// What the flags ask of storage:
//   path            = storage_path
//   retention_ms    = retention_time_ms, except: 30d when both retention
//                     time and size are 0 (Prometheus falls back to its
//                     default the same way), capped at kMaxRetentionMs
//   retention_bytes = retention_size_bytes
//   wal_fsync       = wal_fsync
// Every other field keeps DbOptions' default.
tsdb::DbOptions ToDbOptions(const Flags& flags);

}  // namespace pharos::server
