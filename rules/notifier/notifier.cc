#include "rules/notifier/notifier.h"

#include <algorithm>
#include <utility>

namespace pharos::rules::notifier {
namespace {

constexpr size_t kMaxBatchSize = 64;
constexpr std::chrono::milliseconds kMinBackoff{500};
constexpr std::chrono::milliseconds kMaxBackoff{5000};

std::string Base64(std::string_view in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < in.size()) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// path.Join("/", prefix, "/api/v2/alerts").
std::string ApiPath(std::string_view prefix) {
  while (!prefix.empty() && prefix.front() == '/') prefix.remove_prefix(1);
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  return prefix.empty() ? "/api/v2/alerts" : "/" + std::string(prefix) + "/api/v2/alerts";
}

// Splits "host:port" / "[v6]:port" / "host"; the port defaults by scheme.
void SplitAddress(const std::string& address, const std::string& scheme, std::string* host, std::string* port) {
  std::string default_port = scheme == "https" ? "443" : "80";
  if (!address.empty() && address[0] == '[') {
    const size_t close = address.find(']');
    *host = address.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    *port = close != std::string::npos && close + 1 < address.size() && address[close + 1] == ':'
                ? address.substr(close + 2)
                : default_port;
    return;
  }
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || address.find(':') != colon) {
    *host = address;
    *port = default_port;
    return;
  }
  *host = address.substr(0, colon);
  *port = address.substr(colon + 1);
}

Status UnimplementedScheme(const std::string& scheme) {
  return UnavailableError("unsupported scheme " + scheme + ": only http and https are implemented");
}

}  // namespace

Notifier::Notifier(NotifierOptions options) : options_(std::move(options)) {
  thread_ = std::thread([this] { Loop(); });
}

Notifier::~Notifier() { Stop(); }

void Notifier::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  poster_.Cancel();
  if (thread_.joinable()) thread_.join();
}

void Notifier::Send(std::vector<Alert> alerts) {
  std::vector<Alert> kept;
  kept.reserve(alerts.size());
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (Alert& a : alerts) {
      if (!options_.external_labels.empty()) {
        std::vector<tsdb::Label> ls(a.labels.begin(), a.labels.end());
        for (const auto& l : options_.external_labels) {
          if (!a.labels.Has(l.name)) ls.push_back(l);
        }
        a.labels = tsdb::Labels(std::move(ls));
      }
      if (options_.relabel) {
        std::optional<tsdb::Labels> relabeled = options_.relabel(a.labels);
        if (!relabeled || relabeled->empty()) continue;
        a.labels = std::move(*relabeled);
      }
      kept.push_back(std::move(a));
    }
    if (kept.empty()) return;
    const size_t cap = options_.queue_capacity;
    size_t skip = 0;
    if (kept.size() > cap) {
      skip = kept.size() - cap;
      dropped_ += skip;
    }
    const size_t incoming = kept.size() - skip;
    if (queue_.size() + incoming > cap) {
      const size_t d = queue_.size() + incoming - cap;
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(d));
      dropped_ += d;
      popped_ += d;
    }
    for (size_t i = skip; i < kept.size(); ++i) queue_.push_back(std::move(kept[i]));
  }
  cv_.notify_all();
}

