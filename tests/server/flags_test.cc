#include "server/flags.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pharos::server {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

Flags MustParse(const std::vector<std::string>& args) {
  Result<Flags> flags = ParseFlags(args);
  EXPECT_TRUE(flags.ok()) << flags.status().ToString();
  return flags.ok() ? *flags : Flags{};
}

std::string ParseError(const std::vector<std::string>& args) {
  Result<Flags> flags = ParseFlags(args);
  EXPECT_FALSE(flags.ok());
  if (flags.ok()) return "";
  EXPECT_EQ(flags.status().code(), StatusCode::kInvalidArgument);
  return flags.status().message();
}

TEST(Flags, Defaults) {
  Flags f = MustParse({});
  EXPECT_EQ(f.config_file, "pharos.yml");
  EXPECT_EQ(f.storage_path, "data/");
  EXPECT_EQ(f.retention_time_ms, 30 * kDayMs);
  EXPECT_EQ(f.retention_size_bytes, 0u);
  EXPECT_FALSE(f.wal_fsync);
  EXPECT_EQ(f.listen_address, "0.0.0.0:9090");
  EXPECT_EQ(f.log_level, LogLevel::kInfo);
  EXPECT_EQ(f.log_format, LogFormat::kLogfmt);
  EXPECT_FALSE(f.help);
  EXPECT_FALSE(f.version);
}

TEST(Flags, EqualsAndSpaceForms) {
  Flags f =
      MustParse({"--config.file=/etc/pharos/pharos.yml", "--storage.tsdb.path", "/data",
                 "--storage.tsdb.retention.time=15d12h", "--storage.tsdb.retention.size", "512MB",
                 "--web.listen-address=127.0.0.1:0", "--log.level=debug", "--log.format", "json"});
  EXPECT_EQ(f.config_file, "/etc/pharos/pharos.yml");
  EXPECT_EQ(f.storage_path, "/data");
  EXPECT_EQ(f.retention_time_ms, 15 * kDayMs + 12 * 3600 * 1000);
  EXPECT_EQ(f.retention_size_bytes, 512ULL << 20);
  EXPECT_EQ(f.listen_address, "127.0.0.1:0");
  EXPECT_EQ(f.log_level, LogLevel::kDebug);
  EXPECT_EQ(f.log_format, LogFormat::kJson);
}

TEST(Flags, BooleanForms) {
  EXPECT_TRUE(MustParse({"--storage.tsdb.wal-fsync"}).wal_fsync);
  EXPECT_TRUE(MustParse({"--storage.tsdb.wal-fsync=true"}).wal_fsync);
  EXPECT_FALSE(MustParse({"--storage.tsdb.wal-fsync=false"}).wal_fsync);
  EXPECT_FALSE(MustParse({"--storage.tsdb.wal-fsync", "--no-storage.tsdb.wal-fsync"}).wal_fsync);
  EXPECT_TRUE(MustParse({"--help"}).help);
  EXPECT_TRUE(MustParse({"-h"}).help);
  EXPECT_TRUE(MustParse({"--version"}).version);
  // A boolean does not swallow the next argument.
  Flags f = MustParse({"--storage.tsdb.wal-fsync", "--storage.tsdb.path=x"});
  EXPECT_TRUE(f.wal_fsync);
  EXPECT_EQ(f.storage_path, "x");
}

TEST(Flags, LastValueWins) {
  EXPECT_EQ(MustParse({"--storage.tsdb.path=a", "--storage.tsdb.path=b"}).storage_path, "b");
}

TEST(Flags, EmptyStringValueIsAllowed) { EXPECT_EQ(MustParse({"--config.file="}).config_file, ""); }

TEST(Flags, RejectsUnknownFlags) {
  EXPECT_EQ(ParseError({"--foo"}), "unknown flag --foo");
  EXPECT_EQ(ParseError({"--foo=bar"}), "unknown flag --foo");
  EXPECT_EQ(ParseError({"--no-storage.tsdb.path"}), "unknown flag --no-storage.tsdb.path");
  EXPECT_EQ(ParseError({"--no-storage.tsdb.wal-fsync=true"}),
            "unknown flag --no-storage.tsdb.wal-fsync");
  EXPECT_NE(ParseError({"-x"}).find("unknown short flag"), std::string::npos);
  EXPECT_NE(ParseError({"--"}).find("unknown short flag"), std::string::npos);
  EXPECT_NE(ParseError({"serve"}).find("unexpected argument \"serve\""), std::string::npos);
}

TEST(Flags, RejectsMissingValue) {
  EXPECT_EQ(ParseError({"--storage.tsdb.path"}), "expected a value for flag --storage.tsdb.path");
}

