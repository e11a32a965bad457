// RE2 stands in for Go's regexp; the error codes are mapped to Go's words.

#include "server/config/anchored_regexp.h"

#include <re2/re2.h>

#include <string>

namespace pharos::server {
namespace {

std::string_view GoWording(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorBadEscape: return "invalid escape sequence";
    case RE2::ErrorBadCharClass: return "invalid character class";
    case RE2::ErrorBadCharRange: return "invalid character class range";
    case RE2::ErrorMissingBracket: return "missing closing ]";
    case RE2::ErrorMissingParen: return "missing closing )";
    case RE2::ErrorUnexpectedParen: return "unexpected )";
    case RE2::ErrorTrailingBackslash: return "trailing backslash at end of expression";
    case RE2::ErrorRepeatArgument: return "missing argument to repetition operator";
    case RE2::ErrorRepeatSize: return "invalid repeat count";
    case RE2::ErrorRepeatOp: return "invalid nested repetition operator";
    case RE2::ErrorBadPerlOp: return "invalid or unsupported Perl syntax";
    case RE2::ErrorBadUTF8: return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture: return "invalid named capture";
    case RE2::ErrorPatternTooLarge: return "expression too large";
    default: return "";
  }
}

// The first `\C` escape (any byte: RE2 accepts it, Go does not), or npos.
size_t AnyByteEscape(std::string_view pattern) {
  for (size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] != '\\') continue;
    if (pattern[i + 1] == 'C') return i;
    ++i;
  }
  return std::string_view::npos;
}

}  // namespace

Result<std::shared_ptr<const re2::RE2>> CompileAnchoredRegexp(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  const std::string anchored = "^(?:" + std::string(pattern) + ")$";
  auto re = std::make_shared<const RE2>(anchored, options);
  const size_t any_byte = AnyByteEscape(pattern);
  if (re->ok()) {
    if (any_byte == std::string_view::npos) return std::shared_ptr<const re2::RE2>(re);
    return InvalidArgumentError("error parsing regexp: invalid escape sequence: `\\C`");
  }
  // Both parsers stop at the first problem from the left; a missing ')' is
  // only found at the end.
  if (any_byte != std::string_view::npos) {
    const size_t at = pattern.find(re->error_arg());
    if (re->error_code() == RE2::ErrorMissingParen || at == std::string_view::npos || at > any_byte) {
      return InvalidArgumentError("error parsing regexp: invalid escape sequence: `\\C`");
    }
  }
  std::string_view what = GoWording(re->error_code());
  std::string arg = re->error_arg();
  if (re->error_code() == RE2::ErrorMissingParen) arg = anchored;  // Go quotes the whole regexp
  if (what.empty()) return InvalidArgumentError("error parsing regexp: " + re->error());
  return InvalidArgumentError("error parsing regexp: " + std::string(what) + ": `" + arg + "`");
}

}  // namespace pharos::server
