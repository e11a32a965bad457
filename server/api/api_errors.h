// The one table from a Status to Prometheus' API error types and HTTP codes,
// and the JSON envelopes every /api/v1 answer is wrapped in:
//
//   {"status":"success","data":<data>[,"warnings":[...]]}
//   {"status":"error","errorType":"bad_data","error":"<message>"}
//
//   kInvalidArgument                          400 bad_data
//   kFailedPrecondition, kResourceExhausted   422 execution
//   kCancelled                                499 canceled
//   kDeadlineExceeded                         503 timeout
//   kNotFound                                 404 not_found
//   anything else                             500 internal
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "server/http_message.h"
#include "tsdb/status.h"

namespace pharos::server {

struct ApiErrorKind {
  int http_status;
  std::string_view type;  // "bad_data", "execution", ...
};

// The row of the table for `code` (REQUIRES: not kOk).
ApiErrorKind ApiErrorKindFor(StatusCode code);

// 200 with the success envelope around `data_json` (already JSON).
Response ApiSuccess(std::string_view data_json, const std::vector<std::string>& warnings = {});

// The error envelope for a failed `status`, with its code's HTTP status.
Response ApiError(const Status& status, const std::vector<std::string>& warnings = {});

// A bad_data error for a parameter: `invalid parameter "<name>": <message>`.
Response InvalidParamError(std::string_view name, const Status& status);

}  // namespace pharos::server
