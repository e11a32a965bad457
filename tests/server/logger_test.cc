#include "server/logger.h"

#include <gtest/gtest.h>

#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace pharos::server {
namespace {

// 2026-11-23T16:50:35.123Z
constexpr int64_t kTs = 1795452635123;

// Collects lines written by a Logger.
struct Capture {
  std::mutex mu;
  std::vector<std::string> lines;

  Logger::Sink Sink() {
    return [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(mu);
      lines.emplace_back(line);
    };
  }
};

Logger::Clock FixedClock() {
  return [] { return kTs; };
}

TEST(Logger, FormatsLogfmtLikeGoKit) {
  Logger log(LogLevel::kInfo, LogFormat::kLogfmt, nullptr, nullptr);
  EXPECT_EQ(log.Format(kTs, LogLevel::kInfo, "main.cc:42",
                       "Server is ready to receive web requests.", {}),
            "ts=2026-11-23T16:50:35.123Z caller=main.cc:42 level=info "
            "msg=\"Server is ready to receive web requests.\"");
  EXPECT_EQ(log.Format(kTs, LogLevel::kWarn, "x.cc:1", "Listening",
                       {{"address", "127.0.0.1:9090"}, {"n", 42}, {"ok", true}, {"f", 0.5}}),
            "ts=2026-11-23T16:50:35.123Z caller=x.cc:1 level=warn msg=Listening "
            "address=127.0.0.1:9090 n=42 ok=true f=0.5");
}

TEST(Logger, QuotesValuesThatNeedIt) {
  auto value = [](std::string_view v) {
    std::string out;
    AppendLogfmtValue(out, v);
    return out;
  };
  EXPECT_EQ(value("plain"), "plain");
  EXPECT_EQ(value("/a/b:c,d"), "/a/b:c,d");
  EXPECT_EQ(value("two words"), "\"two words\"");
  EXPECT_EQ(value("a=b"), "\"a=b\"");
  EXPECT_EQ(value("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(value("back\\slash"), "back\\slash");  // no quoting needed, kept as is
  EXPECT_EQ(value("line\nbreak"), "\"line\\nbreak\"");
  EXPECT_EQ(value("tab\there"), "\"tab\\there\"");
  EXPECT_EQ(value(std::string_view("nul\0x", 5)), "\"nul\\u0000x\"");
  EXPECT_EQ(value(""), "\"\"");
  EXPECT_EQ(value("ünïcode"), "ünïcode");
}

TEST(Logger, FormatsJson) {
  Logger log(LogLevel::kInfo, LogFormat::kJson, nullptr, nullptr);
  EXPECT_EQ(log.Format(kTs, LogLevel::kError, "main.cc:7", "Opening storage failed",
                       {{"err", "IO_ERROR: \"x\" gone"}}),
            "{\"ts\":\"2026-11-23T16:50:35.123Z\",\"caller\":\"main.cc:7\",\"level\":\"error\","
            "\"msg\":\"Opening storage failed\",\"err\":\"IO_ERROR: \\\"x\\\" gone\"}");
}

TEST(Logger, FiltersByLevel) {
  Capture cap;
  Logger log(LogLevel::kWarn, LogFormat::kLogfmt, cap.Sink(), FixedClock());
  log.Debug("d");
  log.Info("i");
  log.Warn("w");
  log.Error("e");
  ASSERT_EQ(cap.lines.size(), 2u);
  EXPECT_NE(cap.lines[0].find("level=warn msg=w\n"), std::string::npos) << cap.lines[0];
  EXPECT_NE(cap.lines[1].find("level=error msg=e\n"), std::string::npos) << cap.lines[1];
  EXPECT_FALSE(log.Enabled(LogLevel::kInfo));
  EXPECT_TRUE(log.Enabled(LogLevel::kError));
}

TEST(Logger, ReportsTheCallerFileAndLine) {
  Capture cap;
  Logger log(LogLevel::kDebug, LogFormat::kLogfmt, cap.Sink(), FixedClock());
  int line = __LINE__ + 1;
  log.Info("here");
  ASSERT_EQ(cap.lines.size(), 1u);
  EXPECT_EQ(cap.lines[0], "ts=2026-11-23T16:50:35.123Z caller=logger_test.cc:" +
                              std::to_string(line) + " level=info msg=here\n");
}

TEST(Logger, WithAddsContextAfterMsg) {
  Capture cap;
  Logger log(LogLevel::kInfo, LogFormat::kLogfmt, cap.Sink(), FixedClock());
  Logger web = log.With({{"component", "web"}});
  web.Info("Listening on", {{"address", "127.0.0.1:9090"}});
  log.Info("plain");
  ASSERT_EQ(cap.lines.size(), 2u);
  EXPECT_NE(cap.lines[0].find("msg=\"Listening on\" component=web address=127.0.0.1:9090\n"),
            std::string::npos)
      << cap.lines[0];
  EXPECT_EQ(cap.lines[1].find("component"), std::string::npos);
}

TEST(Logger, StatusFields) {
  Logger log(LogLevel::kInfo, LogFormat::kLogfmt, nullptr, nullptr);
  EXPECT_EQ(log.Format(0, LogLevel::kError, "c:1", "m", {{"err", IOError("disk full")}}),
            "ts=1970-01-01T00:00:00.000Z caller=c:1 level=error msg=m err=\"IO_ERROR: disk full\"");
  EXPECT_EQ(log.Format(0, LogLevel::kInfo, "c:1", "m", {{"err", Status::Ok()}}),
            "ts=1970-01-01T00:00:00.000Z caller=c:1 level=info msg=m err=<nil>");
}

TEST(Logger, LinesDoNotInterleaveAcrossThreads) {
  std::string out;
  std::mutex out_mu;  // the logger serialises; this only guards the test's string
  Logger log(
      LogLevel::kInfo, LogFormat::kLogfmt,
      [&](std::string_view line) {
        std::lock_guard<std::mutex> lock(out_mu);
        // Written in two halves: an unserialised logger would interleave.
        out.append(line.substr(0, line.size() / 2));
        std::this_thread::yield();
        out.append(line.substr(line.size() / 2));
      },
      FixedClock());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&log, t] {
      Logger l = log.With({{"thread", t}});
      for (int i = 0; i < 200; ++i) l.Info("tick", {{"i", i}});
    });
  }
  for (auto& t : threads) t.join();
  std::regex line_re("ts=\\S+ caller=\\S+ level=info msg=tick thread=\\d i=\\d+");
  size_t count = 0;
  for (size_t start = 0, nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = out.substr(start, nl - start);
    EXPECT_TRUE(std::regex_match(line, line_re)) << line;
    ++count;
  }
  EXPECT_EQ(count, 800u);
}

TEST(Logger, ParsesLevelsAndFormats) {
  EXPECT_EQ(*ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(*ParseLogLevel("error"), LogLevel::kError);
  EXPECT_FALSE(ParseLogLevel("INFO").ok());
  EXPECT_FALSE(ParseLogLevel("").ok());
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_FALSE(ParseLogFormat("text").ok());
}

TEST(FormatTimestamp, Utc) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(kTs), "2026-11-23T16:50:35.123Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace pharos::server
