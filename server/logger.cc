#include "server/logger.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace pharos::server {

struct Logger::Output {
  Sink sink;
  Clock clock;
  std::mutex mu;  // serialises calls to sink
};

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "unknown";
}

Result<LogLevel> ParseLogLevel(std::string_view name) {
  for (LogLevel l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (LogLevelName(l) == name) return l;
  }
  return InvalidArgumentError("unrecognized log level \"" + std::string(name) +
                              "\" (want one of debug, info, warn, error)");
}

std::string_view LogFormatName(LogFormat format) {
  return format == LogFormat::kJson ? "json" : "logfmt";
}

Result<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "logfmt") return LogFormat::kLogfmt;
  if (name == "json") return LogFormat::kJson;
  return InvalidArgumentError("unrecognized log format \"" + std::string(name) +
                              "\" (want one of logfmt, json)");
}

LogField::LogField(std::string_view k, double v) : key(k) {
  if (std::isnan(v)) {
    value = "NaN";
  } else if (std::isinf(v)) {
    value = v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
    value.assign(buf, ec == std::errc() ? end : buf);
  }
}

Logger::Logger(LogLevel level, LogFormat format) : Logger(level, format, nullptr, nullptr) {}

Logger::Logger(LogLevel level, LogFormat format, Sink sink, Clock clock)
    : level_(level), format_(format), out_(std::make_shared<Output>()) {
  if (!sink) {
    sink = [](std::string_view line) {
      std::fwrite(line.data(), 1, line.size(), stderr);
      std::fflush(stderr);
    };
  }
  if (!clock) {
    clock = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  out_->sink = std::move(sink);
  out_->clock = std::move(clock);
}

Logger::Logger(LogLevel level, LogFormat format, std::shared_ptr<Output> out,
               std::vector<LogField> context)
    : level_(level), format_(format), out_(std::move(out)), context_(std::move(context)) {}

Logger Logger::With(LogFields fields) const {
  std::vector<LogField> context = context_;
  context.insert(context.end(), fields.begin(), fields.end());
  return Logger(level_, format_, out_, std::move(context));
}

void Logger::Log(LogLevel level, std::string_view msg, LogFields fields,
                 std::source_location where) const {
  if (!Enabled(level)) return;
  std::string_view file = where.file_name();
  if (size_t slash = file.rfind('/'); slash != std::string_view::npos) {
    file.remove_prefix(slash + 1);
  }
  std::string caller(file);
  caller += ':';
  caller += std::to_string(where.line());
  std::string line = Format(out_->clock(), level, caller, msg, fields);
  line += '\n';
  std::lock_guard<std::mutex> lock(out_->mu);
  out_->sink(line);
}

std::string Logger::Format(int64_t ts_ms, LogLevel level, std::string_view caller,
                           std::string_view msg, LogFields fields) const {
  std::string out;
  out.reserve(128);
  bool first = true;
  auto add = [&](std::string_view key, std::string_view value) {
    if (format_ == LogFormat::kJson) {
      out += first ? '{' : ',';
      AppendJsonString(out, key);
      out += ':';
      AppendJsonString(out, value);
    } else {
      if (!first) out += ' ';
      out += key;
      out += '=';
      AppendLogfmtValue(out, value);
    }
    first = false;
  };
  add("ts", FormatTimestamp(ts_ms));
  add("caller", caller);
  add("level", LogLevelName(level));
  add("msg", msg);
  for (const LogField& f : context_) add(f.key, f.value);
  for (const LogField& f : fields) add(f.key, f.value);
  if (format_ == LogFormat::kJson) out += '}';
  return out;
}

namespace {

// go-logfmt quotes a value holding any rune <= ' ', '=' or '"'; we also quote
// empty values so a reader sees that the key is present.
bool NeedsQuotes(std::string_view value) {
  if (value.empty()) return true;
  for (unsigned char c : value) {
    if (c <= ' ' || c == '=' || c == '"' || c == 0x7f) return true;
  }
  return false;
}

void AppendEscaped(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

}  // namespace

void AppendLogfmtValue(std::string& out, std::string_view value) {
  if (!NeedsQuotes(value)) {
    out += value;
    return;
  }
  out += '"';
  AppendEscaped(out, value);
  out += '"';
}

void AppendJsonString(std::string& out, std::string_view value) {
  out += '"';
  AppendEscaped(out, value);
  out += '"';
}

std::string FormatTimestamp(int64_t ms) {
  // Floor division so that times before 1970 still print sensibly.
  int64_t secs = ms / 1000;
  int64_t millis = ms % 1000;
  if (millis < 0) {
    millis += 1000;
    secs -= 1;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buf;
}

}  // namespace pharos::server
