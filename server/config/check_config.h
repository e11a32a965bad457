// `pharos check config FILE...`: validates configuration files the way
// `promtool check config` (Prometheus 2.42) does, with the same output.
//
//   $ pharos check config pharos.yml
//   Checking pharos.yml
//     SUCCESS: 1 rule files found
//    SUCCESS: pharos.yml is valid prometheus config file syntax
//
//   Checking rules/node.yml
//     SUCCESS: 3 rules found
//
// For each file: parse and validate it (LoadConfigFile); resolve rule_files
// globs (an explicit path that matches nothing is an error); check that
// credentials, TLS and file_sd files exist (a missing file_sd file is a
// WARNING, as in promtool); then parse every rule file found with the rules
// module. Failures print "  FAILED: <error>" on stderr. Flags:
// --syntax-only skips the file checks and rule files.
//
// Exit status: 0 when everything is valid, 1 when anything failed (also for
// a path that does not exist, as promtool's argument check does).
//
// Thread-safety: a CLI verb; writes to the given streams.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace pharos::server {

// args: what follows "check config" on the command line.
int RunCheckConfig(const std::vector<std::string>& args, std::FILE* out, std::FILE* err);

}  // namespace pharos::server
