#include "tests/e2e/suite_server.h"

#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>

namespace pharos::e2e {

using namespace std::chrono_literals;

SuiteServer::SuiteServer(const std::string& prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (mkdtemp(tmpl.data()) != nullptr) dir_ = tmpl;
}

SuiteServer::~SuiteServer() {
  if (process_ != nullptr) {
    process_->Signal(SIGKILL).IgnoreError();
    process_->Wait(30s).status().IgnoreError();
  }
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

Status SuiteServer::Start(const std::string& binary, std::vector<std::string> args) {
  if (dir_.empty()) return Status(StatusCode::kInternal, "no temporary directory");
  args.insert(args.begin(), "--web.listen-address=127.0.0.1:0");
  ASSIGN_OR_RETURN(process_, Process::Start(binary, args));
  ASSIGN_OR_RETURN(port_, WaitUntilServing(*process_, 30s));
  return Status();
}

Result<int> SuiteServer::Stop() {
  if (process_ == nullptr) return Status(StatusCode::kFailedPrecondition, "not started");
  process_->Signal(SIGTERM).IgnoreError();
  Result<int> code = process_->Wait(30s);
  process_.reset();
  return code;
}

}  // namespace pharos::e2e
