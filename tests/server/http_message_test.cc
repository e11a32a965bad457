#include "server/http_message.h"

#include <gtest/gtest.h>

namespace pharos::server {
namespace {

Request MustRequest(std::string method, std::string_view target) {
  Result<Request> req = MakeRequest(std::move(method), target);
  EXPECT_TRUE(req.ok()) << req.status().ToString();
  return req.ok() ? *req : Request{};
}

TEST(HttpMessage, MakeRequestSplitsAndDecodes) {
  Request req = MustRequest("GET", "/api/v1/query?query=up%7Bjob%3D%22a%22%7D&time=1+2&flag&=v");
  EXPECT_EQ(req.path, "/api/v1/query");
  EXPECT_EQ(req.raw_query, "query=up%7Bjob%3D%22a%22%7D&time=1+2&flag&=v");
  ASSERT_EQ(req.query.size(), 4u);
  EXPECT_EQ(req.QueryParam("query"), "up{job=\"a\"}");
  EXPECT_EQ(req.QueryParam("time"), "1 2");
  EXPECT_EQ(req.QueryParam("flag"), "");
  EXPECT_EQ(req.QueryParam(""), "v");
  EXPECT_FALSE(req.QueryParam("missing").has_value());
  EXPECT_EQ(MustRequest("GET", "/a%20b+c").path, "/a b+c");  // '+' is literal in paths
}

TEST(HttpMessage, BadInput) {
  EXPECT_FALSE(MakeRequest("GET", "").ok());
  EXPECT_FALSE(MakeRequest("GET", "http://example.com/").ok());
  EXPECT_FALSE(MakeRequest("GET", "/a%zz").ok());
  EXPECT_FALSE(MakeRequest("GET", "/a%2").ok());
  // A bad pair in the query is skipped, the others kept (Go's URL.Query()).
  Request req = MustRequest("GET", "/q?a=1&b=%zz&c=3");
  ASSERT_EQ(req.query.size(), 2u);
  EXPECT_EQ(req.QueryParam("c"), "3");
  EXPECT_FALSE(ParseQueryString("a=1&b=%zz").ok());
  EXPECT_FALSE(PercentDecode("%", true).ok());
  EXPECT_EQ(*PercentDecode("%41%62+", true), "Ab ");
}

TEST(HttpMessage, HeadersAreCaseInsensitive) {
  Request req = MustRequest("GET", "/");
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-A", "1"}};
  EXPECT_EQ(req.Header("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(req.Header("x-missing"), "");
  Response res;
  res.SetHeader("Cache-Control", "no-store");
  res.SetHeader("cache-control", "no-cache");
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.Header("CACHE-CONTROL"), "no-cache");
}

}  // namespace
}  // namespace pharos::server
