// The pharos binary: the server, or a tool verb (`pharos tsdb bench ...`).
//
// Server lifecycle, in Prometheus' order: parse flags; start the web
// listener (so /-/healthy answers and /-/ready says 503 while storage opens);
// open storage; mark ready; wait for SIGTERM or SIGINT; stop the web
// listener; close storage. Exit codes: 0 after a clean shutdown, 1 when the
// listener or storage fails, 2 for bad flags.
#include <malloc.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "server/alerting/alerting_collector.h"
#include "server/alerting/external_url.h"
#include "server/alerting/rules_service.h"
#include "server/api/api_routes.h"
#include "server/app_state.h"
#include "server/config/check_config.h"
#include "server/config/reload_handlers.h"
#include "server/config/reloader.h"
#include "server/flags.h"
#include "server/health_handlers.h"
#include "server/http_server.h"
#include "server/logger.h"
#include "server/metrics/registry.h"
#include "server/metrics/remote_write_collector.h"
#include "server/metrics/server_metrics.h"
#include "server/remote/write_handler.h"
#include "server/router.h"
#include "server/scrape/scrape_collector.h"
#include "server/scrape/scrape_manager.h"
#include "server/telemetry_routes.h"
#include "server/tsdb_bench.h"
#include "rules/rule_unit_tests.h"
#include "server/units.h"
#include "server/version.h"
#include "tsdb/db.h"

