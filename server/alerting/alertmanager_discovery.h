// AlertmanagerDiscovery: the Alertmanagers that `alerting.alertmanagers`
// names, resolved into what the notifier sends to, as Prometheus 2.42's
// notifier.alertmanagerSet does.
//
//   AlertmanagerDiscovery discovery;
//   discovery.ApplyConfig(config);              // at start and on reload
//   std::vector<std::string> errors;
//   if (discovery.Refresh(now_ms, &errors)) {   // file_sd changed
//     AlertmanagerSet set = discovery.Resolve();
//     notifier.SetAlertmanagers(set.configs);
//   }
//
// For every `alertmanagers` entry, each target of its static_configs and
// file_sd_configs gets the labels
//
//   <group labels> + {__address__=<target>, __scheme__=<scheme>,
//                     __alerts_path__=<path_prefix>/api/v2/alerts}
//
// and then the entry's relabel_configs. A dropped target is listed as
// dropped (its URL from the labels before relabeling); a kept one is sent
// to at `<__scheme__>://<__address__><__alerts_path__>` with the entry's
// timeout, basic_auth, authorization (bearer_token) and tls_config. Secret
// files (password_file, credentials_file) are read when the config is
// applied. api_version v1 is accepted but alerts are still posted to
// /api/v2/alerts (Alertmanager 0.25 serves only v2).
//
// Thread-safety: not thread-safe; the owner serializes calls.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rules/notifier/notifier.h"
#include "server/config/config.h"
#include "server/scrape/file_discovery.h"
#include "tsdb/status.h"

namespace pharos::server {

// The resolved Alertmanagers of one config.
struct AlertmanagerSet {
  // One entry per kept target, ready for Notifier::SetAlertmanagers().
  std::vector<rules::notifier::AlertmanagerConfig> configs;
  // URLs (".../api/v2/alerts") of kept and dropped targets, for
  // /api/v1/alertmanagers.
  std::vector<std::string> active_urls;
  std::vector<std::string> dropped_urls;
  // Targets that were skipped ("<entry>: <reason>"), e.g. a secret file
  // that cannot be read or a target without an address.
  std::vector<std::string> errors;
};

class AlertmanagerDiscovery {
 public:
  // Replaces the Alertmanager configs (file_sd state starts over).
  void ApplyConfig(const Config& config);

  // Re-reads file_sd files (see scrape::FileDiscovery::Refresh); true when
  // the targets may have changed. Read errors are appended to `errors`.
  bool Refresh(int64_t now_ms, bool force, std::vector<std::string>* errors);

  // The Alertmanagers of the current config and file_sd contents.
  AlertmanagerSet Resolve() const;

 private:
  struct Entry {
    AlertmanagerConfig config;
    std::vector<std::unique_ptr<scrape::FileDiscovery>> files;
  };

  std::vector<Entry> entries_;
};

// `<path_prefix>/api/v2/alerts` with slashes cleaned as Go's path.Join
// ("" -> "/api/v2/alerts", "/am/" -> "/am/api/v2/alerts").
std::string AlertsPath(const std::string& path_prefix);

}  // namespace pharos::server
