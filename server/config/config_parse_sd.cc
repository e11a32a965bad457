// Relabel rules, static_configs and file_sd_configs as prometheus.yml
// writes them.

#include <re2/re2.h>

#include "server/config/config_sections.h"

namespace pharos::server {
namespace {

Result<RelabelConfig> ParseRelabelConfig(const YAML::Node& node) {
  ASSIGN_OR_RETURN(YamlMap m, YamlMap::Open(node, "relabel.plain"));
  RelabelSpec spec;
  YAML::Node sources = m.Get("source_labels");
  RETURN_IF_ERROR(ReadStringList(sources, &spec.source_labels));
  spec.source_labels_set = sources.IsDefined() && !sources.IsNull();
  RETURN_IF_ERROR(ReadString(m.Get("separator"), &spec.separator));
  YAML::Node regex = m.Get("regex");
  if (regex.IsDefined()) {
    // A null regex is Go's zero Regexp, which Prometheus replaces with "".
    spec.regex.clear();
    RETURN_IF_ERROR(ReadString(regex, &spec.regex));
    spec.regex_set = !regex.IsNull();
  }
  RETURN_IF_ERROR(ReadUint(m.Get("modulus"), &spec.modulus));
  RETURN_IF_ERROR(ReadString(m.Get("target_label"), &spec.target_label));
  RETURN_IF_ERROR(ReadString(m.Get("replacement"), &spec.replacement));
  YAML::Node action = m.Get("action");
  if (action.IsDefined()) {
    std::string name;
    RETURN_IF_ERROR(ReadString(action, &name));
    Result<RelabelAction> a = ParseRelabelAction(name);
    if (!a.ok()) return ValueError(action, a.status().message());
    spec.action = *a;
  }
  RETURN_IF_ERROR(m.Finish());
  Result<RelabelConfig> rc = RelabelConfig::Make(std::move(spec));
  if (!rc.ok()) return ValueError(node, rc.status().message());
  return rc;
}

}  // namespace

Status ParseRelabelConfigs(const YAML::Node& node, std::string_view null_message,
                           std::vector<RelabelConfig>* out) {
  ASSIGN_OR_RETURN(std::vector<YAML::Node> items, ReadSequence(node, "[]*relabel.Config"));
  out->clear();
  for (const YAML::Node& item : items) {
    if (IsExplicitNull(item)) return ValueError(item, null_message);
    ASSIGN_OR_RETURN(RelabelConfig parsed, ParseRelabelConfig(item));
    out->push_back(std::move(parsed));
  }
  return Status::Ok();
}

Status ParseStaticConfigs(const YAML::Node& node, std::vector<StaticConfig>* out) {
  ASSIGN_OR_RETURN(std::vector<YAML::Node> items, ReadSequence(node, "discovery.StaticConfig"));
  out->clear();
  for (const YAML::Node& item : items) {
    if (IsExplicitNull(item)) return ValueError(item, "empty or null section in static_configs");
    ASSIGN_OR_RETURN(YamlMap m,
                     YamlMap::Open(item, "struct { Targets []string \"yaml:\\\"targets\\\"\"; Labels "
                                         "model.LabelSet \"yaml:\\\"labels\\\"\" }"));
    StaticConfig group;
    RETURN_IF_ERROR(ReadStringList(m.Get("targets"), &group.targets));
    RETURN_IF_ERROR(ReadLabelSet(m.Get("labels"), &group.labels));
    RETURN_IF_ERROR(m.Finish());
    out->push_back(std::move(group));
  }
  return Status::Ok();
}

Status ParseFileSdConfigs(const YAML::Node& node, const std::string& dir, std::vector<FileSdConfig>* out) {
  static const RE2 kFileSdName(R"(^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$)");
  ASSIGN_OR_RETURN(std::vector<YAML::Node> items, ReadSequence(node, "discovery.Configs"));
  out->clear();
  for (const YAML::Node& item : items) {
    ASSIGN_OR_RETURN(YamlMap m, YamlMap::Open(item, "file.plain"));
    FileSdConfig sd;
    YAML::Node files = m.Get("files");
    RETURN_IF_ERROR(ReadStringList(files, &sd.files));
    RETURN_IF_ERROR(ReadDuration(m.Get("refresh_interval"), &sd.refresh_interval_ms));
    RETURN_IF_ERROR(m.Finish());
    if (sd.files.empty()) {
      return ValueError(item, "file service discovery config must contain at least one path name");
    }
    for (std::string& f : sd.files) {
      if (!RE2::FullMatch(f, kFileSdName)) {
        return ValueError(files, "path name " + GoQuote(f) + " is not valid for file discovery");
      }
      f = JoinDir(dir, f);
    }
    out->push_back(std::move(sd));
  }
  return Status::Ok();
}

Status CheckStaticTargets(const std::vector<StaticConfig>& groups, const YAML::Node& at) {
  for (const StaticConfig& g : groups) {
    for (const std::string& t : g.targets) {
      if (t.find('/') != std::string::npos) return ValueError(at, GoQuote(t) + " is not a valid hostname");
    }
  }
  return Status::Ok();
}

}  // namespace pharos::server
