// yaml.v2's scalar resolution (YAML 1.1 booleans, ints, floats) and error
// wording, over yaml-cpp nodes.

#include "server/config/yaml_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "server/units.h"

namespace pharos::server {
namespace {

bool Plain(const YAML::Node& n) { return n.Tag() == "?"; }

bool IsBoolText(std::string_view s, bool* value) {
  static const char* kTrue[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static const char* kFalse[] = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  for (const char* t : kTrue) {
    if (s == t) return *value = true, true;
  }
  for (const char* f : kFalse) {
    if (s == f) return *value = false, true;
  }
  return false;
}

bool IsIntText(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i >= s.size()) return false;
  return std::all_of(s.begin() + i, s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '_'; });
}

bool IsFloatText(std::string_view s) {
  if (s == ".inf" || s == "-.inf" || s == "+.inf" || s == ".nan") return true;
  std::string str(s);
  char* end = nullptr;
  std::strtod(str.c_str(), &end);
  return !str.empty() && end == str.c_str() + str.size() && str.find_first_of("0123456789") != std::string::npos &&
         str.find_first_of("xXpPnN") == std::string::npos;
}

// yaml.v2's tag for a node, for error messages.
std::string TagOf(const YAML::Node& n) {
  if (n.IsSequence()) return "!!seq";
  if (n.IsMap()) return "!!map";
  if (n.IsNull()) return "!!null";
  if (!Plain(n)) return "!!str";
  const std::string& s = n.Scalar();
  bool b;
  if (IsBoolText(s, &b)) return "!!bool";
  if (IsIntText(s)) return "!!int";
  if (IsFloatText(s)) return "!!float";
  return "!!str";
}

Status CannotUnmarshal(const YAML::Node& n, std::string_view go_type) {
  std::string msg = "cannot unmarshal " + TagOf(n);
  if (n.IsScalar()) {
    // go-yaml cuts long values to their first 7 bytes (even mid-character).
    const std::string& v = n.Scalar();
    msg += v.size() > 10 ? " `" + v.substr(0, 7) + "...`" : " `" + v + "`";
  }
  msg += " into ";
  msg += go_type;
  return UnmarshalError(n, msg);
}

bool Present(const YAML::Node& n) { return n.IsDefined(); }

}  // namespace

Status UnmarshalError(const YAML::Node& at, std::string_view message) {
  const YAML::Mark mark = at.Mark();
  std::string line = mark.line >= 0 ? std::to_string(mark.line + 1) : "0";
  return InvalidArgumentError("yaml: unmarshal errors:\n  line " + line + ": " + std::string(message));
}

Status ValueError(const YAML::Node& at, std::string_view message) {
  const YAML::Mark mark = at.IsDefined() ? at.Mark() : YAML::Mark::null_mark();
  if (mark.line < 0) return InvalidArgumentError(std::string(message));
  return InvalidArgumentError(std::string(message) + " (line " + std::to_string(mark.line + 1) + ", column " +
                              std::to_string(mark.column + 1) + ")");
}

std::string GoQuote(std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
  return out;
}

bool IsExplicitNull(const YAML::Node& node) { return node.IsDefined() && node.IsNull(); }

Result<YamlMap> YamlMap::Open(const YAML::Node& node, std::string_view go_type) {
  YamlMap m;
  m.go_type_ = std::string(go_type);
  if (!node.IsDefined() || node.IsNull()) return m;
  if (!node.IsMap()) return CannotUnmarshal(node, go_type);
  for (const auto& kv : node) {
    const YAML::Node& key = kv.first;
    std::string name = key.IsScalar() ? key.Scalar() : "";
    if (m.values_.count(name)) {
      return UnmarshalError(key, "field " + name + " already set in type " + m.go_type_);
    }
    m.values_.emplace(name, kv.second);
    m.entries_.emplace_back(name, key);
  }
  return m;
}

YAML::Node YamlMap::Get(std::string_view key) {
  known_.emplace_back(key);
  auto it = values_.find(std::string(key));
  if (it == values_.end()) return YAML::Node(YAML::NodeType::Undefined);
  return it->second;
}

bool YamlMap::Has(std::string_view key) const { return values_.count(std::string(key)) > 0; }

Status YamlMap::Finish() const {
  for (const auto& [name, key] : entries_) {
    if (std::find(known_.begin(), known_.end(), name) == known_.end()) {
      return UnmarshalError(key, "field " + name + " not found in type " + go_type_);
    }
  }
  return Status::Ok();
}

Result<std::vector<YAML::Node>> ReadSequence(const YAML::Node& node, std::string_view go_type) {
  std::vector<YAML::Node> out;
  if (!Present(node) || node.IsNull()) return out;
  if (!node.IsSequence()) return CannotUnmarshal(node, go_type);
  for (const auto& item : node) out.push_back(item);
  return out;
}

Status ReadString(const YAML::Node& node, std::string* out) {
  if (!Present(node)) return Status::Ok();
  if (node.IsNull()) {
    out->clear();
    return Status::Ok();
  }
  if (!node.IsScalar()) return CannotUnmarshal(node, "string");
  *out = node.Scalar();
  return Status::Ok();
}

