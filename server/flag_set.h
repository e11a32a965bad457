// FlagSet: a command-line parser for Prometheus-style long flags.
//
//   FlagSet flags("pharos", "The Pharos monitoring server.");
//   std::string path = "data/";          // the default is the current value
//   flags.String("storage.tsdb.path", "Base path for metrics storage.", &path);
//   Status s = flags.Parse({"--storage.tsdb.path=/var/lib/pharos"});
//
// Accepted forms: `--name=value`, `--name value`, and for booleans `--name`,
// `--no-name`, `--name=true|false`. `-h` is `--help` when a "help" flag is
// registered. A flag given twice keeps the last value. Unknown flags, missing
// values, values that do not parse and positional arguments are errors
// (kInvalidArgument) that name the flag, in the spirit of Prometheus'
// kingpin parser.
//
// Thread-safety: not thread-safe; build, parse, then read.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tsdb/status.h"

namespace pharos::server {

class FlagSet {
 public:
  // Parses a value and stores it; returns kInvalidArgument with the reason.
  using Setter = std::function<Status(std::string_view value)>;
  // Prints the current value the way a user would write it.
  using Getter = std::function<std::string()>;

  FlagSet(std::string program, std::string description);

  // Each registration keeps a pointer to `target`, which must outlive the
  // FlagSet; the target's value at registration time is the default shown in
  // Help(). REQUIRES: `name` is not registered yet and has no "--" prefix.
  void String(std::string name, std::string help, std::string* target);
  void Bool(std::string name, std::string help, bool* target);
  // Prometheus durations ("30d", "1h30m"), stored as milliseconds.
  void Duration(std::string name, std::string help, int64_t* target_ms);
  // Byte sizes ("512MB", powers of 1024), stored as bytes.
  void ByteSize(std::string name, std::string help, uint64_t* target_bytes);
  // A string restricted to `choices`.
  void Enum(std::string name, std::string help, std::vector<std::string> choices,
            std::string* target);
  // Any other type. `placeholder` names the value in Help() ("<level>").
  void Custom(std::string name, std::string help, std::string placeholder, Setter set, Getter get);

  // Parses `args` (the command line without the program name).
  Status Parse(const std::vector<std::string>& args);

  // The usage text: a kingpin-style flag table wrapped at 100 columns, then
  // `epilogue` if set.
  std::string Help() const;
  void SetEpilogue(std::string epilogue) { epilogue_ = std::move(epilogue); }

  // Every flag with its current value, in registration order; what
  // /api/v1/status/flags reports.
  std::vector<std::pair<std::string, std::string>> Values() const;

 private:
  struct Flag {
    std::string name;
    std::string help;
    std::string placeholder;  // empty for booleans
    std::string default_text;
    bool is_bool = false;
    Setter set;
    Getter get;
  };

  void Add(std::string name, std::string help, std::string placeholder, bool is_bool, Setter set,
           Getter get);
  const Flag* Find(std::string_view name) const;

  std::string program_;
  std::string description_;
  std::string epilogue_;
  std::vector<Flag> flags_;
};

}  // namespace pharos::server
