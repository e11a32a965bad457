// Request and Response: the HTTP messages handlers see, free of any network
// library so handlers are plain functions testable without sockets.
//
//   ASSIGN_OR_RETURN(Request req, MakeRequest("GET", "/api/v1/query?query=up"));
//   req.QueryParam("query");   // "up"
//   Response res = Response::Text(200, "ok\n");
//
// Thread-safety: values; distinct objects may be used from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tsdb/status.h"

namespace pharos::server {

using HttpFields = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;      // "GET", "HEAD", "POST", ... as received
  std::string target;      // the raw request-target: "/api/v1/query?query=up"
  std::string path;        // the percent-decoded path: "/api/v1/query"
  std::string raw_query;   // after '?', still encoded
  HttpFields query;        // decoded query parameters, in order
  HttpFields path_params;  // filled by the Router from ":name" segments
  HttpFields headers;      // as received; names compare case-insensitively
  std::string body;
  std::string remote_address;  // "127.0.0.1:53422"; empty when not from a socket

  // Set by the HTTP server: turns true when the client hangs up (EOF or a
  // reset on its connection) before the answer is written, as Go cancels a
  // request's context. A long handler passes it on (promql::QueryOptions::
  // cancel) so the work stops. Null when not from a socket.
  std::shared_ptr<const std::atomic<bool>> client_gone;
  // Seconds the request waited for a handler thread of its lane, set by the
  // HTTP server (Prometheus' execQueueTime). 0 when not from a socket.
  double queue_seconds = 0;

  // The first header named `name` (any case), or "" when absent.
  std::string_view Header(std::string_view name) const;
  // The first query parameter `name`, or nullopt when absent.
  std::optional<std::string_view> QueryParam(std::string_view name) const;
  // The path parameter `name`, or "" when the route has none.
  std::string_view PathParam(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  HttpFields headers;  // besides Content-Type and Content-Length
  std::string body;

  // A response with `status` and a plain-text `body`.
  static Response Text(int status, std::string body);

  // Replaces any header named `name` (any case) with `value`.
  void SetHeader(std::string_view name, std::string value);
  // The first header named `name`, or "" when absent.
  std::string_view Header(std::string_view name) const;
};

// Builds a Request from a method and an origin-form target ("/path?query").
// Errors (kInvalidArgument): a target not starting with '/', and bad percent
// escapes in the path.
Result<Request> MakeRequest(std::string method, std::string_view target);

// Decodes "%41" escapes; when `plus_as_space`, '+' becomes ' ' (form and
// query encoding). Errors: a '%' not followed by two hex digits.
Result<std::string> PercentDecode(std::string_view text, bool plus_as_space);

// Parses "a=1&b=x%20y" (also form bodies). Errors on a bad escape, like Go's
// url.ParseQuery; empty pieces ("a=1&&b=2") are skipped.
Result<HttpFields> ParseQueryString(std::string_view text);

// Case-insensitive ASCII comparison, as header names compare.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace pharos::server