Status ReadBool(const YAML::Node& node, bool* out) {
  if (!Present(node)) return Status::Ok();
  if (node.IsNull()) {
    *out = false;
    return Status::Ok();
  }
  bool b = false;
  if (!node.IsScalar() || !Plain(node) || !IsBoolText(node.Scalar(), &b)) return CannotUnmarshal(node, "bool");
  *out = b;
  return Status::Ok();
}

Status ReadUint(const YAML::Node& node, uint64_t* out) {
  if (!Present(node)) return Status::Ok();
  if (node.IsNull()) {
    *out = 0;
    return Status::Ok();
  }
  if (node.IsScalar() && Plain(node)) {
    std::string s = node.Scalar();
    std::erase(s, '_');
    if (IsIntText(s) && s[0] != '-') {
      errno = 0;
      char* end = nullptr;
      unsigned long long v = std::strtoull(s.c_str(), &end, 10);
      if (errno == 0 && *end == '\0') {
        *out = v;
        return Status::Ok();
      }
    } else if (IsFloatText(s)) {
      double d = std::strtod(s.c_str(), nullptr);
      if (d >= 0 && d < 1.8e19) {
        *out = static_cast<uint64_t>(d);
        return Status::Ok();
      }
    }
  }
  return CannotUnmarshal(node, "uint");
}

Status ReadInt(const YAML::Node& node, int64_t* out) {
  if (!Present(node)) return Status::Ok();
  if (node.IsNull()) {
    *out = 0;
    return Status::Ok();
  }
  if (node.IsScalar() && Plain(node)) {
    std::string s = node.Scalar();
    std::erase(s, '_');
    if (IsIntText(s)) {
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(s.c_str(), &end, 10);
      if (errno == 0 && *end == '\0') {
        *out = v;
        return Status::Ok();
      }
    }
  }
  return CannotUnmarshal(node, "int");
}

Status ReadDuration(const YAML::Node& node, int64_t* out_ms) {
  if (!Present(node)) return Status::Ok();
  std::string s;
  RETURN_IF_ERROR(ReadString(node, &s));
  if (node.IsNull()) {
    *out_ms = 0;
    return Status::Ok();
  }
  Result<int64_t> ms = ParseDuration(s);
  if (!ms.ok()) return ValueError(node, ms.status().message());
  *out_ms = *ms;
  return Status::Ok();
}

Status ReadByteSize(const YAML::Node& node, uint64_t* out) {
  if (!Present(node)) return Status::Ok();
  std::string s;
  RETURN_IF_ERROR(ReadString(node, &s));
  if (node.IsNull()) {
    *out = 0;
    return Status::Ok();
  }
  Result<uint64_t> bytes = ParseByteSize(s);
  if (bytes.ok()) {
    *out = *bytes;
    return Status::Ok();
  }
  // alecthomas/units wording: the unit is what follows the number.
  size_t i = 0;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
  if (i > 0) return ValueError(node, "units: unknown unit " + s.substr(i) + " in " + s);
  return ValueError(node, "units: invalid " + s);
}

Status ReadStringList(const YAML::Node& node, std::vector<std::string>* out) {
  if (!Present(node)) return Status::Ok();
  out->clear();
  if (node.IsNull()) return Status::Ok();
  if (!node.IsSequence()) return CannotUnmarshal(node, "[]string");
  for (const auto& item : node) {
    std::string s;
    RETURN_IF_ERROR(ReadString(item, &s));
    out->push_back(std::move(s));
  }
  return Status::Ok();
}

Status ReadStringMap(const YAML::Node& node, std::map<std::string, std::string>* out) {
  if (!Present(node)) return Status::Ok();
  out->clear();
  if (node.IsNull()) return Status::Ok();
  if (!node.IsMap()) return CannotUnmarshal(node, "map[string]string");
  for (const auto& kv : node) {
    std::string key, value;
    RETURN_IF_ERROR(ReadString(kv.first, &key));
    RETURN_IF_ERROR(ReadString(kv.second, &value));
    if (out->count(key)) return UnmarshalError(kv.first, "key " + GoQuote(key) + " already set in map");
    (*out)[key] = value;
  }
  return Status::Ok();
}

Status ReadLabelSet(const YAML::Node& node, tsdb::Labels* out) {
  if (!Present(node)) return Status::Ok();
  if (!node.IsNull() && !node.IsMap()) return CannotUnmarshal(node, "model.LabelSet");
  std::vector<tsdb::Label> labels;
  std::set<std::string> seen;
  if (node.IsMap()) {
    for (const auto& kv : node) {
      std::string name, value;
      RETURN_IF_ERROR(ReadString(kv.first, &name));
      RETURN_IF_ERROR(ReadString(kv.second, &value));
      if (!seen.insert(name).second) return UnmarshalError(kv.first, "key " + GoQuote(name) + " already set in map");
      if (!tsdb::ValidLabelName(name)) return ValueError(kv.first, GoQuote(name) + " is not a valid label name");
      if (!tsdb::ValidUtf8(value)) return ValueError(kv.second, GoQuote(value) + " is not a valid label value");
      labels.push_back({std::move(name), std::move(value)});
    }
  }
  *out = tsdb::Labels(std::move(labels));
  return Status::Ok();
}

}  // namespace pharos::server
