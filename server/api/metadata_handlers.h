// The series and label endpoints of /api/v1, as Prometheus 2.42 answers
// them, over any tsdb::Queryable:
//
//   GET|POST /api/v1/series              match[] (required), start, end, limit
//   GET|POST /api/v1/labels              match[], start, end, limit
//   GET      /api/v1/label/:name/values  match[], start, end, limit
//
// start and end default to all time; `name` may be written U__-escaped
// (Prometheus 3's path escaping: "U__a_2e_b" is "a.b") and must then be a
// valid label name. `limit` keeps the first N answers.
//
// Thread-safety: handlers may run concurrently.
#pragma once

#include <string>
#include <string_view>

#include "server/http_message.h"
#include "tsdb/storage.h"

namespace pharos::server {

Response HandleSeries(tsdb::Queryable& storage, const Request& req);
Response HandleLabelNames(tsdb::Queryable& storage, const Request& req);
Response HandleLabelValues(tsdb::Queryable& storage, const Request& req);

// Decodes a "U__"-escaped label name; other names come back unchanged, and
// so do escaped ones that do not decode.
std::string UnescapeLabelName(std::string_view name);

}  // namespace pharos::server
