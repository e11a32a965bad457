#include "promql/eval/label_ops.h"

#include <algorithm>

#include "promql/string_escape.h"

namespace pharos::promql {
namespace {

bool Contains(const std::vector<std::string>& names, std::string_view n) {
  return std::find(names.begin(), names.end(), n) != names.end();
}

// Mixes name and value with separators so ("a","bc") and ("ab","c") differ.
uint64_t Mix(uint64_t h, std::string_view name, std::string_view value) {
  h = tsdb::HashBytes(name.data(), name.size(), h ^ 0x9e3779b97f4a7c15ULL);
  return tsdb::HashBytes(value.data(), value.size(), h + 0xff);
}

}  // namespace

tsdb::Labels DropMetricName(const tsdb::Labels& l) {
  if (!l.Has(tsdb::kMetricName)) return l;
  static const std::vector<std::string> kName = {std::string(tsdb::kMetricName)};
  return l.Without(kName);
}

uint64_t HashForLabels(const tsdb::Labels& l, const std::vector<std::string>& names) {
  uint64_t h = 1;
  for (const tsdb::Label& lbl : l) {
    if (Contains(names, lbl.name)) h = Mix(h, lbl.name, lbl.value);
  }
  return h;
}

uint64_t HashWithoutLabels(const tsdb::Labels& l, const std::vector<std::string>& names) {
  uint64_t h = 2;
  for (const tsdb::Label& lbl : l) {
    if (lbl.name == tsdb::kMetricName || Contains(names, lbl.name)) continue;
    h = Mix(h, lbl.name, lbl.value);
  }
  return h;
}

std::string LabelsString(const tsdb::Labels& l) {
  std::string out = "{";
  for (const tsdb::Label& lbl : l) {
    if (out.size() > 1) out += ", ";
    out += lbl.name;
    out += '=';
    out += GoQuote(lbl.value);
  }
  out += '}';
  return out;
}

tsdb::Labels MatchedLabels(const tsdb::Labels& l, bool on, const std::vector<std::string>& names) {
  if (on) return l.Only(names);
  std::vector<std::string> drop = names;
  drop.emplace_back(tsdb::kMetricName);
  return l.Without(drop);
}

}  // namespace pharos::promql
