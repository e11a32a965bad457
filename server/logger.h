// Logger: structured log lines in the format Prometheus prints.
//
//   Logger log(LogLevel::kInfo, LogFormat::kLogfmt);
//   log.Info("Listening on", {{"address", "127.0.0.1:9090"}});
//   // ts=2026-11-23T16:50:35.123Z caller=main.cc:42 level=info
//   //   msg="Listening on" address=127.0.0.1:9090
//
//   Logger web = log.With({{"component", "web"}});  // adds fields to every line
//
// logfmt follows go-kit/go-logfmt: a value is written bare unless it is
// empty or holds a space, a control character, '=' or '"'; then it is
// double-quoted with Go-style escapes. The JSON format writes one object per
// line with the same keys in the same order.
//
// Thread-safety: all methods may be called from any thread. A line is
// written with one call to the sink under a mutex shared by a logger and
// every logger derived from it with With(), so lines never interleave.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/status.h"

namespace pharos::server {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
enum class LogFormat { kLogfmt, kJson };

// "debug", "info", "warn", "error" <-> LogLevel. Parse errors are
// kInvalidArgument.
std::string_view LogLevelName(LogLevel level);
Result<LogLevel> ParseLogLevel(std::string_view name);
// "logfmt", "json" <-> LogFormat.
std::string_view LogFormatName(LogFormat format);
Result<LogFormat> ParseLogFormat(std::string_view name);

// One key=value pair of a log line. Values of any common type convert
// implicitly: {"address", addr}, {"series", 1000}, {"fsync", true}.
struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v) {}
  LogField(std::string_view k, bool v) : key(k), value(v ? "true" : "false") {}
  LogField(std::string_view k, double v);
  template <std::integral T>
  LogField(std::string_view k, T v) : key(k), value(std::to_string(v)) {}
  // The status' message, or "<nil>" when OK (as Go prints a nil error).
  LogField(std::string_view k, const Status& s) : key(k), value(s.ok() ? "<nil>" : s.ToString()) {}

  std::string key;
  std::string value;
};

using LogFields = std::initializer_list<LogField>;

class Logger {
 public:
  // Receives one complete line, newline included.
  using Sink = std::function<void(std::string_view line)>;
  // Milliseconds since the Unix epoch, for the ts field.
  using Clock = std::function<int64_t()>;

  // Writes lines at `level` and above to stderr.
  Logger(LogLevel level, LogFormat format);
  // Writes to `sink` with timestamps from `clock` (both may be empty for the
  // defaults: stderr, the system clock). For tests.
  Logger(LogLevel level, LogFormat format, Sink sink, Clock clock);

  // A logger writing to the same place with `fields` added after msg on
  // every line (go-kit's log.With).
  Logger With(LogFields fields) const;

  bool Enabled(LogLevel level) const { return level >= level_; }

  void Log(LogLevel level, std::string_view msg, LogFields fields = {},
           std::source_location where = std::source_location::current()) const;

  void Debug(std::string_view msg, LogFields fields = {},
             std::source_location where = std::source_location::current()) const {
    Log(LogLevel::kDebug, msg, fields, where);
  }
  void Info(std::string_view msg, LogFields fields = {},
            std::source_location where = std::source_location::current()) const {
    Log(LogLevel::kInfo, msg, fields, where);
  }
  void Warn(std::string_view msg, LogFields fields = {},
            std::source_location where = std::source_location::current()) const {
    Log(LogLevel::kWarn, msg, fields, where);
  }
  void Error(std::string_view msg, LogFields fields = {},
             std::source_location where = std::source_location::current()) const {
    Log(LogLevel::kError, msg, fields, where);
  }

  // The line Log() would write, without the trailing newline. Exposed for
  // tests; `ts_ms` is the timestamp to print.
  std::string Format(int64_t ts_ms, LogLevel level, std::string_view caller, std::string_view msg,
                     LogFields fields) const;

 private:
  struct Output;  // sink + clock + the mutex serialising lines

  Logger(LogLevel level, LogFormat format, std::shared_ptr<Output> out,
         std::vector<LogField> context);

  LogLevel level_;
  LogFormat format_;
  std::shared_ptr<Output> out_;
  std::vector<LogField> context_;  // from With()
};

// Appends `value` to `out` as a logfmt value: bare or quoted (see above).
void AppendLogfmtValue(std::string& out, std::string_view value);

// Appends `value` to `out` as a JSON string, quotes included.
void AppendJsonString(std::string& out, std::string_view value);

// Formats ms since the epoch as "2026-11-23T16:50:35.123Z" (UTC).
std::string FormatTimestamp(int64_t ms);

}  // namespace pharos::server
