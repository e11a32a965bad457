#include "server/router.h"

#include <cassert>

namespace pharos::server {
namespace {

// Splits "/a/b/c" into {"a", "b", "c"}; "/" into {""}.
std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> parts;
  path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

}  // namespace

void Router::Handle(std::string method, std::string_view pattern, Handler handler, Lane lane) {
  assert(!pattern.empty() && pattern[0] == '/');
  Entry entry{std::move(method), std::string(pattern), {}, std::move(handler), lane};
  for (std::string_view s : Split(pattern)) entry.segments.emplace_back(s);
  routes_.push_back(std::move(entry));
}

bool Router::Match(const Entry& route, std::string_view path, HttpFields* params) {
  if (path.empty() || path[0] != '/') return false;
  params->clear();
  std::string_view rest = path.substr(1);
  for (size_t i = 0; i < route.segments.size(); ++i) {
    const std::string& seg = route.segments[i];
    if (!seg.empty() && seg[0] == '*') {
      params->emplace_back(seg.substr(1), std::string(rest));
      return true;
    }
    size_t slash = rest.find('/');
    bool last = i + 1 == route.segments.size();
    // The last pattern segment must consume the rest; others need a '/'.
    if (last != (slash == std::string_view::npos)) return false;
    std::string_view part = rest.substr(0, slash);
    if (!seg.empty() && seg[0] == ':') {
      if (part.empty()) return false;
      params->emplace_back(seg.substr(1), std::string(part));
    } else if (part != seg) {
      return false;
    }
    if (!last) rest.remove_prefix(slash + 1);
  }
  return true;
}

Lane Router::LaneFor(std::string_view method, std::string_view path) const {
  HttpFields params;
  const Entry* get_fallback = nullptr;
  for (const Entry& route : routes_) {
    if (!Match(route, path, &params)) continue;
    if (route.method == method) return route.lane;
    if (method == "HEAD" && route.method == "GET" && get_fallback == nullptr) get_fallback = &route;
  }
  return get_fallback != nullptr ? get_fallback->lane : Lane::kFast;
}

Response Router::Run(const Entry& route, const Request& request) const {
  if (!observer_) return route.handler(request);
  auto start = std::chrono::steady_clock::now();
  Response res = route.handler(request);
  observer_(route.pattern, res, std::chrono::steady_clock::now() - start);
  return res;
}

Response Router::Route(Request request) const {
  HttpFields params;
  const Entry* get_fallback = nullptr;
  HttpFields get_params;
  std::string allow;
  for (const Entry& route : routes_) {
    if (!Match(route, request.path, &params)) continue;
    if (route.method == request.method) {
      request.path_params = std::move(params);
      return Run(route, request);
    }
    if (request.method == "HEAD" && route.method == "GET" && get_fallback == nullptr) {
      get_fallback = &route;
      get_params = params;
    }
    if (allow.find(route.method) == std::string::npos) {
      allow += (allow.empty() ? "" : ", ") + route.method;
      if (route.method == "GET" && allow.find("HEAD") == std::string::npos) allow += ", HEAD";
    }
  }
  if (get_fallback != nullptr) {
    request.path_params = std::move(get_params);
    return Run(*get_fallback, request);
  }
  if (!allow.empty()) {
    Response res = Response::Text(405, "Method Not Allowed\n");
    res.SetHeader("Allow", allow);
    return res;
  }
  return Response::Text(404, "404 page not found\n");
}

}  // namespace pharos::server
