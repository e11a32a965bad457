#include "server/flag_set.h"

#include <algorithm>
#include <cassert>

#include "server/units.h"

namespace pharos::server {
namespace {

constexpr size_t kHelpWidth = 100;
constexpr size_t kNameColumn = 36;

Status InvalidValue(std::string_view name, std::string_view value, const Status& why) {
  return InvalidArgumentError("invalid value \"" + std::string(value) + "\" for flag --" +
                              std::string(name) + ": " + why.message());
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Appends `text` wrapped at kHelpWidth, every line indented by `indent`
// except the first, which continues at column `column`.
void AppendWrapped(std::string& out, std::string_view text, size_t column, size_t indent) {
  size_t col = column;
  bool line_start = true;
  while (!text.empty()) {
    size_t space = text.find(' ');
    std::string_view word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    if (word.empty()) continue;
    if (!line_start && col + 1 + word.size() > kHelpWidth) {
      out += '\n';
      out.append(indent, ' ');
      col = indent;
      line_start = true;
    }
    if (!line_start) {
      out += ' ';
      ++col;
    }
    out += word;
    col += word.size();
    line_start = false;
  }
  out += '\n';
}

}  // namespace

FlagSet::FlagSet(std::string program, std::string description)
    : program_(std::move(program)), description_(std::move(description)) {}

void FlagSet::Add(std::string name, std::string help, std::string placeholder, bool is_bool,
                  Setter set, Getter get) {
  assert(Find(name) == nullptr);
  assert(name.rfind("--", 0) != 0);
  Flag flag;
  flag.name = std::move(name);
  flag.help = std::move(help);
  flag.placeholder = std::move(placeholder);
  flag.is_bool = is_bool;
  flag.set = std::move(set);
  flag.get = std::move(get);
  flag.default_text = flag.get();
  flags_.push_back(std::move(flag));
}

const FlagSet::Flag* FlagSet::Find(std::string_view name) const {
  for (const Flag& f : flags_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

void FlagSet::String(std::string name, std::string help, std::string* target) {
  auto set = [target](std::string_view v) {
    *target = std::string(v);
    return Status::Ok();
  };
  auto get = [target] { return *target; };
  Add(std::move(name), std::move(help), "<string>", false, set, get);
}

void FlagSet::Bool(std::string name, std::string help, bool* target) {
  auto set = [target](std::string_view v) {
    if (v == "true" || v == "1") {
      *target = true;
    } else if (v == "false" || v == "0") {
      *target = false;
    } else {
      return InvalidArgumentError("expected true or false");
    }
    return Status::Ok();
  };
  auto get = [target] { return std::string(*target ? "true" : "false"); };
  Add(std::move(name), std::move(help), "", true, set, get);
}

void FlagSet::Duration(std::string name, std::string help, int64_t* target_ms) {
  auto set = [target_ms](std::string_view v) {
    ASSIGN_OR_RETURN(*target_ms, ParseDuration(v));
    return Status::Ok();
  };
  auto get = [target_ms] { return FormatDuration(*target_ms); };
  Add(std::move(name), std::move(help), "<duration>", false, set, get);
}

void FlagSet::ByteSize(std::string name, std::string help, uint64_t* target_bytes) {
  auto set = [target_bytes](std::string_view v) {
    ASSIGN_OR_RETURN(*target_bytes, ParseByteSize(v));
    return Status::Ok();
  };
  auto get = [target_bytes] { return FormatByteSize(*target_bytes); };
  Add(std::move(name), std::move(help), "<size>", false, set, get);
}

void FlagSet::Enum(std::string name, std::string help, std::vector<std::string> choices,
                   std::string* target) {
  std::string placeholder;
  for (const std::string& c : choices) placeholder += (placeholder.empty() ? "<" : "|") + c;
  placeholder += ">";
  auto set = [target, choices = std::move(choices)](std::string_view v) {
    if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
      std::string want;
      for (const std::string& c : choices) want += (want.empty() ? "" : ", ") + c;
      return InvalidArgumentError("must be one of " + want);
    }
    *target = std::string(v);
    return Status::Ok();
  };
  auto get = [target] { return *target; };
  Add(std::move(name), std::move(help), std::move(placeholder), false, std::move(set), get);
}

void FlagSet::Custom(std::string name, std::string help, std::string placeholder, Setter set,
                     Getter get) {
  Add(std::move(name), std::move(help), std::move(placeholder), false, std::move(set),
      std::move(get));
}

Status FlagSet::Parse(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "-h" && Find("help") != nullptr) arg = "--help";
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      if (arg.empty() || arg[0] != '-') {
        return InvalidArgumentError("unexpected argument " + Quote(arg) + "; flags start with --");
      }
      return InvalidArgumentError("unknown short flag " + Quote(arg));
    }
    arg.remove_prefix(2);
    std::string_view name = arg;
    std::string_view value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }

    const Flag* flag = Find(name);
    bool negated = false;
    if (flag == nullptr && name.rfind("no-", 0) == 0) {
      const Flag* positive = Find(name.substr(3));
      if (positive != nullptr && positive->is_bool && !has_value) {
        flag = positive;
        negated = true;
      }
    }
    if (flag == nullptr) {
      return InvalidArgumentError("unknown flag --" + std::string(name));
    }

    if (flag->is_bool && !has_value) {
      value = negated ? "false" : "true";
    } else if (!has_value) {
      if (i + 1 >= args.size()) {
        return InvalidArgumentError("expected a value for flag --" + flag->name);
      }
      value = args[++i];
    }
    if (Status s = flag->set(value); !s.ok()) return InvalidValue(flag->name, value, s);
  }
  return Status::Ok();
}

std::string FlagSet::Help() const {
  std::string out = "usage: " + program_ + " [<flags>]\n\n";
  if (!description_.empty()) out += description_ + "\n\n";
  out += "Flags:\n";
  for (const Flag& f : flags_) {
    std::string left = f.name == "help" ? "  -h, " : "      ";
    if (f.is_bool) {
      // help and version are actions, not settings: no --no- form to show.
      bool action = f.name == "help" || f.name == "version";
      left += action ? "--" + f.name : "--[no-]" + f.name;
    } else {
      left +=
          "--" + f.name + "=" + (f.default_text.empty() ? f.placeholder : Quote(f.default_text));
    }
    out += left;
    if (left.size() + 2 > kNameColumn) {
      out += '\n';
      out.append(kNameColumn, ' ');
    } else {
      out.append(kNameColumn - left.size(), ' ');
    }
    AppendWrapped(out, f.help, kNameColumn, kNameColumn);
  }
  if (!epilogue_.empty()) out += "\n" + epilogue_;
  return out;
}

std::vector<std::pair<std::string, std::string>> FlagSet::Values() const {
  std::vector<std::pair<std::string, std::string>> values;
  values.reserve(flags_.size());
  for (const Flag& f : flags_) values.emplace_back(f.name, f.get());
  return values;
}

}  // namespace pharos::server
