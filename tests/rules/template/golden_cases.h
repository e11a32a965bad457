// Alert template expansions recorded from Prometheus 2.42's promtool.
//
// Value cases: alert {__name__="m", i="vNN", kind="v"} with $value parsed
// from `value`. Const cases: alert {__name__="m", i="a",
// instance="web-1.example.com:9090", job="api"} with value 1234.5.
// Both: alert name "T1" / "T2", external labels {cluster="c1"}, external
// URL "http://prom.example.com:9090/prom", and `query` over the series
// listed in alert_template_test.cc.
#pragma once

#include <vector>

namespace pharos::rules {

struct GoldenValueCase {
  const char* value;
  const char* text;
  const char* expected;
};

struct GoldenConstCase {
  const char* text;
  const char* expected;
};

const std::vector<GoldenValueCase>& GoldenValueCases();
const std::vector<GoldenConstCase>& GoldenConstCases();
// Parse errors from `promtool check rules` for alert "T" ("" = parses).
const std::vector<GoldenConstCase>& GoldenParseCases();

}  // namespace pharos::rules
