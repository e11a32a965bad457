#include "server/api/status_handlers.h"

#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "server/api/api_errors.h"
#include "server/api/api_json.h"
#include "server/units.h"

namespace pharos::server {
namespace {

int ThreadCount() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
  }
  return 0;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int64_t ToMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

void WriteCounts(JsonWriter& w, std::string_view key,
                 const std::vector<tsdb::DbStats::Count>& counts) {
  w.Key(key);
  w.BeginArray();
  for (const auto& c : counts) {
    w.BeginObject();
    w.Key("name");
    w.String(c.name);
    w.Key("value");
    w.Int(static_cast<int64_t>(c.value));
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

Response HandleBuildInfo(const BuildInfo& build, const Request&) {
  JsonWriter w;
  w.BeginObject();
  w.Key("version");
  w.String(std::string(kPrometheusApiVersion) + "+pharos." + build.version);
  w.Key("revision");
  w.String(build.revision);
  w.Key("branch");
  w.String(build.branch);
  w.Key("buildUser");
  w.String(build.build_user);
  w.Key("buildDate");
  w.String(build.build_date);
  w.Key("goVersion");
  w.String(build.compiler);
  w.EndObject();
  return ApiSuccess(w.Take());
}

Response HandleStatusConfig(const AppState& app, const Request&) {
  std::shared_ptr<ConfigProvider> config = app.config.Get();
  JsonWriter w;
  w.BeginObject();
  w.Key("yaml");
  w.String(config ? config->Yaml() : ReadFile(app.flags.config_file));
  w.EndObject();
  return ApiSuccess(w.Take());
}

Response HandleStatusFlags(const Flags& flags, const Request&) {
  std::map<std::string, std::string> sorted;
  for (auto& [k, v] : FlagValues(flags)) sorted[k] = v;
  JsonWriter w;
  w.BeginObject();
  for (const auto& [k, v] : sorted) {
    w.Key(k);
    w.String(v);
  }
  w.EndObject();
  return ApiSuccess(w.Take());
}

Response HandleRuntimeInfo(const AppState& app, const Request&) {
  std::shared_ptr<ConfigProvider> config = app.config.Get();
  char cwd[4096];
  std::string dir = getcwd(cwd, sizeof(cwd)) != nullptr ? cwd : "";
  tsdb::DbOptions db = ToDbOptions(app.flags);
  std::string retention;
  if (db.retention_ms != 0) retention = FormatDuration(db.retention_ms);
  if (db.retention_bytes != 0) {
    retention += (retention.empty() ? "" : " or ") + FormatByteSize(db.retention_bytes);
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("startTime");
  w.String(FormatRfc3339(ToMs(app.start_time)));
  w.Key("CWD");
  w.String(dir);
  w.Key("reloadConfigSuccess");
  w.Bool(config ? config->LastReloadSucceeded() : true);
  w.Key("lastConfigTime");
  int64_t last = config ? config->LastReloadSuccessMs() : ToMs(app.start_time) / 1000 * 1000;
  w.String(FormatRfc3339(last));
  w.Key("corruptionCount");
  w.Int(0);
  w.Key("goroutineCount");
  w.Int(ThreadCount());
  w.Key("GOMAXPROCS");
  w.Int(static_cast<int64_t>(std::thread::hardware_concurrency()));
  w.Key("GOGC");
  w.String("");
  w.Key("GODEBUG");
  w.String("");
  w.Key("storageRetention");
  w.String(retention);
  w.EndObject();
  return ApiSuccess(w.Take());
}

Response HandleTsdbStatus(const AppState& app, const Request&) {
  tsdb::Db* db = app.db();
  tsdb::DbStats stats = db->Stats();
  // Distinct label pairs of the head's series.
  int64_t label_pairs = 0;
  if (stats.head_series > 0) {
    auto querier = db->NewQuerier(stats.head_min_time, stats.head_max_time);
    if (!querier.ok()) return ApiError(querier.status());
    auto names = (*querier)->LabelNames({});
    if (!names.ok()) return ApiError(names.status());
    for (const std::string& name : *names) {
      auto values = (*querier)->LabelValues(name, {});
      if (!values.ok()) return ApiError(values.status());
      label_pairs += static_cast<int64_t>(values->size());
    }
  }
  bool empty = stats.head_series == 0;
  JsonWriter w;
  w.BeginObject();
  w.Key("headStats");
  w.BeginObject();
  w.Key("numSeries");
  w.Int(static_cast<int64_t>(stats.head_series));
  w.Key("numLabelPairs");
  w.Int(label_pairs);
  w.Key("chunkCount");
  w.Int(static_cast<int64_t>(stats.head_chunks));
  // An empty head reports Go's int64 bounds, as Prometheus' does.
  w.Key("minTime");
  w.Int(empty ? INT64_MAX : stats.head_min_time);
  w.Key("maxTime");
  w.Int(empty ? INT64_MIN : stats.head_max_time);
  w.EndObject();
  WriteCounts(w, "seriesCountByMetricName", stats.series_count_by_metric_name);
  WriteCounts(w, "labelValueCountByLabelName", stats.label_value_count_by_label_name);
  WriteCounts(w, "memoryInBytesByLabelName", stats.memory_in_bytes_by_label_name);
  WriteCounts(w, "seriesCountByLabelValuePair", stats.series_count_by_label_value_pair);
  w.EndObject();
  return ApiSuccess(w.Take());
}

Response HandleWalReplay(const Request&) {
  return ApiSuccess(R"({"min":0,"max":0,"current":0})");
}

}  // namespace pharos::server
