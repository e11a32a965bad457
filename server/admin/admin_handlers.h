// The TSDB admin API, as Prometheus 2.42 serves it under /api/v1/admin/tsdb
// (POST or PUT):
//
//   delete_series     match[]=<selector>..., optional start and end
//                     (default: all time). Deletes the matching samples;
//                     204. No match[]: 400 "no match[] parameter provided".
//   clean_tombstones  Compacts storage so deleted data leaves the disk; 204.
//   snapshot          Copies the database to <data dir>/snapshots/<name>,
//                     name = "<UTC time as 20060102T150405Z>-<16 hex digits>";
//                     200 {"status":"success","data":{"name":"<name>"}}.
//                     `skip_head` (a Go bool, as Prometheus parses it):
//                     true leaves out the head — samples of partitions not
//                     yet closed (tsdb::Db::SnapshotPersisted) — as
//                     Prometheus leaves out what is not yet in a block.
//
// Without --web.enable-admin-api each answers 500 (Prometheus 2.42's code,
// despite the error type)
// {"status":"error","errorType":"unavailable","error":"admin APIs disabled"}.
// Errors otherwise use the API's table (server/api/api_errors.h).
//
// Thread-safety: pure functions of their arguments.
#pragma once

#include <string>

#include "server/app_state.h"
#include "server/http_message.h"
#include "server/router.h"
#include "tsdb/db.h"

namespace pharos::server {

struct AdminOptions {
  // --web.enable-admin-api. Default: false.
  bool enabled = false;
  // --storage.tsdb.path: snapshots go to <data_dir>/snapshots.
  std::string data_dir;
};

Response HandleDeleteSeries(tsdb::Db& db, const AdminOptions& options, const Request& request);
Response HandleCleanTombstones(tsdb::Db& db, const AdminOptions& options, const Request& request);
Response HandleSnapshot(tsdb::Db& db, const AdminOptions& options, const Request& request);

// Registers the three endpoints for POST and PUT, answering 503 until the
// server is ready. REQUIRES: `app` outlives the router.
void RegisterAdminHandlers(Router& router, AppState& app, AdminOptions options);

}  // namespace pharos::server
