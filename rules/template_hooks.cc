#include "rules/template_hooks.h"

#include <cstdio>

namespace pharos::rules {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '-')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '-')) s.remove_suffix(1);
  return s;
}

std::string FormatValue(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

}  // namespace

std::string SimpleExpand(std::string_view, std::string_view text, const TemplateData& data) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    std::string_view action = Trim(text.substr(open + 2, close - open - 2));
    if (action == "$value" || action == ".Value") {
      out += FormatValue(data.value);
    } else if (action.starts_with("$labels.") || action.starts_with(".Labels.")) {
      out += data.labels.Get(action.substr(action.find('.', 1) + 1));
    } else if (action.starts_with("$externalLabels.")) {
      out += data.external_labels.Get(action.substr(16));
    } else if (action == "$externalURL") {
      out += data.external_url;
    } else {
      out.append(text.substr(open, close + 2 - open));
    }
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace pharos::rules
