#include "server/version.h"

#include <gtest/gtest.h>

namespace pharos::server {
namespace {

TEST(Version, PrometheusStyleText) {
  BuildInfo info{"0.1.0",      "abc123",     "main", "me@host", "20261123-16:50:35",
                 "GNU 12.2.0", "linux/amd64"};
  EXPECT_EQ(VersionText(info),
            "pharos, version 0.1.0 (branch: main, revision: abc123)\n"
            "  build user:       me@host\n"
            "  build date:       20261123-16:50:35\n"
            "  compiler:         GNU 12.2.0\n"
            "  platform:         linux/amd64\n");
  EXPECT_EQ(VersionSummary(info), "(version=0.1.0, branch=main, revision=abc123)");
  EXPECT_EQ(BuildContext(info),
            "(compiler=GNU 12.2.0, platform=linux/amd64, user=me@host, date=20261123-16:50:35)");
}

}  // namespace
}  // namespace pharos::server
