#include "server/bench_series_model.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace pharos::server {
namespace {

constexpr int kSeriesPerUnit = 20;
const char* const kServices[] = {"api-gateway", "checkout", "search", "auth",
                                 "billing", "inventory", "notifications", "payments"};
const char* const kResources[] = {"users", "orders", "items", "carts", "payments",
                                  "sessions", "search", "products", "reviews", "shipping",
                                  "invoices", "accounts", "tokens", "events", "metrics",
                                  "reports", "images", "tags", "comments", "feeds"};
const char* const kMethods[] = {"GET", "POST", "PUT", "DELETE"};
const char* const kCodes[] = {"200", "201", "400", "404", "500"};
constexpr double kCodeShare[] = {0.80, 0.05, 0.05, 0.07, 0.03};
const char* const kLes[] = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                            "0.5", "1", "2.5", "5", "+Inf"};
constexpr double kLeCumulative[] = {0.05, 0.15, 0.35, 0.55, 0.75, 0.90,
                                    0.96, 0.985, 0.995, 0.999, 1.0};

}  // namespace

BenchSeriesModel::BenchSeriesModel(int series, int targets, uint64_t seed) : rng_(seed) {
  int units_total = std::max(1, series / kSeriesPerUnit);
  targets = std::max(1, std::min(targets, units_total));
  int units = units_total / targets;
  int n_units = units * targets;
  for (int t = 0; t < targets; ++t) {
    std::string instance = "gen-" + std::to_string(t);
    for (int u = 0; u < units; ++u) {
      std::string handler = "/api/v" + std::to_string(1 + ((u / 8) % 40) / 20) + "/" +
                            kResources[((u / 8) % 40) % 20];
      tsdb::Labels base({{"job", "bench"},
                         {"instance", instance},
                         {"service", kServices[u % 8]},
                         {"handler", handler},
                         {"method", kMethods[(u / 320) % 4]},
                         {"pod", "pod-" + std::to_string(u / 1280)}});
      for (const char* code : kCodes) {
        labels_.push_back(base.With("__name__", "bench_http_requests_total").With("code", code));
      }
      for (const char* le : kLes) {
        labels_.push_back(
            base.With("__name__", "bench_http_request_duration_seconds_bucket").With("le", le));
      }
      labels_.push_back(base.With("__name__", "bench_http_request_duration_seconds_sum"));
      labels_.push_back(base.With("__name__", "bench_http_request_duration_seconds_count"));
      labels_.push_back(base.With("__name__", "bench_http_inflight_requests"));
      labels_.push_back(base.With("__name__", "bench_response_size_bytes"));
      for (int i = 0; i < kSeriesPerUnit; ++i) target_of_.push_back(t);
    }
  }
  std::uniform_real_distribution<double> uni(0, 1);
  rate_.resize(n_units);
  for (int i = 0; i < n_units; ++i) rate_[i] = 0.5 + ((i % units) * 7919 % 100) / 10.0;
  requests_.assign(n_units * 5, 0);
  buckets_.assign(n_units * 11, 0);
  sum_.assign(n_units, 0);
  count_.assign(n_units, 0);
  inflight_.resize(n_units);
  size_.resize(n_units);
  for (int i = 0; i < n_units; ++i) {
    inflight_[i] = std::floor(uni(rng_) * 10);
    size_[i] = 1000 + 4000 * uni(rng_);
  }
  std::vector<double> ignored;
  Step(3600 + 86400 * uni(rng_), &ignored);  // a long-running "uptime"
}

void BenchSeriesModel::Step(double seconds, std::vector<double>* out) {
  std::uniform_real_distribution<double> uni(0, 1);
  std::uniform_int_distribution<int> walk(-2, 2);
  const size_t n_units = rate_.size();
  out->resize(n_units * kSeriesPerUnit);
  double* o = out->data();
  for (size_t u = 0; u < n_units; ++u, o += kSeriesPerUnit) {
    double k = rate_[u] * seconds * (0.8 + 0.4 * uni(rng_));
    for (int c = 0; c < 5; ++c) {
      requests_[u * 5 + c] += std::floor(k * kCodeShare[c] + uni(rng_));
      o[c] = requests_[u * 5 + c];
    }
    double cumulative = 0, prev_share = 0;
    for (int b = 0; b < 11; ++b) {
      double share = kLeCumulative[b] - prev_share;
      prev_share = kLeCumulative[b];
      cumulative += std::floor(k * share * (0.8 + 0.4 * uni(rng_)) + uni(rng_));
      buckets_[u * 11 + b] += cumulative;
      o[5 + b] = buckets_[u * 11 + b];
    }
    count_[u] += cumulative;
    sum_[u] += std::round(cumulative * 0.12 * (0.7 + 0.6 * uni(rng_)) * 1e6) / 1e6;
    inflight_[u] = std::clamp(inflight_[u] + walk(rng_), 0.0, 64.0);
    size_[u] += std::round((uni(rng_) - 0.5) * 100.0 * 1e3) / 1e3;
    if (size_[u] < 100) size_[u] = 100 + uni(rng_);
    o[16] = sum_[u];
    o[17] = count_[u];
    o[18] = inflight_[u];
    o[19] = size_[u];
  }
}

}  // namespace pharos::server
