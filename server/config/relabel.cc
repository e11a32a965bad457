// Relabel(): Prometheus' relabel.Process over a sorted label vector edited
// in place. Reads happen before writes within a step, so each step sees its
// own input as Prometheus' labels.Builder does.

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "promql/functions/label_functions.h"
#include "server/config/md5.h"
#include "server/config/relabel.h"

namespace pharos::server {
namespace {

using LabelVec = std::vector<tsdb::Label>;

LabelVec::iterator Find(LabelVec& ls, std::string_view name) {
  return std::lower_bound(ls.begin(), ls.end(), name,
                          [](const tsdb::Label& l, std::string_view n) { return l.name < n; });
}

std::string_view Get(LabelVec& ls, std::string_view name) {
  auto it = Find(ls, name);
  return it != ls.end() && it->name == name ? std::string_view(it->value) : std::string_view();
}

// Sets name=value keeping the order; an empty value removes the label.
void Set(LabelVec& ls, std::string_view name, std::string_view value) {
  auto it = Find(ls, name);
  const bool found = it != ls.end() && it->name == name;
  if (value.empty()) {
    if (found) ls.erase(it);
  } else if (found) {
    if (it->value != value) it->value.assign(value);
  } else {
    ls.insert(it, tsdb::Label{std::string(name), std::string(value)});
  }
}

// Go's strings.ToLower/ToUpper for ASCII and the Latin-1, Greek and
// Cyrillic letter blocks (two-byte UTF-8); other text is copied unchanged.
std::string ChangeCase(std::string_view s, bool upper) {
  std::string out(s);
  for (size_t i = 0; i < out.size(); ++i) {
    auto c = static_cast<unsigned char>(out[i]);
    if (c < 0x80) {
      if (upper && c >= 'a' && c <= 'z') out[i] = static_cast<char>(c - 32);
      if (!upper && c >= 'A' && c <= 'Z') out[i] = static_cast<char>(c + 32);
      continue;
    }
    if ((c & 0xE0) != 0xC0 || i + 1 >= out.size()) continue;
    auto c1 = static_cast<unsigned char>(out[i + 1]);
    if ((c1 & 0xC0) != 0x80) continue;
    char32_t r = (char32_t{c} & 0x1F) << 6 | (c1 & 0x3F);
    char32_t m = r;
    if (upper) {
      if ((r >= 0xE0 && r <= 0xFE && r != 0xF7) || (r >= 0x3B1 && r <= 0x3C9 && r != 0x3C2) ||
          (r >= 0x430 && r <= 0x44F)) {
        m = r - 0x20;
      } else if (r >= 0x450 && r <= 0x45F) {
        m = r - 0x50;
      }
    } else {
      if ((r >= 0xC0 && r <= 0xDE && r != 0xD7) || (r >= 0x391 && r <= 0x3A9 && r != 0x3A2) ||
          (r >= 0x410 && r <= 0x42F)) {
        m = r + 0x20;
      } else if (r >= 0x400 && r <= 0x40F) {
        m = r + 0x50;
      }
    }
    if (m != r && m >= 0x80 && m < 0x800) {  // still two bytes
      out[i] = static_cast<char>(0xC0 | (m >> 6));
      out[i + 1] = static_cast<char>(0x80 | (m & 0x3F));
    }
    ++i;
  }
  return out;
}

// Submatches of `re` against `text`, or false when it does not match.
// Groups that did not take part are nullopt.
bool Submatches(const re2::RE2& re, std::string_view text,
                std::vector<std::optional<std::string_view>>& groups) {
  const int n = re.NumberOfCapturingGroups() + 1;
  std::array<re2::StringPiece, 16> fixed;
  std::vector<re2::StringPiece> big;
  re2::StringPiece* pieces = fixed.data();
  if (n > static_cast<int>(fixed.size())) {
    big.resize(n);
    pieces = big.data();
  }
  if (!re.Match(text, 0, text.size(), re2::RE2::UNANCHORED, pieces, n)) return false;
  groups.assign(n, std::nullopt);
  for (int i = 0; i < n; ++i) {
    if (pieces[i].data() != nullptr) groups[i] = std::string_view(pieces[i].data(), pieces[i].size());
  }
  return true;
}

bool Matches(const re2::RE2& re, std::string_view text) {
  return re.Match(text, 0, text.size(), re2::RE2::UNANCHORED, nullptr, 0);
}

}  // namespace

bool Relabel(std::span<const RelabelConfig> configs, LabelVec& labels) {
  thread_local std::string joined;
  thread_local std::vector<std::optional<std::string_view>> groups;
  for (const RelabelConfig& cfg : configs) {
    const RelabelSpec& spec = cfg.spec_;
    const re2::RE2& re = *cfg.regex_;

    std::string_view value;
    if (spec.source_labels.size() == 1) {
      value = Get(labels, spec.source_labels[0]);
    } else if (spec.source_labels.size() > 1) {
      joined.clear();
      for (size_t i = 0; i < spec.source_labels.size(); ++i) {
        if (i > 0) joined.append(spec.separator);
        joined.append(Get(labels, spec.source_labels[i]));
      }
      value = joined;
    }

    switch (spec.action) {
      case RelabelAction::kDrop:
        if (Matches(re, value)) return false;
        break;
      case RelabelAction::kKeep:
        if (!Matches(re, value)) return false;
        break;
      case RelabelAction::kDropEqual:
        if (Get(labels, spec.target_label) == value) return false;
        break;
      case RelabelAction::kKeepEqual:
        if (Get(labels, spec.target_label) != value) return false;
        break;
      case RelabelAction::kReplace: {
        if (!Submatches(re, value, groups)) break;
        std::string target = cfg.target_has_ref_
                                 ? promql::ExpandTemplate(spec.target_label, groups, cfg.group_names_)
                                 : spec.target_label;
        if (!tsdb::ValidLabelName(target)) {
          Set(labels, spec.target_label, "");
          break;
        }
        std::string res = cfg.replacement_has_ref_
                              ? promql::ExpandTemplate(spec.replacement, groups, cfg.group_names_)
                              : spec.replacement;
        // Prometheus removes the unexpanded target_label here, not target.
        Set(labels, res.empty() ? spec.target_label : target, res);
        break;
      }
      case RelabelAction::kLowercase:
      case RelabelAction::kUppercase: {
        std::string res = ChangeCase(value, spec.action == RelabelAction::kUppercase);
        Set(labels, spec.target_label, res);
        break;
      }
      case RelabelAction::kHashMod: {
        const std::array<uint8_t, 16> sum = Md5(value);
        uint64_t h = 0;
        for (int i = 8; i < 16; ++i) h = h << 8 | sum[i];
        Set(labels, spec.target_label, std::to_string(h % spec.modulus));
        break;
      }
      case RelabelAction::kLabelMap: {
        // Collect from the step's input first: a copy may overwrite a label
        // that a later match reads.
        std::vector<tsdb::Label> copies;
        for (const tsdb::Label& l : labels) {
          if (!Submatches(re, l.name, groups)) continue;
          copies.push_back({promql::ExpandTemplate(spec.replacement, groups, cfg.group_names_), l.value});
        }
        for (const tsdb::Label& c : copies) {
          if (!c.name.empty()) Set(labels, c.name, c.value);
        }
        break;
      }
      case RelabelAction::kLabelDrop:
        std::erase_if(labels, [&re](const tsdb::Label& l) { return Matches(re, l.name); });
        break;
      case RelabelAction::kLabelKeep:
        std::erase_if(labels, [&re](const tsdb::Label& l) { return !Matches(re, l.name); });
        break;
    }
  }
  std::erase_if(labels, [](const tsdb::Label& l) { return l.value.empty(); });
  return !labels.empty();
}

tsdb::Labels Relabel(std::span<const RelabelConfig> configs, const tsdb::Labels& in, bool* keep) {
  std::vector<tsdb::Label> labels(in.begin(), in.end());
  *keep = Relabel(configs, labels);
  if (!*keep) return tsdb::Labels();
  return tsdb::Labels(std::move(labels));
}

}  // namespace pharos::server
