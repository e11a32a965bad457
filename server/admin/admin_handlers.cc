#include "server/admin/admin_handlers.h"

#include <ctime>
#include <filesystem>
#include <random>
#include <vector>

#include "promql/parser.h"
#include "server/api/api_errors.h"
#include "server/api/api_json.h"
#include "server/api/api_params.h"

namespace pharos::server {
namespace {

Response Disabled() {
  Response res = Response::Text(
      500, R"({"status":"error","errorType":"unavailable","error":"admin APIs disabled"})");
  res.content_type = "application/json";
  return res;
}

Response NoContent() {
  Response res;
  res.status = 204;
  res.content_type.clear();
  return res;
}

// Go's strconv.ParseBool.
Result<bool> ParseGoBool(std::string_view s) {
  for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (s == t) return true;
  }
  for (std::string_view f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (s == f) return false;
  }
  return InvalidArgumentError("unable to parse boolean: strconv.ParseBool: parsing \"" +
                              std::string(s) + "\": invalid syntax");
}

// "20231123T204512Z-0123456789abcdef".
std::string SnapshotName() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char time_part[32];
  std::strftime(time_part, sizeof time_part, "%Y%m%dT%H%M%SZ", &tm);
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  uint64_t r = gen() & 0x7fffffffffffffffULL;  // Go's rand.Int63
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(r));
  return std::string(time_part) + "-" + hex;
}

}  // namespace

Response HandleDeleteSeries(tsdb::Db& db, const AdminOptions& options, const Request& request) {
  if (!options.enabled) return Disabled();
  FormValues form(request);
  std::vector<std::string> selectors = form.All("match[]");
  if (selectors.empty()) return ApiError(InvalidArgumentError("no match[] parameter provided"));
  Result<int64_t> start = ParseTimeParam(form, "start", kApiMinTimeMs);
  if (!start.ok()) return InvalidParamError("start", start.status());
  Result<int64_t> end = ParseTimeParam(form, "end", kApiMaxTimeMs);
  if (!end.ok()) return InvalidParamError("end", end.status());
  for (const std::string& s : selectors) {
    Result<std::vector<tsdb::Matcher>> matchers = promql::ParseMetricSelector(s);
    if (!matchers.ok()) return InvalidParamError("match[]", matchers.status());
    if (Status st = db.DeleteSeries(*matchers, *start, *end); !st.ok()) {
      return ApiError(InternalError(st.message()));
    }
  }
  return NoContent();
}

Response HandleCleanTombstones(tsdb::Db& db, const AdminOptions& options, const Request&) {
  if (!options.enabled) return Disabled();
  if (Status st = db.Compact(); !st.ok()) return ApiError(InternalError(st.message()));
  return NoContent();
}

Response HandleSnapshot(tsdb::Db& db, const AdminOptions& options, const Request& request) {
  if (!options.enabled) return Disabled();
  FormValues form(request);
  bool skip_head = false;
  if (std::string_view skip = form.Get("skip_head"); !skip.empty()) {
    Result<bool> b = ParseGoBool(skip);
    if (!b.ok()) return InvalidParamError("skip_head", b.status());
    skip_head = *b;
  }
  const std::string name = SnapshotName();
  const std::filesystem::path snapdir = std::filesystem::path(options.data_dir) / "snapshots";
  std::error_code ec;
  std::filesystem::create_directories(snapdir, ec);
  if (ec) return ApiError(InternalError("create snapshot directory: " + ec.message()));
  const std::string dir = (snapdir / name).string();
  if (Status st = skip_head ? db.SnapshotPersisted(dir) : db.Snapshot(dir); !st.ok()) {
    return ApiError(InternalError("create snapshot: " + st.message()));
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("name");
  w.String(name);
  w.EndObject();
  return ApiSuccess(w.Take());
}

void RegisterAdminHandlers(Router& router, AppState& app, AdminOptions options) {
  using Fn = Response (*)(tsdb::Db&, const AdminOptions&, const Request&);
  auto add = [&](std::string_view path, Fn fn) {
    Router::Handler h = WhenReady(app, [&app, options, fn](const Request& r) {
      return fn(*app.db(), options, r);
    });
    router.Handle("POST", path, h);
    router.Handle("PUT", path, h);
  };
  add("/api/v1/admin/tsdb/delete_series", HandleDeleteSeries);
  add("/api/v1/admin/tsdb/clean_tombstones", HandleCleanTombstones);
  add("/api/v1/admin/tsdb/snapshot", HandleSnapshot);
}

}  // namespace pharos::server
