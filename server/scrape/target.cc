#include "server/scrape/target.h"

#include "server/scrape/target_labels.h"
#include "server/units.h"

namespace pharos::server::scrape {

std::string_view TargetHealthName(TargetHealth h) {
  switch (h) {
    case TargetHealth::kUp: return "up";
    case TargetHealth::kDown: return "down";
    case TargetHealth::kUnknown: break;
  }
  return "unknown";
}

Target::Target(tsdb::Labels labels, tsdb::Labels discovered,
               std::map<std::string, std::vector<std::string>> params)
    : full_labels_(std::move(labels)), discovered_(std::move(discovered)) {
  std::vector<tsdb::Label> visible;
  for (const tsdb::Label& l : full_labels_) {
    if (!l.name.starts_with("__")) visible.push_back(l);
  }
  labels_ = tsdb::Labels(std::move(visible));
  url_ = TargetUrl(full_labels_, params);
  uint64_t h = full_labels_.Hash();
  hash_ = tsdb::HashBytes(url_.data(), url_.size(), h);
  Result<int64_t> iv = ParseDuration(full_labels_.Get("__scrape_interval__"));
  Result<int64_t> tv = ParseDuration(full_labels_.Get("__scrape_timeout__"));
  interval_ms_ = iv.ok() ? *iv : 60000;
  timeout_ms_ = tv.ok() ? *tv : 10000;
}

int64_t Target::OffsetMs(int64_t now_ms, uint64_t seed) const {
  // In nanoseconds, as Prometheus computes it.
  const int64_t interval = interval_ms_ * 1000000;
  const int64_t now = now_ms * 1000000;
  int64_t base = interval - now % interval;
  auto offset = static_cast<int64_t>((hash_ ^ seed) % static_cast<uint64_t>(interval));
  int64_t next = base + offset;
  if (next > interval) next -= interval;
  return next / 1000000;
}

void Target::Report(int64_t start_ms, double duration_seconds, const Status& error) {
  std::lock_guard<std::mutex> lock(mu_);
  state_.health = error.ok() ? TargetHealth::kUp : TargetHealth::kDown;
  state_.last_error = error.ok() ? "" : error.message();
  state_.last_scrape_ms = start_ms;
  state_.last_duration_seconds = duration_seconds;
}

Target::State Target::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

}  // namespace pharos::server::scrape
