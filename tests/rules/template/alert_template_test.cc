#include "rules/template/alert_template.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/rules/template/golden_cases.h"

namespace pharos::rules {
namespace {

// The series of the recorded promtool test, in label order.
std::vector<tmpl::QuerySample> Series() {
  static const char* kValues[] = {
      "0", "1", "-1", "0.5", "1234567", "0.000012", "1e-30", "1e30", "999.95", "1023", "1024", "1025",
      "1048576", "86400", "90061.5", "3599.999", "0.001234", "NaN", "+Inf", "-Inf", "1500000000.123",
      "1234.5678", "-0.000987", "123456789", "12345", "100000", "0.30000000000000004", "-90061",
      "59.99999", "0.0000000005", "1e-4", "123456", "1e21", "-1234567", "2.5", "0.015"};
  std::vector<tmpl::QuerySample> out;
  out.push_back({tsdb::Labels{{"__name__", "m"}, {"i", "a"}, {"instance", "web-1.example.com:9090"}, {"job", "api"}},
                 1234.5});
  for (size_t i = 0; i < std::size(kValues); ++i) {
    char name[8];
    std::snprintf(name, sizeof name, "v%02zu", i);
    out.push_back({tsdb::Labels{{"__name__", "m"}, {"i", name}, {"kind", "v"}}, std::strtod(kValues[i], nullptr)});
  }
  return out;
}

ExpandOptions Options() {
  ExpandOptions o;
  o.external_url = "http://prom.example.com:9090/prom";
  o.query = [](const std::string& q) -> Result<std::vector<tmpl::QuerySample>> {
    std::vector<tmpl::QuerySample> all = Series();
    if (q == "m") return all;
    if (q == "m{i=\"a\"}") return std::vector<tmpl::QuerySample>{all[0]};
    return std::vector<tmpl::QuerySample>{};
  };
  return o;
}

AlertTemplateData Data(tsdb::Labels labels, double value) {
  return AlertTemplateData{std::move(labels), tsdb::Labels{{"cluster", "c1"}},
                           "http://prom.example.com:9090/prom", value};
}

TEST(AlertTemplate, MatchesPromtoolForValues) {
  const ExpandOptions opts = Options();
  int failures = 0;
  for (const auto& c : GoldenValueCases()) {
    std::string index(c.value);
    const double v = std::strtod(c.value, nullptr);
    // The series carry i="vNN" in the order of the value list.
    const std::vector<tmpl::QuerySample> series = Series();
    tsdb::Labels labels;
    for (const auto& s : series) {
      if (s.labels.Get("kind") == "v" && std::string(c.value) != "NaN" &&
          (s.value == v || (s.value != s.value && v != v))) {
        labels = s.labels;
        break;
      }
    }
    if (std::string(c.value) == "NaN") labels = series[18].labels;
    const std::string got = ExpandAlertTemplate("T1", c.text, Data(labels, v), opts);
    EXPECT_EQ(got, c.expected) << "value " << c.value << " template " << c.text;
    if (got != c.expected && ++failures > 40) break;
  }
}

TEST(AlertTemplate, MatchesPromtoolForConstants) {
  const ExpandOptions opts = Options();
  const tsdb::Labels labels = Series()[0].labels;
  for (const auto& c : GoldenConstCases()) {
    EXPECT_EQ(ExpandAlertTemplate("T2", c.text, Data(labels, 1234.5), opts), c.expected) << c.text;
  }
}

}  // namespace
}  // namespace pharos::rules

namespace pharos::rules {
namespace {

TEST(AlertTemplate, ParseErrorsMatchPromtool) {
  for (const auto& c : GoldenParseCases()) {
    auto t = AlertTemplate::Parse("T", c.text);
    EXPECT_EQ(t.ok() ? "" : t.status().message(), c.expected) << c.text;
  }
}

}  // namespace
}  // namespace pharos::rules
