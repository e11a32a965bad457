// CompileAnchoredRegexp: a user's regex compiled as Prometheus compiles
// relabel regexes, "^(?:" + pattern + ")$" with Go's regexp semantics
// (RE2 syntax, UTF-8, '.' not matching '\n'), and Go's wording for errors.
//
// Thread-safety: a pure function; the returned RE2 is immutable and may be
// shared by threads.
#pragma once

#include <memory>
#include <string_view>

#include "tsdb/status.h"

namespace re2 {
class RE2;
}

namespace pharos::server {

// Errors (kInvalidArgument), as Go's regexp/syntax words them:
//   error parsing regexp: missing closing ): `^(?:a()$`
//   error parsing regexp: invalid escape sequence: `\C`
Result<std::shared_ptr<const re2::RE2>> CompileAnchoredRegexp(std::string_view pattern);

}  // namespace pharos::server
