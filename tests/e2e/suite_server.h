// SuiteServer: one Pharos shared by a whole gtest suite, in its own
// temporary directory.
//
//   static void SetUpTestSuite() {
//     server_ = new SuiteServer("pharos-api-e2e");   // dir() exists now
//     ASSERT_TRUE(server_->Start(PHAROS_BINARY, {"--storage.tsdb.path=" + server_->dir() + "/data"}).ok());
//   }
//   static void TearDownTestSuite() {
//     Result<int> code = server_->Stop();
//     EXPECT_TRUE(code.ok() && *code == 0);            // a clean exit
//     delete server_;                                  // removes dir()
//   }
//
// Thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/process.h"
#include "tsdb/status.h"

namespace pharos::e2e {

class SuiteServer {
 public:
  // Creates "<temp dir>/<prefix>-XXXXXX".
  explicit SuiteServer(const std::string& prefix);
  // Kills a server still running and removes the directory.
  virtual ~SuiteServer();
  SuiteServer(const SuiteServer&) = delete;
  SuiteServer& operator=(const SuiteServer&) = delete;

  const std::string& dir() const { return dir_; }

  // Starts `binary` with --web.listen-address=127.0.0.1:0 and `args`, and
  // waits (30 s at most) until it listens and is ready.
  Status Start(const std::string& binary, std::vector<std::string> args);

  // SIGTERM, then the exit code (30 s at most).
  Result<int> Stop();

  uint16_t port() const { return port_; }
  Process& process() { return *process_; }

 protected:
  std::string dir_;
  std::unique_ptr<Process> process_;
  uint16_t port_ = 0;
};

}  // namespace pharos::e2e
