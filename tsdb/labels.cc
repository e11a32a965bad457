#include "tsdb/labels.h"

#include <algorithm>
#include <cstring>

namespace pharos::tsdb {
namespace {

inline uint64_t Mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

}  // namespace

uint64_t HashBytes(const void* data, size_t n, uint64_t seed) {
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = Mix(h ^ w) + 0x9e3779b97f4a7c15ULL;
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  return Mix(h ^ tail ^ (uint64_t{n} << 56));
}

namespace {
// One step of the label set hash: folds in a name and its value.
uint64_t HashPair(std::string_view name, std::string_view value, uint64_t h) {
  h = HashBytes(name.data(), name.size(), h);
  return HashBytes(value.data(), value.size(), h ^ 0xff);
}
}  // namespace

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    unsigned char c = p[i];
    if (c < 0x80) { ++i; continue; }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    // Reject overlong forms, surrogates and values past U+10FFFF.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

bool ValidLabelName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

Labels::Labels(std::vector<Label> labels) : labels_(std::move(labels)) {
  Finish();
}

Labels::Labels(
    std::initializer_list<std::pair<std::string_view, std::string_view>> l) {
  labels_.reserve(l.size());
  for (const auto& [n, v] : l) labels_.push_back({std::string(n), std::string(v)});
  Finish();
}

void Labels::Finish() {
  // Most label sets arrive sorted and clean (from storage, or built in
  // order): checking costs no allocation, where stable_sort's buffer and a
  // second vector did, per label set.
  auto by_name = [](const Label& a, const Label& b) { return a.name < b.name; };
  if (!std::is_sorted(labels_.begin(), labels_.end(), by_name)) {
    std::stable_sort(labels_.begin(), labels_.end(), by_name);
  }
  bool clean = true;
  for (size_t i = 0; i < labels_.size() && clean; ++i) {
    clean = !labels_[i].value.empty() &&
            (i + 1 == labels_.size() || labels_[i + 1].name != labels_[i].name);
  }
  if (!clean) {
    // Keep the last of equal names, drop empty values.
    std::vector<Label> out;
    out.reserve(labels_.size());
    for (size_t i = 0; i < labels_.size(); ++i) {
      if (i + 1 < labels_.size() && labels_[i + 1].name == labels_[i].name) continue;
      if (labels_[i].value.empty()) continue;
      out.push_back(std::move(labels_[i]));
    }
    labels_ = std::move(out);
  }
  uint64_t h = 0;
  for (const Label& l : labels_) h = HashPair(l.name, l.value, h);
  hash_ = h;
}

uint64_t HashLabelViews(const LabelView* pairs, size_t n) {
  uint64_t h = 0;
  for (size_t i = 0; i < n; ++i) h = HashPair(pairs[i].first, pairs[i].second, h);
  return h;
}

Status Labels::Validate(const std::vector<Label>& raw) {
  std::vector<std::string_view> names;
  names.reserve(raw.size());
  size_t non_empty = 0;
  for (const Label& l : raw) {
    if (!ValidLabelName(l.name)) {
      return InvalidArgumentError("invalid label name \"" + l.name + "\"");
    }
    if (!ValidUtf8(l.value)) {
      return InvalidArgumentError("invalid UTF-8 in value of label \"" + l.name + "\"");
    }
    if (!l.value.empty()) ++non_empty;
    names.push_back(l.name);
  }
  std::sort(names.begin(), names.end());
  auto dup = std::adjacent_find(names.begin(), names.end());
  if (dup != names.end()) {
    return InvalidArgumentError("duplicate label name \"" + std::string(*dup) + "\"");
  }
  if (non_empty == 0) return InvalidArgumentError("empty label set");
  return Status();
}

std::string_view Labels::Get(std::string_view name) const {
  auto it = std::lower_bound(
      labels_.begin(), labels_.end(), name,
      [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != labels_.end() && it->name == name) return it->value;
  return {};
}

bool Labels::Has(std::string_view name) const { return !Get(name).empty(); }

Labels Labels::Without(const std::vector<std::string>& names) const {
  std::vector<Label> out;
  for (const Label& l : labels_) {
    if (std::find(names.begin(), names.end(), l.name) == names.end()) out.push_back(l);
  }
  return Labels(std::move(out));
}

Labels Labels::Only(const std::vector<std::string>& names) const {
  std::vector<Label> out;
  for (const Label& l : labels_) {
    if (std::find(names.begin(), names.end(), l.name) != names.end()) out.push_back(l);
  }
  return Labels(std::move(out));
}

Labels Labels::With(std::string_view name, std::string_view value) const {
  std::vector<Label> out;
  out.reserve(labels_.size() + 1);
  for (const Label& l : labels_) {
    if (l.name != name) out.push_back(l);
  }
  out.push_back({std::string(name), std::string(value)});
  return Labels(std::move(out));
}

namespace {
void AppendQuoted(std::string& out, std::string_view v) {
  out += '"';
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  out += '"';
}
}  // namespace

std::string Labels::ToString() const {
  std::string out(MetricName());
  out += '{';
  bool first = true;
  for (const Label& l : labels_) {
    if (l.name == kMetricName) continue;
    if (!first) out += ", ";
    first = false;
    out += l.name;
    out += '=';
    AppendQuoted(out, l.value);
  }
  out += '}';
  return out;
}

int Compare(const Labels& a, const Labels& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = a[i].name.compare(b[i].name); c != 0) return c < 0 ? -1 : 1;
    if (int c = a[i].value.compare(b[i].value); c != 0) return c < 0 ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

}  // namespace pharos::tsdb
