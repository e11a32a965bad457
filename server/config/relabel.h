// Relabeling: Prometheus' relabel_configs, metric_relabel_configs,
// write_relabel_configs and alert_relabel_configs, with the semantics of
// Prometheus 2.42's model/relabel.
//
//   // Parsed from YAML by the config loader, or built in code:
//   ASSIGN_OR_RETURN(RelabelConfig rc, RelabelConfig::Make(spec));
//   std::vector<tsdb::Label> lset = {{"__address__", "a:9100"}, {"job", "node"}};
//   std::sort(lset.begin(), lset.end(), LabelNameLess);   // REQUIRED: sorted
//   if (!Relabel(configs, lset)) { /* dropped */ }
//   tsdb::Labels out(std::move(lset));
//
// Semantics, step by step (each config sees the output of the one before):
//   value   = the source_labels' values (absent ones read as "") joined by
//             `separator`; regexes are RE2, anchored as "^(?:regex)$".
//   replace     if regex matches value: target = expand(target_label),
//               res = expand(replacement) with $1, ${1}, $name, ${name}
//               (Go's regexp.Expand). An invalid target name or an empty res
//               removes the label literally named target_label (Prometheus
//               does exactly this); else target is set to res.
//   keep/drop   drops the set unless / if regex matches value.
//   keepequal/dropequal  drops the set unless / if value equals the value
//               of target_label.
//   hashmod     target_label = (last 8 bytes of md5(value), big-endian) %
//               modulus, in decimal.
//   labelmap    every label whose name matches regex is copied to the name
//               expand(replacement) (the step's input, in name order; a later
//               name wins a collision).
//   labeldrop / labelkeep  removes labels whose names match / do not match.
//   lowercase / uppercase  target_label = value in lower / upper case
//               (ASCII letters and the Latin-1, Greek and Cyrillic blocks).
// A label set to "" is removed. A set that becomes empty counts as dropped.
//
// Cost: a rule that changes nothing allocates nothing (matching reads the
// labels in place; joining several source labels reuses a thread-local
// buffer), so this is meant to run on every scraped sample.
//
// Thread-safety: RelabelConfig is immutable after Make() and may be shared
// by any number of threads calling Relabel() concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/labels.h"
#include "tsdb/status.h"

namespace re2 {
class RE2;
}

namespace pharos::server {

enum class RelabelAction {
  kReplace,
  kKeep,
  kDrop,
  kKeepEqual,
  kDropEqual,
  kHashMod,
  kLabelMap,
  kLabelDrop,
  kLabelKeep,
  kLowercase,
  kUppercase,
};

// "replace", "keep", ... as written in YAML (lower case).
std::string_view RelabelActionName(RelabelAction action);
// Case-insensitive, as Prometheus. Error (kInvalidArgument):
// `unknown relabel action "<name>"`.
Result<RelabelAction> ParseRelabelAction(std::string_view name);

// What a relabel_configs entry says, before validation. Fields left as they
// are take Prometheus' defaults.
struct RelabelSpec {
  std::vector<std::string> source_labels;
  // Whether source_labels appeared in the YAML at all (labeldrop/labelkeep
  // reject it even when empty).
  bool source_labels_set = false;
  // Whether regex appeared in the YAML (keepequal/dropequal reject it even
  // when it is the default).
  bool regex_set = false;
  // Default: ";"
  std::string separator = ";";
  // Default: "(.*)". Unanchored, as written.
  std::string regex = "(.*)";
  // Default: 0. Required (non-zero) for hashmod.
  uint64_t modulus = 0;
  // Required for replace, hashmod, lowercase, uppercase, keepequal, dropequal.
  std::string target_label;
  // Default: "$1"
  std::string replacement = "$1";
  // Default: replace.
  RelabelAction action = RelabelAction::kReplace;
};

// One validated relabel rule with its compiled regex.
class RelabelConfig {
 public:
  // Validates `spec` as Prometheus' relabel.Config.UnmarshalYAML does, and
  // compiles the regex. Errors (kInvalidArgument), worded as Prometheus:
  //   error parsing regexp: <reason>: `^(?:<regex>)$`
  //   relabel configuration for hashmod requires non-zero modulus
  //   relabel configuration for <action> action requires 'target_label' value
  //   "<t>" is invalid 'target_label' for <action> action
  //   'replacement' can not be set for <action> action
  //   "<r>" is invalid 'replacement' for labelmap action
  //   <action> action requires only 'source_labels' and `target_label`, and no other fields
  //   <action> action requires only 'regex', and no other fields
  //   "<name>" is not a valid label name            (a source label)
  static Result<RelabelConfig> Make(RelabelSpec spec);

  const RelabelSpec& spec() const { return spec_; }
  RelabelAction action() const { return spec_.action; }
  // The compiled, anchored regex. Never null after Make().
  const re2::RE2& regex() const { return *regex_; }

 private:
  RelabelConfig(RelabelSpec spec, std::shared_ptr<const re2::RE2> regex);

  friend bool Relabel(std::span<const RelabelConfig>, std::vector<tsdb::Label>&);

  RelabelSpec spec_;
  std::shared_ptr<const re2::RE2> regex_;
  // Capture group names by index ("" when unnamed), index 0 the whole match.
  std::vector<std::string> group_names_;
  // Whether target_label / replacement hold a '$' (else used literally).
  bool target_has_ref_ = false;
  bool replacement_has_ref_ = false;
};

// Orders labels by name: the order Relabel() requires and keeps.
inline bool LabelNameLess(const tsdb::Label& a, const tsdb::Label& b) { return a.name < b.name; }

// Applies `configs` in order to `labels`, in place. Returns false when the
// set is dropped (keep, drop, keepequal, dropequal, or nothing left); then
// `labels` holds unspecified contents.
// REQUIRES: `labels` sorted by name with unique names. On true, `labels` is
// sorted by name, unique, and free of empty values.
bool Relabel(std::span<const RelabelConfig> configs, std::vector<tsdb::Label>& labels);

// Convenience over Relabel() for an immutable label set: the relabeled set,
// or false in `*keep` when dropped (the returned set is then empty).
tsdb::Labels Relabel(std::span<const RelabelConfig> configs, const tsdb::Labels& in, bool* keep);

}  // namespace pharos::server
