// Router: maps a request's method and path to a handler.
//
//   Router router;
//   router.Handle("GET", "/-/healthy", [](const Request&) {
//     return Response::Text(200, "Pharos is Healthy.\n");
//   });
//   router.Handle("GET", "/api/v1/label/:name/values", LabelValues);
//   Response res = router.Route(std::move(request));
//
// Patterns are paths whose segments are literal, ":name" (one segment,
// available as request.PathParam("name")) or, last, "*name" (the rest of the
// path, possibly empty). Routes are tried in registration order.
//
// Like Prometheus' router: HEAD is served by the GET handler when no HEAD
// handler is registered (the HTTP layer drops the body); a known path with an
// unregistered method gets 405 "Method Not Allowed" with an Allow header; any
// other path gets 404 "404 page not found".
//
// Each route runs on a lane: kFast for cheap handlers, kQuery for handlers
// that may take long (PromQL evaluation). The HTTP server runs kQuery
// handlers on a separate, bounded pool so they never hold up health checks
// and other cheap requests.
//
// An observer set with SetObserver() sees every request a route answered,
// with the route's pattern ("/api/v1/label/:name/values"), the response and
// the handler's run time: the server's request metrics hang off it.
//
// Thread-safety: register every route (and the observer) before the first
// Route(); after that, Route() and LaneFor() may be called concurrently.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_message.h"

namespace pharos::server {

enum class Lane { kFast, kQuery };

class Router {
 public:
  using Handler = std::function<Response(const Request&)>;
  using Observer = std::function<void(std::string_view pattern, const Response& response,
                                      std::chrono::steady_clock::duration elapsed)>;

  // Registers `handler` for `method` ("GET", "POST", ...) on `pattern`.
  // REQUIRES: `pattern` starts with '/'.
  void Handle(std::string method, std::string_view pattern, Handler handler,
              Lane lane = Lane::kFast);

  // The lane of the route Route() would run for `method` and `path`;
  // kFast when none matches.
  Lane LaneFor(std::string_view method, std::string_view path) const;

  // Runs the matching handler, or answers 404/405 itself.
  Response Route(Request request) const;

  // Called after each handler returns (not for 404/405 answers). Must be
  // thread-safe.
  void SetObserver(Observer observer) { observer_ = std::move(observer); }

 private:
  struct Entry {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // pattern split on '/'
    Handler handler;
    Lane lane = Lane::kFast;
  };

  // True when `path` matches `route`; fills `params` from ":" and "*"
  // segments.
  static bool Match(const Entry& route, std::string_view path, HttpFields* params);

  // Runs `route`'s handler and tells the observer.
  Response Run(const Entry& route, const Request& request) const;

  std::vector<Entry> routes_;
  Observer observer_;
};

}  // namespace pharos::server