void Notifier::SetAlertmanagers(std::vector<AlertmanagerConfig> configs) {
  std::vector<Target> targets;
  for (const auto& c : configs) {
    for (const auto& address : c.addresses) {
      Target t;
      t.timeout = c.timeout;
      std::string host, port;
      SplitAddress(address, c.scheme, &host, &port);
      const std::string path = ApiPath(c.path_prefix);
      t.url = c.scheme + "://" + address + path;
      t.scheme = c.scheme;
      t.post.host = host;
      t.post.port = port;
      t.post.https = c.scheme == "https";
      t.post.tls = c.tls;
      t.post.target = path;
      t.post.headers.push_back({"Content-Type", "application/json"});
      t.post.headers.push_back({"User-Agent", options_.user_agent});
      if (!c.basic_auth_username.empty()) {
        t.post.headers.push_back(
            {"Authorization", "Basic " + Base64(c.basic_auth_username + ":" + c.basic_auth_password)});
      } else if (!c.authorization_credentials.empty()) {
        t.post.headers.push_back({"Authorization", (c.authorization_type.empty() ? std::string("Bearer")
                                                                                 : c.authorization_type) +
                                                       " " + c.authorization_credentials});
      }
      targets.push_back(std::move(t));
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    targets_ = std::move(targets);
    retry_at_ = std::chrono::steady_clock::time_point::min();
  }
  cv_.notify_all();
}

void Notifier::SetExternalLabels(tsdb::Labels external_labels) {
  std::lock_guard<std::mutex> lock(mu_);
  options_.external_labels = std::move(external_labels);
}

void Notifier::SetRelabel(std::function<std::optional<tsdb::Labels>(const tsdb::Labels&)> relabel) {
  std::lock_guard<std::mutex> lock(mu_);
  options_.relabel = std::move(relabel);
}

std::vector<std::string> Notifier::AlertmanagerUrls() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> urls;
  for (const auto& t : targets_) urls.push_back(t.url);
  return urls;
}

NotifierStats Notifier::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  NotifierStats s;
  s.dropped = dropped_;
  s.queue_length = queue_.size();
  s.queue_capacity = options_.queue_capacity;
  s.alertmanagers = targets_.size();
  s.sent_by_url = sent_by_url_;
  s.errors_by_url = errors_by_url_;
  for (const auto& [url, n] : sent_by_url_) s.sent += n;
  for (const auto& [url, n] : errors_by_url_) s.errors += n;
  return s;
}

bool Notifier::SendAll(const std::vector<Alert>& batch, const std::vector<Target>& targets) {
  const std::string body = AlertsToJson(batch);
  std::vector<HttpPost> posts;
  std::chrono::milliseconds timeout{0};
  for (const auto& t : targets) {
    posts.push_back(t.post);
    posts.back().body = body;
    timeout = std::max(timeout, t.timeout);
  }
  std::vector<Status> results = poster_.PostAll(posts, timeout);
  bool any = false;
  std::vector<size_t> failed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < targets.size(); ++i) {
      if (targets[i].scheme != "http" && targets[i].scheme != "https") {
        results[i] = UnimplementedScheme(targets[i].scheme);
      }
      if (results[i].code() == StatusCode::kCancelled) continue;
      if (results[i].ok()) {
        sent_by_url_[targets[i].url] += batch.size();
        any = true;
      } else {
        errors_by_url_[targets[i].url] += 1;
        failed.push_back(i);
      }
    }
  }
  if (options_.on_error) {
    for (size_t i : failed) options_.on_error(targets[i].url, batch.size(), results[i]);
  }
  return any;
}

void Notifier::Loop() {
  std::chrono::milliseconds backoff = kMinBackoff;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    auto ready = [&] {
      return stopping_ || (!queue_.empty() && std::chrono::steady_clock::now() >= retry_at_);
    };
    if (!queue_.empty() && retry_at_ > std::chrono::steady_clock::now()) {
      cv_.wait_until(lock, retry_at_, ready);
    } else {
      cv_.wait(lock, ready);
    }
    if (stopping_) return;
    if (queue_.empty() || std::chrono::steady_clock::now() < retry_at_) continue;
    const size_t n = std::min(kMaxBatchSize, queue_.size());
    if (targets_.empty()) {
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      dropped_ += n;
      popped_ += n;
      continue;
    }
    std::vector<Alert> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    std::vector<Target> targets = targets_;
    const uint64_t first = popped_;  // position of batch[0] in the stream of queued alerts
    lock.unlock();
    const bool ok = SendAll(batch, targets);
    lock.lock();
    if (stopping_) return;
    if (ok) {
      // Alerts that overflow dropped meanwhile have left the queue already.
      const uint64_t end = first + n;
      if (popped_ < end) {
        const size_t k = static_cast<size_t>(end - popped_);
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(std::min(k, queue_.size())));
        popped_ = end;
      }
      backoff = kMinBackoff;
      retry_at_ = std::chrono::steady_clock::time_point::min();
    } else {
      retry_at_ = std::chrono::steady_clock::now() + backoff;
      backoff = std::min(backoff * 2, kMaxBackoff);
    }
  }
}

}  // namespace pharos::rules::notifier
