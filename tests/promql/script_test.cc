// Runs every tests/promql/testdata/*.test script (format: script_file.h)
// against promql::Engine over MemoryStorage; one gtest per file. Each
// failure names file:line, the query and the difference.
// PHAROS_SCRIPT_DIR=<dir> runs another directory's scripts instead.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "promql/engine.h"
#include "promql/value.h"
#include "tests/promql/memory_storage.h"
#include "tests/promql/script_file.h"
#include "tests/promql/value_compare.h"
#include "tsdb/sample.h"

namespace pharos::promql {
namespace {

std::string Describe(const std::vector<std::optional<double>>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ' ';
    out += v ? FormatValue(*v) : "_";
  }
  return out;
}

// Checks an instant eval's result; returns the differences, empty if none.
std::string CheckInstant(const ScriptEval& e, const Value& value) {
  std::ostringstream diff;
  if (const auto* s = std::get_if<Scalar>(&value.data)) {
    if (!e.scalar) {
      diff << "  got scalar " << FormatValue(s->v) << ", expected a vector\n";
    } else if (!ValuesEqual(*e.scalar, s->v)) {
      diff << "  scalar: expected " << FormatValue(*e.scalar) << ", got " << FormatValue(s->v) << "\n";
    }
    return diff.str();
  }
  const auto* vec = std::get_if<Vector>(&value.data);
  if (vec == nullptr) return "  result is not a scalar or instant vector (type " +
                            std::string(ValueTypeName(value.type())) + ")\n";
  if (e.scalar) return "  got an instant vector, expected scalar " + FormatValue(*e.scalar) + "\n";
  std::map<tsdb::Labels, double> got;
  for (const VectorSample& s : *vec) {
    if (!got.emplace(s.labels, s.v).second) diff << "  duplicate series in result: " << s.labels.ToString() << "\n";
  }
  std::map<tsdb::Labels, double> want;
  for (const SeriesDescription& d : e.expected) {
    if (d.values.size() != 1 || !d.values[0]) {
      diff << "  bad expectation for " << d.labels.ToString() << ": needs exactly one value\n";
      continue;
    }
    want.emplace(d.labels, *d.values[0]);
  }
  for (const auto& [labels, v] : want) {
    auto it = got.find(labels);
    if (it == got.end()) {
      diff << "  missing:    " << labels.ToString() << " " << FormatValue(v) << "\n";
    } else if (!ValuesEqual(v, it->second)) {
      diff << "  wrong value " << labels.ToString() << ": expected " << FormatValue(v) << ", got "
           << FormatValue(it->second) << "\n";
    }
  }
  for (const auto& [labels, v] : got) {
    if (!want.contains(labels)) diff << "  unexpected: " << labels.ToString() << " " << FormatValue(v) << "\n";
  }
  if (e.ordered && diff.str().empty()) {
    for (size_t i = 0; i < vec->size() && i < e.expected.size(); ++i) {
      if (!((*vec)[i].labels == e.expected[i].labels)) {
        diff << "  order: position " << i << " expected " << e.expected[i].labels.ToString()
             << ", got " << (*vec)[i].labels.ToString() << "\n";
        break;
      }
    }
  }
  return diff.str();
}

std::string CheckRange(const ScriptEval& e, const Value& value) {
  std::ostringstream diff;
  const auto* m = std::get_if<Matrix>(&value.data);
  if (m == nullptr) return "  range result is not a matrix\n";
  const size_t steps = static_cast<size_t>((e.end_ms - e.start_ms) / e.step_ms) + 1;
  auto expand = [&](const Series& s) {
    std::vector<std::optional<double>> v(steps);
    for (const Point& p : s.points) {
      const int64_t off = p.t - e.start_ms;
      if (off < 0 || off % e.step_ms != 0 || static_cast<size_t>(off / e.step_ms) >= steps) {
        diff << "  point off the step grid in " << s.labels.ToString() << " at " << p.t << "ms\n";
        continue;
      }
      v[off / e.step_ms] = p.v;
    }
    return v;
  };
  std::map<tsdb::Labels, std::vector<std::optional<double>>> got;
  for (const Series& s : *m) got[s.labels] = expand(s);
  std::map<tsdb::Labels, std::vector<std::optional<double>>> want;
  if (e.scalar) want[tsdb::Labels()] = std::vector<std::optional<double>>(steps, *e.scalar);
  for (const SeriesDescription& d : e.expected) want[d.labels] = d.values;
  for (auto& [labels, w] : want) {
    auto it = got.find(labels);
    if (it == got.end()) {
      diff << "  missing:    " << labels.ToString() << " " << Describe(w) << "\n";
      continue;
    }
    if (w.size() != steps) {
      diff << "  bad expectation for " << labels.ToString() << ": " << w.size() << " values for "
           << steps << " steps\n";
      continue;
    }
    bool same = true;
    for (size_t i = 0; i < steps; ++i) {
      if (w[i].has_value() != it->second[i].has_value() ||
          (w[i] && !ValuesEqual(*w[i], *it->second[i]))) {
        same = false;
      }
    }
    if (!same) {
      diff << "  wrong values " << labels.ToString() << ":\n    expected " << Describe(w)
           << "\n    got      " << Describe(it->second) << "\n";
    }
  }
  for (const auto& [labels, g] : got) {
    if (!want.contains(labels)) diff << "  unexpected: " << labels.ToString() << " " << Describe(g) << "\n";
  }
  return diff.str();
}

// PHAROS_SCRIPT_DIR=<dir> runs the scripts of another directory instead.
std::string ScriptDir() {
  const char* dir = std::getenv("PHAROS_SCRIPT_DIR");
  return dir != nullptr ? dir : PHAROS_PROMQL_TESTDATA;
}

std::vector<std::string> ScriptFiles() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(ScriptDir())) {
    if (entry.path().extension() == ".test") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class ScriptTest : public testing::TestWithParam<std::string> {};

TEST_P(ScriptTest, Passes) {
  const std::string path = ScriptDir() + "/" + GetParam();
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  auto cmds = ParseScript(text.str());
  ASSERT_TRUE(cmds.ok()) << path << ":" << cmds.status().message();

  MemoryStorage storage;
  Engine engine;
  int evals = 0;
  int failures = 0;
  for (const ScriptCommand& cmd : *cmds) {
    if (cmd.kind == ScriptCommand::Kind::kClear) {
      storage.Clear();
      continue;
    }
    if (cmd.kind == ScriptCommand::Kind::kLoad) {
      for (const SeriesDescription& d : cmd.load.series) {
        for (size_t i = 0; i < d.values.size(); ++i) {
          if (d.values[i]) storage.Add(d.labels, static_cast<int64_t>(i) * cmd.load.interval_ms, *d.values[i]);
        }
      }
      continue;
    }
    const ScriptEval& e = cmd.eval;
    ++evals;
    auto result = e.kind == ScriptEval::Kind::kInstant
                      ? engine.InstantQuery(storage, e.query, e.start_ms)
                      : engine.RangeQuery(storage, e.query, e.start_ms, e.end_ms, e.step_ms);
    std::string diff;
    if (e.expect_fail) {
      if (result.ok()) {
        diff = "  expected an error, the query succeeded\n";
      } else if (e.fail_message && result.status().message() != *e.fail_message) {
        diff = "  error message: expected \"" + *e.fail_message + "\", got \"" +
               result.status().message() + "\"\n";
      } else if (e.fail_regexp && !RE2::PartialMatch(result.status().message(), *e.fail_regexp)) {
        diff = "  error message \"" + result.status().message() + "\" does not match /" +
               *e.fail_regexp + "/\n";
      }
    } else if (!result.ok()) {
      diff = "  unexpected error: " + result.status().ToString() + "\n";
    } else if (e.kind == ScriptEval::Kind::kInstant) {
      diff = CheckInstant(e, result->value);
    } else {
      diff = CheckRange(e, result->value);
    }
    if (!diff.empty()) {
      ++failures;
      ADD_FAILURE_AT(path.c_str(), cmd.line) << GetParam() << ":" << cmd.line << ": " << e.query << "\n" << diff;
    }
  }
  std::cout << GetParam() << ": " << (evals - failures) << "/" << evals << " evals pass\n";
}

std::string TestName(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.size() - 5);  // drop ".test"
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Scripts, ScriptTest, testing::ValuesIn(ScriptFiles()), TestName);

}  // namespace
}  // namespace pharos::promql
