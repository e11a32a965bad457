#include "rules/notifier/notifier.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/e2e/eventually.h"
#include "tests/rules/notifier/fake_alertmanager.h"

namespace pharos::rules::notifier {
namespace {

using namespace std::chrono_literals;
using e2e::Eventually;

Alert MakeAlert(const std::string& name, int i = 0) {
  Alert a;
  a.labels = tsdb::Labels{{"alertname", name}, {"i", std::to_string(i)}};
  a.annotations = tsdb::Labels{{"summary", "s" + std::to_string(i)}};
  a.starts_at_ms = 1700000000000;
  a.ends_at_ms = 1700000060000;
  a.generator_url = "http://prom/graph";
  return a;
}

size_t CountAlerts(const std::string& body) {
  size_t n = 0;
  for (size_t p = body.find("\"labels\""); p != std::string::npos; p = body.find("\"labels\"", p + 1)) ++n;
  return n;
}

// A port nothing listens on: bound, then closed.
std::string DeadAddress() {
  uint16_t port;
  {
    FakeAlertmanager f;
    port = f.port();
  }
  return "127.0.0.1:" + std::to_string(port);
}

TEST(Notifier, PostsToTheV2ApiWithLabelsAuthAndPrefix) {
  FakeAlertmanager am;
  NotifierOptions opts;
  opts.external_labels = tsdb::Labels{{"cluster", "eu1"}, {"i", "external-loses"}};
  opts.relabel = [](const tsdb::Labels& l) -> std::optional<tsdb::Labels> {
    if (l.Get("alertname") == "Dropped") return std::nullopt;
    return l.With("relabeled", "yes");
  };
  Notifier n(opts);
  AlertmanagerConfig c;
  c.addresses = {am.address()};
  c.path_prefix = "/am/";
  c.basic_auth_username = "user";
  c.basic_auth_password = "pass";
  n.SetAlertmanagers({c});
  EXPECT_EQ(n.AlertmanagerUrls(), std::vector<std::string>{"http://" + am.address() + "/am/api/v2/alerts"});

  n.Send({MakeAlert("A", 1), MakeAlert("Dropped", 2)});
  ASSERT_TRUE(am.WaitForRequests(1, 5s));
  const RecordedRequest r = am.Requests()[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/am/api/v2/alerts");
  EXPECT_NE(r.headers.find("content-type: application/json"), std::string::npos) << r.headers;
  EXPECT_NE(r.headers.find("authorization: basic dxnlcjpwyxnz"), std::string::npos) << r.headers;  // lower-cased
  EXPECT_EQ(r.body,
            R"([{"labels":{"alertname":"A","cluster":"eu1","i":"1","relabeled":"yes"},"annotations":{"summary":"s1"},)"
            R"("startsAt":"2023-11-14T22:13:20.000Z","endsAt":"2023-11-14T22:14:20.000Z","generatorURL":"http://prom/graph"}])");
  ASSERT_TRUE(Eventually([&] { return n.Stats().sent == 1; }, 5s));
  NotifierStats s = n.Stats();
  EXPECT_EQ(s.errors, 0u);
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_EQ(s.queue_capacity, 10000u);
  EXPECT_EQ(s.alertmanagers, 1u);
}

TEST(Notifier, BearerAuthorization) {
  FakeAlertmanager am;
  Notifier n(NotifierOptions{});
  AlertmanagerConfig c;
  c.addresses = {am.address()};
  c.authorization_credentials = "secret-token";
  n.SetAlertmanagers({c});
  n.Send({MakeAlert("A")});
  ASSERT_TRUE(am.WaitForRequests(1, 5s));
  EXPECT_NE(am.Requests()[0].headers.find("authorization: bearer secret-token"), std::string::npos);
}

TEST(Notifier, BatchesOf64ToEveryAlertmanager) {
  FakeAlertmanager am1, am2;
  Notifier n(NotifierOptions{});
  AlertmanagerConfig c;
  c.addresses = {am1.address(), am2.address()};
  n.SetAlertmanagers({c});
  std::vector<Alert> alerts;
  for (int i = 0; i < 100; ++i) alerts.push_back(MakeAlert("A", i));
  n.Send(alerts);
  ASSERT_TRUE(am1.WaitForRequests(2, 5s));
  ASSERT_TRUE(am2.WaitForRequests(2, 5s));
  for (const FakeAlertmanager* am : {&am1, &am2}) {
    auto reqs = am->Requests();
    EXPECT_EQ(CountAlerts(reqs[0].body), 64u);
    EXPECT_EQ(CountAlerts(reqs[1].body), 36u);
  }
  ASSERT_TRUE(Eventually([&] { return n.Stats().sent == 200; }, 5s));
  EXPECT_EQ(n.Stats().sent_by_url.size(), 2u);
}

TEST(Notifier, UnreachableAlertmanagerNeverBlocksAndDropsOldest) {
  NotifierOptions opts;
  opts.queue_capacity = 10;
  Notifier n(opts);
  AlertmanagerConfig c;
  c.addresses = {DeadAddress()};
  c.timeout = 500ms;
  n.SetAlertmanagers({c});
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 25; ++i) n.Send({MakeAlert("A", i)});
  EXPECT_LT(std::chrono::steady_clock::now() - start, 200ms);
  ASSERT_TRUE(Eventually([&] { return n.Stats().errors >= 1; }, 5s));
  NotifierStats s = n.Stats();
  EXPECT_EQ(s.queue_length, 10u);
  EXPECT_EQ(s.dropped, 15u);
  EXPECT_EQ(s.sent, 0u);
  // One batch larger than the whole queue keeps its newest alerts.
  std::vector<Alert> many;
  for (int i = 0; i < 15; ++i) many.push_back(MakeAlert("B", i));
  n.Send(many);
  s = n.Stats();
  EXPECT_EQ(s.queue_length, 10u);
  EXPECT_EQ(s.dropped, 30u);
}

TEST(Notifier, FailedBatchIsRetriedUntilAccepted) {
  FakeAlertmanager am;
  am.set_status(500);
  Notifier n(NotifierOptions{});
  AlertmanagerConfig c;
  c.addresses = {am.address()};
  n.SetAlertmanagers({c});
  n.Send({MakeAlert("A", 1)});
  ASSERT_TRUE(Eventually([&] { return n.Stats().errors >= 1; }, 5s));
  EXPECT_EQ(n.Stats().queue_length, 1u);
  am.set_status(200);
  ASSERT_TRUE(Eventually([&] { return n.Stats().sent == 1; }, 10s));
  EXPECT_EQ(n.Stats().queue_length, 0u);
  EXPECT_EQ(am.Requests().back().body, am.Requests().front().body);
}

TEST(Notifier, RequestTimeout) {
  FakeAlertmanager am;
  am.set_delay(1500ms);
  Notifier n(NotifierOptions{});
  AlertmanagerConfig c;
  c.addresses = {am.address()};
  c.timeout = 200ms;
  n.SetAlertmanagers({c});
  n.Send({MakeAlert("A")});
  ASSERT_TRUE(Eventually([&] { return n.Stats().errors >= 1; }, 1000ms));
}

TEST(Notifier, NoAlertmanagerDropsAndStopIsPrompt) {
  Notifier n(NotifierOptions{});
  n.Send({MakeAlert("A", 1), MakeAlert("A", 2)});
  ASSERT_TRUE(Eventually([&] { return n.Stats().dropped == 2; }, 5s));
  EXPECT_EQ(n.Stats().queue_length, 0u);

  FakeAlertmanager am;
  am.set_delay(1500ms);
  AlertmanagerConfig c;
  c.addresses = {am.address()};
  n.SetAlertmanagers({c});
  n.Send({MakeAlert("A", 3)});
  ASSERT_TRUE(am.WaitForRequests(1, 5s));
  const auto start = std::chrono::steady_clock::now();
  n.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1000ms);
}

}  // namespace
}  // namespace pharos::rules::notifier