namespace pharos::server {
namespace {

std::string HostDetails() {
  utsname u{};
  if (uname(&u) != 0) return "(unknown)";
  return std::string("(") + u.sysname + " " + u.release + " " + u.version + " " + u.machine + " " +
         u.nodename + ")";
}

std::string RlimitText(int resource) {
  rlimit r{};
  if (getrlimit(resource, &r) != 0) return "(unknown)";
  auto text = [](rlim_t v) {
    return v == RLIM_INFINITY ? std::string("unlimited") : std::to_string(v);
  };
  return "(soft=" + text(r.rlim_cur) + ", hard=" + text(r.rlim_max) + ")";
}

std::string SignalName(int sig) {
  switch (sig) {
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    case SIGHUP:
      return "SIGHUP";
  }
  return std::to_string(sig);
}

// Blocks the signals the server waits for in every thread (threads started
// later inherit the mask), so only sigwait() sees them.
sigset_t BlockServerSignals() {
  std::signal(SIGPIPE, SIG_IGN);  // a closed peer is an error code, not death
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Waits for SIGTERM or SIGINT and returns it; SIGHUP reloads the
// configuration (a failure is logged and the old one kept).
int WaitForShutdownSignal(const sigset_t& set, Reloader& reloader) {
  while (true) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGHUP) {
      reloader.Reload().IgnoreError();
      continue;
    }
    return sig;
  }
}

// Prometheus checks the configuration file before starting anything. A
// missing file at the default path is not an error for Pharos: it runs with
// the defaults until a file appears and is reloaded.
bool CheckConfigAtStartup(const Flags& flags, const Logger& log, bool* have_file) {
  *have_file = true;
  if (flags.config_file == Flags{}.config_file && access(flags.config_file.c_str(), F_OK) != 0) {
    log.Warn("No configuration file; running with the defaults", {{"file", flags.config_file}});
    *have_file = false;
    return true;
  }
  Result<std::shared_ptr<const Config>> cfg = LoadConfigFile(flags.config_file);
  if (!cfg.ok()) {
    log.Error("Error loading config (--config.file=" + flags.config_file + ")",
              {{"file", flags.config_file}, {"err", cfg.status().message()}});
    return false;
  }
  return true;
}

int RunServer(const Flags& flags) {
  Logger log(flags.log_level, flags.log_format);
  Logger web_log = log.With({{"component", "web"}});
  const BuildInfo& build = CurrentBuildInfo();
  log.Info("Starting Pharos", {{"version", VersionSummary(build)}});
  log.Info("Build context", {{"build_context", BuildContext(build)}});
  log.Info("Host details", {{"host_details", HostDetails()},
                            {"fd_limits", RlimitText(RLIMIT_NOFILE)},
                            {"vm_limits", RlimitText(RLIMIT_AS)}});

  sigset_t signals = BlockServerSignals();

  AppState app(flags, web_log, build);
  std::atomic<bool>& ready = app.ready;
  Router router;
  RegisterHealthHandlers(router, ready);
  RegisterApiHandlers(router, app);
  bool have_config_file = false;
  if (!CheckConfigAtStartup(flags, log, &have_config_file)) return 2;
  Reloader reloader(flags.config_file, log);
  RegisterReloadHandlers(router, reloader, flags.enable_lifecycle);
  app.config.Set(std::make_shared<ReloaderConfigProvider>(reloader));
  metrics::Registry registry;
  metrics::ServerMetrics server_metrics(registry, build, [&app] { return app.db(); });
  RegisterTelemetryRoutes(router, app, registry, [&reloader] {
    std::shared_ptr<const Config> config = reloader.current();
    return config ? config->global.external_labels : tsdb::Labels();
  });
  reloader.SetObserver([&server_metrics](bool ok, int64_t last_success_ms) {
    server_metrics.config_last_reload_successful.Set(ok ? 1 : 0);
    server_metrics.config_last_reload_success_timestamp_seconds.Set(
        static_cast<double>(last_success_ms) / 1000);
  });
  router.SetObserver(server_metrics.HttpObserver());
  RemoteWriteStats remote_write_stats;
  RegisterRemoteWrite(router, app, remote_write_stats);
  registry.AddCollector(metrics::RemoteWriteCollector(remote_write_stats));

  HttpServerOptions http_options;
  http_options.listen_address = flags.listen_address;
  http_options.query_threads = flags.query_max_concurrency;
  // As in Go, a read timeout of 0 means none.
  if (flags.web_read_timeout_ms > 0) {
    http_options.read_timeout = std::chrono::milliseconds(flags.web_read_timeout_ms);
  } else {
    http_options.read_timeout = std::chrono::hours(24 * 365);
  }
  http_options.max_connections = flags.web_max_connections;
  http_options.logger = &web_log;
  web_log.Info("Start listening for connections", {{"address", flags.listen_address}});
  Result<std::unique_ptr<HttpServer>> http = HttpServer::Start(http_options, router);
  if (!http.ok()) {
    web_log.Error("Unable to start web listener", {{"err", http.status().message()}});
    return 1;
  }
  web_log.Info("Listening on", {{"address", (*http)->address()}});

  tsdb::DbOptions db_options = ToDbOptions(flags);
  log.Info("Starting TSDB ...", {{"path", db_options.path},
                                 {"retention.time", FormatDuration(db_options.retention_ms)},
                                 {"retention.size", FormatByteSize(db_options.retention_bytes)},
                                 {"wal_fsync", db_options.wal_fsync}});
  Result<std::unique_ptr<tsdb::Db>> db = tsdb::Db::Open(std::move(db_options));
  if (!db.ok()) {
    log.Error("Opening storage failed", {{"err", db.status().message()}});
    (*http)->Stop();
    return 1;
  }
  log.Info("TSDB started");

  app.SetDb(db->get());
  Logger scrape_log = log.With({{"component", "scrape manager"}});
  scrape::ScrapeManager scrape_manager(
      {.storage = db->get(), .log = &scrape_log, .user_agent = "Pharos/" + build.version});
  reloader.Register("scrape", [&scrape_manager](const Config& c) {
    return scrape_manager.ApplyConfig(c);
  });
  app.targets.Set(std::shared_ptr<TargetsProvider>(&scrape_manager, [](TargetsProvider*) {}));
  registry.AddCollector(scrape::ScrapeCollector(scrape_manager));
  Result<std::string> external_url = ExternalUrl(flags.web_external_url, (*http)->address());
  if (!external_url.ok()) {
    log.Error("Invalid --web.external-url", {{"err", external_url.status().message()}});
    (*http)->Stop();
    scrape_manager.Stop();
    app.SetDb(nullptr);
    (*db)->Close().IgnoreError();
    return 2;
  }
  Logger rules_log = log.With({{"component", "rule manager"}});
  RulesService rules_service({
      .engine = &app.engine,
      .appendable = db->get(),
      .queryable = db->get(),
      .log = &rules_log,
      .external_url = *external_url,
      .resend_delay_ms = flags.rules_alert_resend_delay_ms,
      .outage_tolerance_ms = flags.rules_alert_for_outage_tolerance_ms,
      .for_grace_period_ms = flags.rules_alert_for_grace_period_ms,
      .notification_queue_capacity =
          static_cast<size_t>(flags.alertmanager_notification_queue_capacity),
      .user_agent = "Pharos/" + build.version,
  });
  reloader.Register("rules", [&rules_service](const Config& c) {
    return rules_service.ApplyConfig(c);
  });
  app.rules.Set(std::shared_ptr<RulesProvider>(&rules_service, [](RulesProvider*) {}));
  app.alertmanagers.Set(
      std::shared_ptr<AlertmanagersProvider>(&rules_service, [](AlertmanagersProvider*) {}));
  registry.AddCollector([&rules_service](std::vector<metrics::FamilySnapshot>* out) {
    CollectAlertingMetrics(rules_service, out);
  });
  if (have_config_file) {
    if (Status s = reloader.Reload(); !s.ok()) {
      log.Error("Error loading config", {{"err", s.message()}});
      (*http)->Stop();
      rules_service.Stop();
      scrape_manager.Stop();
      app.SetDb(nullptr);
      (*db)->Close().IgnoreError();
      return 1;
    }
  }
  rules_service.Run();
  ready.store(true, std::memory_order_release);
  log.Info("Server is ready to receive web requests.");

  int sig = WaitForShutdownSignal(signals, reloader);
  log.Warn("Received an OS signal, exiting gracefully...", {{"signal", SignalName(sig)}});
  ready.store(false, std::memory_order_release);

  log.Info("Stopping scrape manager...");
  app.targets.Set(nullptr);
  scrape_manager.Stop();
  log.Info("Stopping rule manager...");
  app.rules.Set(nullptr);
  app.alertmanagers.Set(nullptr);
  rules_service.Stop();
  log.Info("Stopping web handler...");
  (*http)->Stop();
  app.SetDb(nullptr);
  log.Info("Stopping storage...");
  if (Status s = (*db)->Close(); !s.ok()) {
    log.Error("Closing storage failed", {{"err", s.message()}});
    return 1;
  }
  log.Info("See you next time!");
  return 0;
}

int Main(const std::vector<std::string>& args) {
  if (args.size() >= 2 && args[0] == "check" && args[1] == "config") {
    return RunCheckConfig(std::vector<std::string>(args.begin() + 2, args.end()), stdout, stderr);
  }
  if (args.size() >= 2 && args[1] == "rules" && (args[0] == "check" || args[0] == "test")) {
    std::vector<std::string> files(args.begin() + 2, args.end());
    return args[0] == "check" ? rules::CheckRuleFiles(files) : rules::RunRuleUnitTests(files);
  }
  if (args.size() >= 2 && args[0] == "tsdb" && args[1] == "bench") {
    return RunTsdbBench(std::vector<std::string>(args.begin() + 2, args.end()));
  }
  Result<Flags> flags = ParseFlags(args);
  if (!flags.ok()) {
    std::fprintf(stderr, "pharos: error: %s, try --help\n", flags.status().message().c_str());
    return 2;
  }
  if (flags->help) {
    std::fputs(FlagsHelp().c_str(), stdout);
    return 0;
  }
  if (flags->version) {
    std::fputs(VersionText(CurrentBuildInfo()).c_str(), stdout);
    return 0;
  }
  return RunServer(*flags);
}

}  // namespace
}  // namespace pharos::server

int main(int argc, char** argv) {
  // Big scrape bodies and response buffers live for one request. glibc's
  // adaptive threshold would move them into the arenas, where freed ones
  // stay resident between scrapes (170 MiB while scraping 1 M series);
  // mapping every block of 4 MiB and more returns them on free. Smaller
  // ones are reused from the arenas rather than faulted in afresh.
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  return pharos::server::Main(std::vector<std::string>(argv + 1, argv + argc));
}
