#include "server/version.h"

namespace pharos::server {

std::string VersionText(const BuildInfo& info) {
  std::string out = "pharos, version " + info.version + " (branch: " + info.branch +
                    ", revision: " + info.revision + ")\n";
  out += "  build user:       " + info.build_user + "\n";
  out += "  build date:       " + info.build_date + "\n";
  out += "  compiler:         " + info.compiler + "\n";
  out += "  platform:         " + info.platform + "\n";
  return out;
}

std::string VersionSummary(const BuildInfo& info) {
  return "(version=" + info.version + ", branch=" + info.branch + ", revision=" + info.revision +
         ")";
}

std::string BuildContext(const BuildInfo& info) {
  return "(compiler=" + info.compiler + ", platform=" + info.platform +
         ", user=" + info.build_user + ", date=" + info.build_date + ")";
}

}  // namespace pharos::server
