// Parser: reads a scraped exposition body entry by entry, without copying.
//
//   std::unique_ptr<Parser> p = Parser::New(body, content_type);
//   while (true) {
//     ASSIGN_OR_RETURN(Entry e, p->Next());
//     if (e == Entry::kEof) break;
//     if (e == Entry::kSeries) Use(p->series(), p->value(), p->timestamp());
//   }
//
// Two formats, as Prometheus 2.42 reads them: the text format 0.0.4
// (PromParser) and OpenMetrics 1.0 (OpenMetricsParser), chosen by the
// response's Content-Type. Every view returned points into the body (or into
// the parser's scratch space) and is valid until the next Next(); the body
// must outlive the parser.
//
// Errors carry Prometheus 2.42's wording, which names no line (a target's
// lastError reads the same as Prometheus'). After an error the parser must
// not be used again.
//
// Thread-safety: a Parser is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/labels.h"
#include "tsdb/status.h"

namespace pharos::server::scrape {

enum class Entry {
  kSeries,   // a sample line
  kHelp,     // # HELP
  kType,     // # TYPE
  kUnit,     // # UNIT (OpenMetrics only)
  kComment,  // any other # line (text format only)
  kEof,      // the end of the body (after # EOF in OpenMetrics)
};

enum class MetricType {
  kUnknown,  // "untyped" in the text format
  kCounter,
  kGauge,
  kHistogram,
  kGaugeHistogram,
  kSummary,
  kInfo,
  kStateset,
};

// The name the API reports: "counter", "gaugehistogram", "unknown", ...
std::string_view MetricTypeName(MetricType t);

// The value Prometheus stores for a scraped NaN (never the stale marker).
inline constexpr uint64_t kNormalNaNBits = 0x7ff8000000000001ULL;

// A label as written in the body; `value` still holds its escapes when
// `escaped` is true.
struct RawLabel {
  std::string_view name;
  std::string_view value;
  bool escaped = false;
};

class Parser {
 public:
  // The parser for a Content-Type: OpenMetrics for
  // "application/openmetrics-text", the text format for anything else.
  static std::unique_ptr<Parser> New(std::string_view body, std::string_view content_type);

  virtual ~Parser() = default;

  // Advances to the next entry. kEof at the end; an error for malformed
  // input.
  virtual Result<Entry> Next() = 0;

  // After kSeries: the line's series text, `name{labels}` exactly as written
  // (a stable key for the same series in the next scrape).
  std::string_view series() const { return series_; }
  // After kSeries, kHelp, kType, kUnit: the metric (family) name.
  std::string_view metric_name() const { return name_; }
  // After kSeries: the labels as written, without __name__.
  const std::vector<RawLabel>& raw_labels() const { return labels_; }
  // After kSeries: the value; NaNs are normalized to kNormalNaNBits.
  double value() const { return value_; }
  // After kSeries: whether the line had a timestamp, and that timestamp in
  // milliseconds.
  bool has_timestamp() const { return has_timestamp_; }
  int64_t timestamp() const { return timestamp_; }

  // After kSeries: appends __name__ and every label, unescaped, to `out` (in
  // the order written). Empty values are kept; duplicates are not checked.
  void AppendLabels(std::vector<tsdb::Label>* out) const;

  // After kHelp: the help text, unescaped. After kUnit: the unit. After
  // kComment: the comment line.
  const std::string& text() const { return text_; }
  // After kType.
  MetricType type() const { return type_; }

 protected:
  explicit Parser(std::string_view body) : body_(body) {}

  // kInvalidArgument with `message`.
  Status Error(std::string_view message) const;

  // At the opening quote of a label value: reads the value (escapes left in
  // place and flagged in label->escaped) and moves past the closing quote.
  // Both exposition formats quote label values the same way.
  Status ReadQuotedValue(RawLabel* label);

  std::string_view body_;
  size_t pos_ = 0;   // next byte to read

  std::string_view series_;
  std::string_view name_;
  std::vector<RawLabel> labels_;
  double value_ = 0;
  bool has_timestamp_ = false;
  int64_t timestamp_ = 0;
  std::string text_;
  MetricType type_ = MetricType::kUnknown;
};

// Shared by both formats.
namespace textparse_internal {

// Go's strconv.ParseFloat restricted as Prometheus restricts it (no
// underscores, no hex exponents). On failure writes Go's error message.
bool ParseGoFloat(std::string_view s, double* out, std::string* err);
// strconv.ParseInt(s, 10, 64).
bool ParseGoInt(std::string_view s, int64_t* out, std::string* err);
// Undoes \\, \" and \n (label values) or \\ and \n (help, when !quotes).
std::string Unescape(std::string_view s, bool quotes);
// Go's %q of arbitrary bytes.
std::string GoQuote(std::string_view s);

inline bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
inline bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }
inline bool IsLabelStart(char c) { return IsNameStart(c) && c != ':'; }
inline bool IsLabelChar(char c) { return IsNameChar(c) && c != ':'; }

}  // namespace textparse_internal

}  // namespace pharos::server::scrape
