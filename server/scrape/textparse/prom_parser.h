// PromParser: the Prometheus text exposition format 0.0.4, read as
// Prometheus 2.42's promparse reads it (see Parser for the interface).
//
//   # HELP http_requests_total The total number of requests.
//   # TYPE http_requests_total counter
//   http_requests_total{method="post",code="200"} 1027 1395066363000
//
// Blank lines, other `#` comments, spaces and tabs between tokens, a
// trailing comma inside braces and a missing final newline are accepted.
// Timestamps are integer milliseconds.
//
// Thread-safety: one thread at a time.
#pragma once

#include <string_view>

#include "server/scrape/textparse/parser.h"

namespace pharos::server::scrape {

class PromParser final : public Parser {
 public:
  explicit PromParser(std::string_view body) : Parser(body) {}

  Result<Entry> Next() override;

 private:
  Result<Entry> ParseMeta();
  Result<Entry> ParseSample();
  // Parses `{...}` starting at the open brace.
  Status ParseLabels();
  // Prometheus' lexer token name for what is at pos_: "EOF", "LINEBREAK",
  // "EQUAL", ..., or "INVALID".
  std::string_view TokenAt() const;
  void SkipBlanks();
  void SkipLine();
};

}  // namespace pharos::server::scrape
