#include "tests/promql/script_file.h"

#include <charconv>
#include <cstdlib>
#include <sstream>

namespace pharos::promql {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool ConsumeWord(std::string_view& s, std::string_view word) {
  s = Trim(s);
  if (s.substr(0, word.size()) != word) return false;
  if (s.size() > word.size() && s[word.size()] != ' ' && s[word.size()] != '\t') return false;
  s.remove_prefix(word.size());
  s = Trim(s);
  return true;
}

std::string_view NextWord(std::string_view& s) {
  s = Trim(s);
  size_t n = 0;
  while (n < s.size() && s[n] != ' ' && s[n] != '\t') ++n;
  std::string_view w = s.substr(0, n);
  s.remove_prefix(n);
  s = Trim(s);
  return w;
}

Status LineError(int line, std::string_view what) {
  return InvalidArgumentError(std::to_string(line) + ": " + std::string(what));
}

// A bare number line: a scalar expectation.
std::optional<double> ParseBareNumber(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string text(s);
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

Status ParseEvalHeader(int line, std::string_view rest, ScriptEval& e) {
  if (ConsumeWord(rest, "instant")) {
    e.kind = ScriptEval::Kind::kInstant;
    if (!ConsumeWord(rest, "at")) return LineError(line, "expected 'at' after 'instant'");
    auto t = ParseScriptDuration(NextWord(rest));
    if (!t.ok()) return LineError(line, t.status().message());
    e.start_ms = e.end_ms = *t;
  } else if (ConsumeWord(rest, "range")) {
    e.kind = ScriptEval::Kind::kRange;
    int64_t* slots[3] = {&e.start_ms, &e.end_ms, &e.step_ms};
    const char* words[3] = {"from", "to", "step"};
    for (int i = 0; i < 3; ++i) {
      if (!ConsumeWord(rest, words[i])) {
        return LineError(line, std::string("expected '") + words[i] + "'");
      }
      auto t = ParseScriptDuration(NextWord(rest));
      if (!t.ok()) return LineError(line, t.status().message());
      *slots[i] = *t;
    }
  } else {
    return LineError(line, "expected 'instant at' or 'range from'");
  }
  if (rest.empty()) return LineError(line, "missing query");
  e.query = std::string(rest);
  return Status();
}

}  // namespace

Result<int64_t> ParseScriptDuration(std::string_view text) {
  if (text == "0") return int64_t{0};
  if (text.empty()) return InvalidArgumentError("empty duration");
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    if (j == i) return InvalidArgumentError("bad duration \"" + std::string(text) + "\"");
    int64_t n = 0;
    std::from_chars(text.data() + i, text.data() + j, n);
    size_t k = j;
    while (k < text.size() && (text[k] < '0' || text[k] > '9')) ++k;
    const std::string_view unit = text.substr(j, k - j);
    int64_t mult;
    if (unit == "ms") mult = 1;
    else if (unit == "s") mult = 1000;
    else if (unit == "m") mult = 60'000;
    else if (unit == "h") mult = 3'600'000;
    else if (unit == "d") mult = 86'400'000;
    else if (unit == "w") mult = 7 * 86'400'000LL;
    else if (unit == "y") mult = 365 * 86'400'000LL;
    else return InvalidArgumentError("bad duration unit in \"" + std::string(text) + "\"");
    total += n * mult;
    i = k;
  }
  return total;
}

Result<std::vector<ScriptCommand>> ParseScript(const std::string& text) {
  std::vector<ScriptCommand> cmds;
  std::istringstream in(text);
  std::string raw;
  int lineno = 0;
  bool in_block = false;  // indented lines belong to the last command
  while (std::getline(in, raw)) {
    ++lineno;
    std::string_view line = raw;
    std::string_view trimmed = Trim(line);
    if (trimmed.empty()) {
      in_block = false;
      continue;
    }
    if (trimmed.front() == '#') continue;
    const bool indented = line.front() == ' ' || line.front() == '\t';
    if (indented) {
      if (!in_block || cmds.empty() || cmds.back().kind == ScriptCommand::Kind::kClear) {
        return LineError(lineno, "indented line outside a load or eval block");
      }
      ScriptCommand& cmd = cmds.back();
      if (cmd.kind == ScriptCommand::Kind::kLoad) {
        auto desc = ParseSeriesDescription(trimmed);
        if (!desc.ok()) return LineError(lineno, desc.status().message());
        cmd.load.series.push_back(std::move(*desc));
        continue;
      }
      ScriptEval& e = cmd.eval;
      std::string_view rest = trimmed;
      if (ConsumeWord(rest, "expected_fail_message")) {
        e.fail_message = std::string(rest);
        continue;
      }
      rest = trimmed;
      if (ConsumeWord(rest, "expected_fail_regexp")) {
        e.fail_regexp = std::string(rest);
        continue;
      }
      if (e.expect_fail) return LineError(lineno, "eval_fail takes no result lines");
      if (auto v = ParseBareNumber(trimmed)) {
        if (e.scalar || !e.expected.empty()) return LineError(lineno, "a scalar result stands alone");
        e.scalar = *v;
        continue;
      }
      auto desc = ParseSeriesDescription(trimmed);
      if (!desc.ok()) return LineError(lineno, desc.status().message());
      if (e.scalar) return LineError(lineno, "a scalar result stands alone");
      e.expected.push_back(std::move(*desc));
      continue;
    }
    ScriptCommand cmd;
    cmd.line = lineno;
    std::string_view rest = trimmed;
    std::string_view word = NextWord(rest);
    if (word == "load") {
      cmd.kind = ScriptCommand::Kind::kLoad;
      auto iv = ParseScriptDuration(NextWord(rest));
      if (!iv.ok() || *iv <= 0 || !rest.empty()) return LineError(lineno, "expected 'load <interval>'");
      cmd.load.interval_ms = *iv;
    } else if (word == "clear") {
      cmd.kind = ScriptCommand::Kind::kClear;
    } else if (word == "eval" || word == "eval_ordered" || word == "eval_fail") {
      cmd.kind = ScriptCommand::Kind::kEval;
      cmd.eval.ordered = word == "eval_ordered";
      cmd.eval.expect_fail = word == "eval_fail";
      RETURN_IF_ERROR(ParseEvalHeader(lineno, rest, cmd.eval));
    } else {
      return LineError(lineno, "unknown command \"" + std::string(word) + "\"");
    }
    cmds.push_back(std::move(cmd));
    in_block = true;
  }
  return cmds;
}

}  // namespace pharos::promql
