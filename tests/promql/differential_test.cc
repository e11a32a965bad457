// The differential test: every query of tests/promql/differential/queries.txt
// evaluated by promql::Engine over the dataset (data.om.gz) and compared
// with what Prometheus 2.42 answered (goldens.json.gz, written by record.sh):
// the instant results at a few times and a range result. Series sets must be
// equal, with the same timestamps, values within a relative 1e-6, NaN equal
// to NaN; an error must be an error of the same kind (bad_data is
// kInvalidArgument, execution kFailedPrecondition).
//
// Prints "N/M queries equal" and, for each query that differs, the query
// and a short diff. PHAROS_DIFF_ONLY=<substring> restricts the run to
// queries containing it; PHAROS_DIFF_LINES=<n> shows more diff lines.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "promql/engine.h"
#include "promql/value.h"
#include "tests/promql/memory_storage.h"
#include "tests/promql/openmetrics_loader.h"
#include "tests/promql/value_compare.h"

namespace pharos::promql {
namespace {

namespace json = boost::json;

const std::string kDir = std::string(PHAROS_PROMQL_TESTDATA) + "/../differential";

// One series or sample of a result, in a form both sides convert to.
struct Points {
  std::vector<std::pair<int64_t, double>> points;
};
using ResultMap = std::map<tsdb::Labels, Points>;

struct Canonical {
  std::string type;  // "vector", "scalar", "matrix", "string", or "error:<kind>"
  ResultMap series;
  std::string str;
};

int64_t Ms(const json::value& t) { return std::llround(t.to_number<double>() * 1000); }

double Val(const json::value& v) { return std::strtod(v.as_string().c_str(), nullptr); }

tsdb::Labels LabelsOf(const json::object& metric) {
  std::vector<tsdb::Label> ls;
  for (const auto& [k, v] : metric) ls.push_back({std::string(k), std::string(v.as_string())});
  return tsdb::Labels(std::move(ls));
}

Canonical FromGolden(const json::object& g) {
  Canonical c;
  if (const json::value* et = g.if_contains("errorType")) {
    c.type = "error:" + std::string(et->as_string());
    return c;
  }
  c.type = std::string(g.at("resultType").as_string());
  const json::value& r = g.at("result");
  if (c.type == "scalar") {
    c.series[tsdb::Labels()].points.push_back({Ms(r.as_array()[0]), Val(r.as_array()[1])});
  } else if (c.type == "string") {
    c.str = std::string(r.as_array()[1].as_string());
  } else if (c.type == "vector") {
    for (const json::value& s : r.as_array()) {
      const auto& p = s.at("value").as_array();
      c.series[LabelsOf(s.at("metric").as_object())].points.push_back({Ms(p[0]), Val(p[1])});
    }
  } else {
    for (const json::value& s : r.as_array()) {
      Points& pts = c.series[LabelsOf(s.at("metric").as_object())];
      for (const json::value& p : s.at("values").as_array()) {
        pts.points.push_back({Ms(p.as_array()[0]), Val(p.as_array()[1])});
      }
    }
  }
  return c;
}

std::string ErrorKind(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument: return "bad_data";
    case StatusCode::kFailedPrecondition: return "execution";
    case StatusCode::kDeadlineExceeded: return "timeout";
    case StatusCode::kCancelled: return "canceled";
    default: return "internal";
  }
}

Canonical FromEngine(const Result<QueryResult>& r, std::string* message) {
  Canonical c;
  if (!r.ok()) {
    c.type = "error:" + ErrorKind(r.status().code());
    *message = r.status().message();
    return c;
  }
  const Value& v = r->value;
  if (const auto* s = std::get_if<Scalar>(&v.data)) {
    c.type = "scalar";
    c.series[tsdb::Labels()].points.push_back({s->t, s->v});
  } else if (const auto* s = std::get_if<StringValue>(&v.data)) {
    c.type = "string";
    c.str = s->v;
  } else if (const auto* vec = std::get_if<Vector>(&v.data)) {
    c.type = "vector";
    for (const VectorSample& s : *vec) c.series[s.labels].points.push_back({s.t, s.v});
  } else {
    c.type = "matrix";
    for (const Series& s : std::get<Matrix>(v.data)) {
      Points& pts = c.series[s.labels];
      for (const Point& p : s.points) pts.points.push_back({p.t, p.v});
    }
  }
  return c;
}

std::string Show(const Points& p) {
  std::ostringstream o;
  for (size_t i = 0; i < p.points.size() && i < 4; ++i) {
    o << (i ? " " : "") << FormatValue(p.points[i].second) << "@" << p.points[i].first;
  }
  if (p.points.size() > 4) o << " ... (" << p.points.size() << " points)";
  return o.str();
}

// Differences between want (Prometheus) and got (Pharos), one per line.
std::vector<std::string> Diff(const Canonical& want, const Canonical& got, const std::string& msg) {
  std::vector<std::string> d;
  if (want.type != got.type) {
    d.push_back("type: prometheus " + want.type + ", pharos " + got.type + (msg.empty() ? "" : " (" + msg + ")"));
    return d;
  }
  if (want.str != got.str) d.push_back("string: prometheus \"" + want.str + "\", pharos \"" + got.str + "\"");
  for (const auto& [labels, w] : want.series) {
    auto it = got.series.find(labels);
    if (it == got.series.end()) {
      d.push_back("missing    " + labels.ToString() + " " + Show(w));
      continue;
    }
    const Points& g = it->second;
    bool same = w.points.size() == g.points.size();
    size_t first_bad = 0;
    for (size_t i = 0; same && i < w.points.size(); ++i) {
      if (w.points[i].first != g.points[i].first || !ValuesEqual(w.points[i].second, g.points[i].second)) {
        same = false;
        first_bad = i;
      }
    }
    if (!same) {
      std::ostringstream o;
      o << "differs    " << labels.ToString() << ": ";
      if (w.points.size() != g.points.size()) {
        o << w.points.size() << " points vs " << g.points.size() << "; prometheus " << Show(w)
          << " | pharos " << Show(g);
      } else {
        o << "at t=" << w.points[first_bad].first << " prometheus "
          << FormatValue(w.points[first_bad].second) << "@" << w.points[first_bad].first << ", pharos "
          << FormatValue(g.points[first_bad].second) << "@" << g.points[first_bad].first;
      }
      d.push_back(o.str());
    }
  }
  for (const auto& [labels, g] : got.series) {
    if (!want.series.contains(labels)) d.push_back("unexpected " + labels.ToString() + " " + Show(g));
  }
  return d;
}

TEST(Differential, EngineAgreesWithPrometheus) {
  MemoryStorage storage;
  auto loaded = LoadOpenMetrics(kDir + "/data.om.gz", storage);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto text = ReadMaybeGzipped(kDir + "/goldens.json.gz");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  const json::value goldens = json::parse(*text);
  const json::object& root = goldens.as_object();
  const json::object& range = root.at("range").as_object();
  const int64_t start = Ms(range.at("start")), end = Ms(range.at("end")), step = Ms(range.at("step"));
  std::vector<int64_t> times;
  for (const json::value& t : root.at("instant_times").as_array()) times.push_back(Ms(t));

  const char* only = std::getenv("PHAROS_DIFF_ONLY");
  const char* lines_env = std::getenv("PHAROS_DIFF_LINES");
  const size_t max_lines = lines_env ? std::strtoul(lines_env, nullptr, 10) : 3;
  Engine engine;
  int equal = 0, total = 0;
  for (const json::value& qv : root.at("queries").as_array()) {
    const json::object& q = qv.as_object();
    const std::string query(q.at("query").as_string());
    if (only != nullptr && query.find(only) == std::string::npos) continue;
    ++total;
    std::vector<std::string> diffs;
    const json::array& instants = q.at("instant").as_array();
    for (size_t i = 0; i < times.size() && i < instants.size(); ++i) {
      std::string msg;
      Canonical got = FromEngine(engine.InstantQuery(storage, query, times[i]), &msg);
      for (const std::string& d : Diff(FromGolden(instants[i].as_object()), got, msg)) {
        diffs.push_back("instant@" + std::to_string(times[i] / 1000) + ": " + d);
      }
    }
    std::string msg;
    Canonical got = FromEngine(engine.RangeQuery(storage, query, start, end, step), &msg);
    for (const std::string& d : Diff(FromGolden(q.at("range").as_object()), got, msg)) {
      diffs.push_back("range: " + d);
    }
    if (diffs.empty()) {
      ++equal;
      continue;
    }
    std::cout << "DIFFERS: " << query << "\n";
    for (size_t i = 0; i < diffs.size() && i < max_lines; ++i) std::cout << "    " << diffs[i] << "\n";
    if (diffs.size() > max_lines) std::cout << "    ... " << diffs.size() - max_lines << " more\n";
  }
  std::cout << equal << "/" << total << " queries equal\n";
  EXPECT_EQ(equal, total) << (total - equal) << " queries differ from Prometheus";
}

}  // namespace
}  // namespace pharos::promql
