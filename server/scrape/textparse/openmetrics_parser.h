// OpenMetricsParser: OpenMetrics 1.0 text, read as Prometheus 2.42's
// openmetricsparse reads it (see Parser for the interface).
//
//   # TYPE foo_seconds counter
//   # UNIT foo_seconds seconds
//   # HELP foo_seconds Time spent.
//   foo_seconds_total{a="b"} 17.0 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67
//   foo_seconds_created{a="b"} 1520430000.123
//   # EOF
//
// Stricter than the text format: single spaces between tokens, no blank
// lines or free comments, and the body must end with `# EOF`. Timestamps
// are float seconds (stored as milliseconds). Exemplars are checked and
// dropped; `_created` series are ordinary samples, as in Prometheus 2.42.
//
// Thread-safety: one thread at a time.
#pragma once

#include <string_view>

#include "server/scrape/textparse/parser.h"

namespace pharos::server::scrape {

class OpenMetricsParser final : public Parser {
 public:
  explicit OpenMetricsParser(std::string_view body) : Parser(body) {}

  Result<Entry> Next() override;

 private:
  Result<Entry> ParseMeta();
  Result<Entry> ParseSample();
  // Parses `{...}` starting at the open brace, into `out` (may be null).
  Status ParseLabels(std::vector<RawLabel>* out);
  // Parses ` # {...} value [timestamp]` starting at the space.
  Status ParseExemplar();
  // Reads a run of bytes up to a space or line end.
  std::string_view Word();
  std::string_view TokenAt() const;

  bool eof_seen_ = false;
  std::vector<RawLabel> exemplar_labels_;
};

}  // namespace pharos::server::scrape
