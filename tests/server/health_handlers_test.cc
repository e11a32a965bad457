#include "server/health_handlers.h"

#include <gtest/gtest.h>

#include <atomic>

namespace pharos::server {
namespace {

Request MustRequest(std::string method, std::string_view target) {
  Result<Request> req = MakeRequest(std::move(method), target);
  EXPECT_TRUE(req.ok()) << req.status().ToString();
  return req.ok() ? *req : Request{};
}

TEST(HealthHandlers, HealthyAndReady) {
  std::atomic<bool> ready{false};
  Router r;
  RegisterHealthHandlers(r, ready);

  Response healthy = r.Route(MustRequest("GET", "/-/healthy"));
  EXPECT_EQ(healthy.status, 200);
  EXPECT_EQ(healthy.body, "Pharos is Healthy.\n");

  Response not_ready = r.Route(MustRequest("GET", "/-/ready"));
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_EQ(not_ready.body, "Service Unavailable");

  ready = true;
  Response is_ready = r.Route(MustRequest("GET", "/-/ready"));
  EXPECT_EQ(is_ready.status, 200);
  EXPECT_EQ(is_ready.body, "Pharos is Ready.\n");

  EXPECT_EQ(r.Route(MustRequest("HEAD", "/-/healthy")).status, 200);
  EXPECT_EQ(r.Route(MustRequest("HEAD", "/-/ready")).status, 200);
  Response post = r.Route(MustRequest("POST", "/-/healthy"));
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.Header("Allow"), "GET, HEAD");
  EXPECT_EQ(r.Route(MustRequest("GET", "/-/unknown")).status, 404);
}

}  // namespace
}  // namespace pharos::server