TEST(Flags, RejectsBadDurations) {
  EXPECT_EQ(ParseError({"--storage.tsdb.retention.time=3x"}),
            "invalid value \"3x\" for flag --storage.tsdb.retention.time: not a valid duration "
            "string: \"3x\"");
  EXPECT_EQ(ParseError({"--storage.tsdb.retention.time="}),
            "invalid value \"\" for flag --storage.tsdb.retention.time: empty duration string");
  EXPECT_NE(ParseError({"--storage.tsdb.retention.time=1000y"}).find("out of range"),
            std::string::npos);
  EXPECT_NE(ParseError({"--storage.tsdb.retention.time", "-1d"}).find("not a valid duration"),
            std::string::npos);
}

TEST(Flags, RejectsBadSizes) {
  EXPECT_NE(ParseError({"--storage.tsdb.retention.size=100"}).find("missing unit"),
            std::string::npos);
  EXPECT_NE(ParseError({"--storage.tsdb.retention.size=10XB"}).find("unknown unit"),
            std::string::npos);
  EXPECT_NE(ParseError({"--storage.tsdb.retention.size=16EB"}).find("too large"),
            std::string::npos);
  EXPECT_FALSE(ParseFlags({"--storage.tsdb.retention.size="}).ok());
}

TEST(Flags, RejectsBadBoolsAndEnums) {
  EXPECT_NE(ParseError({"--storage.tsdb.wal-fsync=yes"}).find("expected true or false"),
            std::string::npos);
  EXPECT_NE(ParseError({"--log.level=verbose"}).find("unrecognized log level"), std::string::npos);
  EXPECT_NE(ParseError({"--log.format=xml"}).find("unrecognized log format"), std::string::npos);
}

TEST(Flags, HelpListsEveryFlagWithDefaults) {
  std::string help = FlagsHelp();
  EXPECT_EQ(help.rfind("usage: pharos [<flags>]\n", 0), 0u) << help;
  for (const char* text :
       {"-h, --help", "--version", "--config.file=\"pharos.yml\"", "--storage.tsdb.path=\"data/\"",
        "--storage.tsdb.retention.time=\"30d\"", "--storage.tsdb.retention.size=\"0B\"",
        "--[no-]storage.tsdb.wal-fsync", "--web.listen-address=\"0.0.0.0:9090\"",
        "--log.level=\"info\"", "--log.format=\"logfmt\"", "power loss", "pharos tsdb bench"}) {
    EXPECT_NE(help.find(text), std::string::npos) << text << "\n" << help;
  }
  for (size_t start = 0, nl; (nl = help.find('\n', start)) != std::string::npos; start = nl + 1) {
    EXPECT_LE(nl - start, 100u) << help.substr(start, nl - start);
  }
}

TEST(Flags, ValuesReportCurrentSettings) {
  Flags f = MustParse({"--storage.tsdb.retention.time=1y", "--storage.tsdb.wal-fsync"});
  auto values = FlagValues(f);
  auto find = [&](const std::string& name) {
    for (const auto& [k, v] : values) {
      if (k == name) return v;
    }
    return std::string("<missing>");
  };
  EXPECT_EQ(find("storage.tsdb.retention.time"), "1y");
  EXPECT_EQ(find("storage.tsdb.wal-fsync"), "true");
  EXPECT_EQ(find("storage.tsdb.retention.size"), "0B");
  EXPECT_EQ(find("log.level"), "info");
}

TEST(Flags, MapOntoDbOptions) {
  Flags f = MustParse({"--storage.tsdb.path=/var/lib/pharos", "--storage.tsdb.retention.time=15d",
                       "--storage.tsdb.retention.size=1GB", "--storage.tsdb.wal-fsync"});
  tsdb::DbOptions o = ToDbOptions(f);
  EXPECT_EQ(o.path, "/var/lib/pharos");
  EXPECT_EQ(o.retention_ms, 15 * kDayMs);
  EXPECT_EQ(o.retention_bytes, 1ULL << 30);
  EXPECT_TRUE(o.wal_fsync);
  // Everything else keeps the storage defaults.
  tsdb::DbOptions defaults;
  EXPECT_EQ(o.partition_ms, defaults.partition_ms);
  EXPECT_EQ(o.max_samples_per_chunk, defaults.max_samples_per_chunk);
  EXPECT_EQ(o.background, defaults.background);
}

TEST(Flags, ZeroRetentionFallsBackLikePrometheus) {
  // Neither limit set: the time limit falls back to the default.
  EXPECT_EQ(ToDbOptions(MustParse({"--storage.tsdb.retention.time=0s"})).retention_ms, 30 * kDayMs);
  // A size limit alone is respected: no time limit.
  tsdb::DbOptions o = ToDbOptions(
      MustParse({"--storage.tsdb.retention.time=0s", "--storage.tsdb.retention.size=10GB"}));
  EXPECT_EQ(o.retention_ms, 0);
  EXPECT_EQ(o.retention_bytes, 10ULL << 30);
  // Capped at 100 years.
  EXPECT_EQ(ToDbOptions(MustParse({"--storage.tsdb.retention.time=200y"})).retention_ms,
            kMaxRetentionMs);
}

}  // namespace
}  // namespace pharos::server
