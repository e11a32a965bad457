#include "server/router.h"

#include <gtest/gtest.h>

namespace pharos::server {
namespace {

Request MustRequest(std::string method, std::string_view target) {
  Result<Request> req = MakeRequest(std::move(method), target);
  EXPECT_TRUE(req.ok()) << req.status().ToString();
  return req.ok() ? *req : Request{};
}

Response Echo(const Request& req) {
  std::string body = req.method + " " + req.path;
  for (const auto& [k, v] : req.path_params) body += " " + k + "=" + v;
  return Response::Text(200, body);
}

TEST(Router, RoutesByMethodAndPath) {
  Router r;
  r.Handle("GET", "/a", Echo);
  r.Handle("POST", "/a", [](const Request&) { return Response::Text(201, "created"); });
  r.Handle("GET", "/a/b", Echo);
  EXPECT_EQ(r.Route(MustRequest("GET", "/a")).body, "GET /a");
  EXPECT_EQ(r.Route(MustRequest("POST", "/a")).status, 201);
  EXPECT_EQ(r.Route(MustRequest("GET", "/a/b?x=1")).body, "GET /a/b");
}

TEST(Router, UnknownPathIs404) {
  Router r;
  r.Handle("GET", "/a", Echo);
  for (const char* target : {"/", "/b", "/a/", "/a/b", "/ab", "/A"}) {
    Response res = r.Route(MustRequest("GET", target));
    EXPECT_EQ(res.status, 404) << target;
    EXPECT_EQ(res.body, "404 page not found\n");
    EXPECT_EQ(res.content_type, "text/plain; charset=utf-8");
  }
}

TEST(Router, WrongMethodIs405WithAllow) {
  Router r;
  r.Handle("GET", "/a", Echo);
  r.Handle("POST", "/a", Echo);
  for (const char* method : {"PUT", "DELETE", "PATCH", "OPTIONS"}) {
    Response res = r.Route(MustRequest(method, "/a"));
    EXPECT_EQ(res.status, 405) << method;
    EXPECT_EQ(res.body, "Method Not Allowed\n");
    EXPECT_EQ(res.Header("allow"), "GET, HEAD, POST");
  }
}

TEST(Router, HeadFallsBackToGet) {
  Router r;
  r.Handle("GET", "/a", Echo);
  Response res = r.Route(MustRequest("HEAD", "/a"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "HEAD /a");  // the HTTP layer drops the body
  r.Handle("HEAD", "/b", [](const Request&) { return Response::Text(204, ""); });
  EXPECT_EQ(r.Route(MustRequest("HEAD", "/b")).status, 204);
  EXPECT_EQ(r.Route(MustRequest("GET", "/b")).status, 405);
}

TEST(Router, PathParameters) {
  Router r;
  r.Handle("GET", "/api/v1/label/:name/values", Echo);
  r.Handle("GET", "/static/*file", Echo);
  EXPECT_EQ(r.Route(MustRequest("GET", "/api/v1/label/job/values")).body,
            "GET /api/v1/label/job/values name=job");
  EXPECT_EQ(r.Route(MustRequest("GET", "/api/v1/label/a%2Fb/values")).status, 404)
      << "a decoded slash splits the segment, as in Go's router";
  EXPECT_EQ(r.Route(MustRequest("GET", "/api/v1/label//values")).status, 404);
  EXPECT_EQ(r.Route(MustRequest("GET", "/api/v1/label/job")).status, 404);
  EXPECT_EQ(r.Route(MustRequest("GET", "/static/css/app.css")).body,
            "GET /static/css/app.css file=css/app.css");
  EXPECT_EQ(r.Route(MustRequest("GET", "/static/")).body, "GET /static/ file=");
}

}  // namespace
}  // namespace pharos::server
