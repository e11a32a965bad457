// Helpers for the scrape end-to-end tests: a server (Pharos or Prometheus)
// started with a configuration file in its own temporary directory, and its
// HTTP API read back as JSON.
//
//   ScrapeServer pharos("pharos-scrape-e2e");
//   ASSERT_TRUE(pharos.StartPharos(yaml).ok());
//   std::vector<VectorSample> up = InstantQuery(pharos.port(), "up");
//   EXPECT_TRUE(Eventually([&] { return QueryValue(pharos.port(), "up") == 1; }, 10s));
//
// Failed requests are reported as gtest failures (ADD_FAILURE) and read as
// empty results, so tests stay linear.
//
// Thread-safety: the free functions are thread-safe; a ScrapeServer is used
// by one thread.
#pragma once

#include <sys/types.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/e2e/eventually.h"
#include "tests/e2e/process.h"
#include "tests/e2e/suite_server.h"
#include "tsdb/status.h"

namespace pharos::e2e {

// A SuiteServer started with a configuration file; the directory and the
// process go with the object.
class ScrapeServer : public SuiteServer {
 public:
  using SuiteServer::SuiteServer;

  // <dir>/config.yml.
  std::string config_path() const { return dir_ + "/config.yml"; }
  void WriteConfig(const std::string& yaml) const;

  // Writes `yaml` as the config and starts Pharos on 127.0.0.1:0 with a
  // data dir under dir(), plus `extra` flags; waits until it is ready.
  Status StartPharos(const std::string& yaml, std::vector<std::string> extra = {});
  // Same with Prometheus (`binary`) on a free port, waiting for /-/ready.
  Status StartPrometheus(const std::string& binary, const std::string& yaml);
};

// A port free on 127.0.0.1 right now (bound to port 0, then closed).
uint16_t FreePort();


// Go's url.QueryEscape, for query parameters.
std::string QueryEscape(const std::string& s);

// GET `target`, parsed; null when the request or the JSON fails.
boost::json::value GetJson(uint16_t port, const std::string& target);
// The "data" member of an API answer whose status is "success"; null
// otherwise (with a gtest failure).
boost::json::value ApiData(uint16_t port, const std::string& target);

using LabelMap = std::map<std::string, std::string>;

struct VectorSample {
  LabelMap metric;
  int64_t t_ms = 0;
  double value = 0;
};
// An instant query's vector (now). Empty on errors or other result types.
std::vector<VectorSample> InstantQuery(uint16_t port, const std::string& expr);
// The single value of an instant query, or nullopt when it is not exactly
// one sample.
std::optional<double> QueryValue(uint16_t port, const std::string& expr);

struct RangeSeries {
  LabelMap metric;
  std::vector<std::pair<int64_t, double>> samples;  // (t ms, value)
};
// An instant query for a range selector (`x[10s]`): the raw samples.
std::vector<RangeSeries> RawSamples(uint16_t port, const std::string& selector);

// /api/v1/series for `match`, sorted.
std::vector<LabelMap> Series(uint16_t port, const std::string& match);

// A JSON object of string values as a map.
LabelMap ToLabelMap(const boost::json::value& v);
// The string a JSON value holds, or "" when it is not a string.
std::string Str(const boost::json::value& v);

// /api/v1/targets?state=active: the active target whose labels include
// every one of `labels`; null when none.
boost::json::value ActiveTarget(uint16_t port, const LabelMap& labels);
// That target's lastError ("" when none or not found) and health.
std::string LastError(uint16_t port, const LabelMap& labels);
std::string Health(uint16_t port, const LabelMap& labels);

// VmRSS of a process in KiB, from /proc/<pid>/status; -1 when unreadable.
int64_t VmRssKb(pid_t pid);

}  // namespace pharos::e2e
