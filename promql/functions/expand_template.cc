// ExpandTemplate: Go's regexp.Expand, for label_replace's replacement.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "promql/functions/label_functions.h"

namespace pharos::promql {
namespace {

// Decodes one UTF-8 code point at s[0]; invalid bytes decode as U+FFFD of
// length 1, as in Go.
char32_t DecodeRune(std::string_view s, size_t& size) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  size = 1;
  if (b0 < 0x80) return b0;
  int len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
  if (b0 >= 0xF8 || len == 0 || s.size() < static_cast<size_t>(len)) return 0xFFFD;
  char32_t r = b0 & (0x7F >> len);
  for (int i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) return 0xFFFD;
    r = (r << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (r < kMin[len] || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return 0xFFFD;
  size = len;
  return r;
}

// unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_': exact for ASCII,
// approximate (main blocks) beyond.
bool IsNameRune(char32_t r) {
  if (r < 0x80) {
    return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '_';
  }
  struct Range {
    char32_t lo, hi;
  };
  static constexpr Range kRanges[] = {
      {0xAA, 0xAA},     {0xB5, 0xB5},     {0xBA, 0xBA},     {0xC0, 0xD6},     {0xD8, 0xF6},
      {0xF8, 0x2C1},    {0x370, 0x374},   {0x376, 0x37D},   {0x386, 0x386},   {0x388, 0x3FF},
      {0x400, 0x481},   {0x48A, 0x52F},   {0x531, 0x556},   {0x561, 0x587},   {0x5D0, 0x5EA},
      {0x620, 0x64A},   {0x660, 0x669},   {0x6F0, 0x6F9},   {0x904, 0x939},   {0x966, 0x96F},
      {0x1E00, 0x1FBC}, {0x3041, 0x3096}, {0x30A1, 0x30FA}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
      {0xAC00, 0xD7A3}, {0xFF10, 0xFF19}, {0xFF21, 0xFF3A}, {0xFF41, 0xFF5A},
  };
  for (const Range& range : kRanges) {
    if (r >= range.lo && r <= range.hi) return true;
  }
  return false;
}

struct Ref {
  std::string_view name;
  int num;  // -1: look the name up among named groups
  size_t consumed;
};

// Go's extract(): the group reference at the start of s (just after '$').
std::optional<Ref> Extract(std::string_view s) {
  if (s.empty()) return std::nullopt;
  size_t start = 0;
  const bool brace = s[0] == '{';
  if (brace) start = 1;
  size_t i = start;
  while (i < s.size()) {
    size_t size;
    if (!IsNameRune(DecodeRune(s.substr(i), size))) break;
    i += size;
  }
  if (i == start) return std::nullopt;  // empty name
  Ref ref{s.substr(start, i - start), 0, 0};
  if (brace) {
    if (i >= s.size() || s[i] != '}') return std::nullopt;
    ++i;
  }
  int64_t num = 0;
  for (char c : ref.name) {
    if (c < '0' || c > '9' || num >= 100000000) {
      num = -1;
      break;
    }
    num = num * 10 + (c - '0');
  }
  if (ref.name[0] == '0' && ref.name.size() > 1) num = -1;  // no leading zeros
  ref.num = static_cast<int>(num);
  ref.consumed = i;
  return ref;
}

}  // namespace

std::string ExpandTemplate(std::string_view tmpl,
                           std::span<const std::optional<std::string_view>> groups,
                           std::span<const std::string> group_names) {
  std::string out;
  while (!tmpl.empty()) {
    const size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out.push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    const std::optional<Ref> ref = Extract(tmpl);
    if (!ref) {
      out.push_back('$');  // malformed: a literal '$'
      continue;
    }
    tmpl.remove_prefix(ref->consumed);
    if (ref->num >= 0) {
      if (static_cast<size_t>(ref->num) < groups.size() && groups[ref->num]) {
        out.append(*groups[ref->num]);
      }
      continue;
    }
    for (size_t i = 0; i < group_names.size() && i < groups.size(); ++i) {
      if (group_names[i] == ref->name && groups[i]) {
        out.append(*groups[i]);
        break;
      }
    }
  }
  out.append(tmpl);
  return out;
}

}  // namespace pharos::promql
