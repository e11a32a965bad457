// Build information, printed by --version and logged at startup in
// Prometheus' formats (and, later, served by /api/v1/status/buildinfo).
//
// Thread-safety: immutable values.
#pragma once

#include <string>

namespace pharos::server {

struct BuildInfo {
  std::string version;     // "0.1.0"
  std::string revision;    // git commit, or "unknown"
  std::string branch;      // git branch, or "unknown"
  std::string build_user;  // "user@host"
  std::string build_date;  // "20261123-16:50:35" (UTC)
  std::string compiler;    // "GNU 12.2.0"
  std::string platform;    // "linux/amd64"
};

// This binary's build information. Defined in a source file that the build
// generates (server/build_info.cc.in), so only the pharos binary has it.
const BuildInfo& CurrentBuildInfo();

// The --version text:
//   pharos, version 0.1.0 (branch: main, revision: 1a2b3c...)
//     build user:       user@host
//     build date:       20261123-16:50:35
//     compiler:         GNU 12.2.0
//     platform:         linux/amd64
std::string VersionText(const BuildInfo& info);

// "(version=0.1.0, branch=main, revision=1a2b3c)", the startup log's version.
std::string VersionSummary(const BuildInfo& info);

// "(compiler=GNU 12.2.0, platform=linux/amd64, user=user@host,
// date=20261123-16:50:35)", the startup log's build_context.
std::string BuildContext(const BuildInfo& info);

}  // namespace pharos::server
