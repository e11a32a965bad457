// Notifier: delivers alerts to Alertmanagers through their v2 API, as
// Prometheus' notifier.Manager does.
//
//   Notifier n(NotifierOptions{.queue_capacity = 10000, .external_labels = ...});
//   n.SetAlertmanagers({AlertmanagerConfig{.addresses = {"127.0.0.1:9093"}}});
//   n.Send(alerts);   // returns at once; a background thread delivers
//
// Send() adds the external labels an alert lacks, applies the alert
// relabeling function (alert_relabel_configs; an alert it drops is not
// sent), and appends to a bounded queue: when the queue is full, the oldest
// alerts are dropped (and counted). A background thread takes batches of up
// to 64 alerts and POSTs each batch as JSON to
// `<scheme>://<address><path_prefix>/api/v2/alerts` of every configured
// Alertmanager at once, each request bounded by the config's timeout.
//
// Delivery: a batch that at least one Alertmanager accepted is done (as in
// Prometheus). A batch no Alertmanager accepted stays at the head of the
// queue and is retried with backoff (0.5 s doubling up to 5 s), so alerts
// raised while Alertmanager is down arrive once it returns; Prometheus
// drops such a batch and waits for the rule manager's next resend. With no
// Alertmanager configured, batches are dropped, as in Prometheus.
//
// Thread-safety: all methods may be called from any thread. The relabel
// function is called under the notifier's lock, from Send()'s caller.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "rules/notifier/alert.h"
#include "rules/notifier/http_poster.h"
#include "tsdb/labels.h"
#include "tsdb/status.h"

namespace pharos::rules::notifier {

// One `alerting.alertmanagers` entry with its targets resolved.
struct AlertmanagerConfig {
  // "http" (default) or "https".
  std::string scheme = "http";
  // host:port of each Alertmanager ("[::1]:9093" for IPv6).
  std::vector<std::string> addresses{};
  // Prefix of the API path, e.g. "/alertmanager". Default: "".
  std::string path_prefix{};
  // Per request. Default: 10 s.
  std::chrono::milliseconds timeout{10000};
  // basic_auth, if username is non-empty.
  std::string basic_auth_username{};
  std::string basic_auth_password{};
  // `authorization` (type defaults to "Bearer") or legacy bearer_token:
  // sends "Authorization: <type> <credentials>" when credentials are set.
  std::string authorization_type = "Bearer";
  std::string authorization_credentials{};
  // tls_config, for https.
  TlsOptions tls{};
};

struct NotifierOptions {
  // --alertmanager.notification-queue-capacity. Default: 10000.
  size_t queue_capacity = 10000;
  // global.external_labels: added to alerts that lack them. Default: none.
  tsdb::Labels external_labels;
  // alerting.alert_relabel_configs: the relabeled labels, or nullopt to
  // drop the alert. Default: unset (labels unchanged).
  std::function<std::optional<tsdb::Labels>(const tsdb::Labels&)> relabel;
  // Sent as User-Agent. Default: "Pharos".
  std::string user_agent = "Pharos";
  // Called (from the sending thread) for each failed request, with the
  // Alertmanager URL, the batch size and the error. Default: unset.
  std::function<void(const std::string& url, size_t alerts, const Status& error)> on_error;
};

// Counters for /metrics; names as Pharos exports them:
// pharos_notifications_{sent,errors,dropped}_total,
// pharos_notifications_queue_{length,capacity},
// pharos_notifications_alertmanagers_discovered.
struct NotifierStats {
  uint64_t sent = 0;     // alerts sent successfully, summed over Alertmanagers
  uint64_t errors = 0;   // failed requests, summed over Alertmanagers
  uint64_t dropped = 0;  // alerts dropped: queue overflow, or no Alertmanager
  size_t queue_length = 0;
  size_t queue_capacity = 0;
  size_t alertmanagers = 0;
  // Per Alertmanager URL (labels of Prometheus' per-alertmanager series).
  std::map<std::string, uint64_t> sent_by_url;
  std::map<std::string, uint64_t> errors_by_url;
};

class Notifier {
 public:
  // Starts the sending thread.
  explicit Notifier(NotifierOptions options);
  // Stop()s.
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Queues `alerts` (see the file comment). Never blocks on the network.
  void Send(std::vector<Alert> alerts);

  // Replaces the Alertmanagers (config reload). Takes effect with the next
  // batch.
  void SetAlertmanagers(std::vector<AlertmanagerConfig> configs);

  // Replaces external labels and relabeling (config reload); the queue
  // capacity stays.
  void SetExternalLabels(tsdb::Labels external_labels);
  void SetRelabel(std::function<std::optional<tsdb::Labels>(const tsdb::Labels&)> relabel);

  // The API URLs alerts go to, e.g. "http://127.0.0.1:9093/api/v2/alerts"
  // (for /api/v1/alertmanagers).
  std::vector<std::string> AlertmanagerUrls() const;

  NotifierStats Stats() const;

  // Stops the sending thread, abandoning an in-flight batch; queued alerts
  // are not sent. Idempotent.
  void Stop();

 private:
  struct Target {
    std::string url;
    std::string scheme;
    HttpPost post;  // body filled per batch
    std::chrono::milliseconds timeout;
  };

  void Loop();
  // Sends one batch to every target; true if any accepted it.
  bool SendAll(const std::vector<Alert>& batch, const std::vector<Target>& targets);

  NotifierOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Alert> queue_;             // GUARDED_BY(mu_)
  std::vector<Target> targets_;         // GUARDED_BY(mu_)
  bool stopping_ = false;               // GUARDED_BY(mu_)
  uint64_t dropped_ = 0;                // GUARDED_BY(mu_)
  // Alerts that ever left the front of the queue (sent or dropped): lets
  // the sender find its batch after overflow dropped some of it.
  uint64_t popped_ = 0;                 // GUARDED_BY(mu_)
  // While no Alertmanager accepts the head batch: when to retry it.
  std::chrono::steady_clock::time_point retry_at_ =
      std::chrono::steady_clock::time_point::min();  // GUARDED_BY(mu_)
  std::map<std::string, uint64_t> sent_by_url_;    // GUARDED_BY(mu_)
  std::map<std::string, uint64_t> errors_by_url_;  // GUARDED_BY(mu_)

  HttpPoster poster_;
  std::thread thread_;
};

}  // namespace pharos::rules::notifier
