// YamlReader helpers: strict decoding of yaml-cpp nodes into plain values,
// with the checks and wording of Go's yaml.v2 UnmarshalStrict, which
// Prometheus uses for its configuration.
//
//   ASSIGN_OR_RETURN(YamlMap m, YamlMap::Open(node, "config.ScrapeConfig"));
//   RETURN_IF_ERROR(ReadString(m.Get("job_name"), &sc.job_name));
//   RETURN_IF_ERROR(ReadDuration(m.Get("scrape_interval"), &sc.scrape_interval_ms));
//   RETURN_IF_ERROR(m.Finish());   // unknown fields are errors
//
// A missing key leaves the target untouched (its default); an explicit null
// sets the zero value, as Go's decoder does.
//
// Errors (kInvalidArgument) come in two shapes:
//   decoding errors, exactly as yaml.v2 words them:
//     yaml: unmarshal errors:\n  line 3: field foo not found in type config.ScrapeConfig
//   validation errors (ValueError): Prometheus' message, then the place:
//     job_name is empty (line 2, column 5)
//
// Thread-safety: pure functions over nodes owned by the caller.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/labels.h"
#include "tsdb/status.h"

namespace pharos::server {

// A yaml.v2-style decoding error at `at`'s line.
Status UnmarshalError(const YAML::Node& at, std::string_view message);
// A validation error: `message (line L, column C)`, or just the message when
// `at` has no position.
Status ValueError(const YAML::Node& at, std::string_view message);

// Go's quoting of a string (%q) for ASCII text.
std::string GoQuote(std::string_view s);

// True for an explicit null (`~`, `null`, or nothing after the colon).
bool IsExplicitNull(const YAML::Node& node);

// One YAML mapping read as a Go struct of type `go_type`.
class YamlMap {
 public:
  // A null or missing node reads as an empty mapping. Errors: not a mapping
  // ("cannot unmarshal !!seq into <go_type>"), a key given twice ("field k
  // already set in type <go_type>").
  static Result<YamlMap> Open(const YAML::Node& node, std::string_view go_type);

  // The value of `key` (an undefined node when absent). Marks the key known.
  YAML::Node Get(std::string_view key);
  bool Has(std::string_view key) const;

  // Error for the first key (in document order) never asked for with Get():
  // "field <k> not found in type <go_type>".
  Status Finish() const;

 private:
  YamlMap() = default;

  std::string go_type_;
  std::vector<std::pair<std::string, YAML::Node>> entries_;  // key, key node
  std::map<std::string, YAML::Node> values_;
  std::vector<std::string> known_;
};

// The elements of a sequence (empty for a missing or null node). Error:
// "cannot unmarshal !!map into <go_type>".
Result<std::vector<YAML::Node>> ReadSequence(const YAML::Node& node, std::string_view go_type);

// Scalars. Each leaves *out untouched when the node is missing.
Status ReadString(const YAML::Node& node, std::string* out);
Status ReadBool(const YAML::Node& node, bool* out);
Status ReadUint(const YAML::Node& node, uint64_t* out);
Status ReadInt(const YAML::Node& node, int64_t* out);
// Prometheus' model.Duration, in ms: "not a valid duration string: \"5x\"".
Status ReadDuration(const YAML::Node& node, int64_t* out_ms);
// units.Base2Bytes ("10MB"): "units: unknown unit XB in 10XB".
Status ReadByteSize(const YAML::Node& node, uint64_t* out);
// []string: a sequence of scalars.
Status ReadStringList(const YAML::Node& node, std::vector<std::string>* out);
// map[string]string.
Status ReadStringMap(const YAML::Node& node, std::map<std::string, std::string>* out);
// model.LabelSet: valid label names, UTF-8 values.
Status ReadLabelSet(const YAML::Node& node, tsdb::Labels* out);

}  // namespace pharos::server
