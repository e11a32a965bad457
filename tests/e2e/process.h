// Process: runs a program as a child for end-to-end tests, capturing its
// stdout and stderr, with every wait bounded in time.
//
//   ASSIGN_OR_RETURN(auto p, Process::Start(kPharos, {"--web.listen-address=127.0.0.1:0"}));
//   ASSIGN_OR_RETURN(std::string line, p->WaitForStderr("msg=\"Listening on\"", 10s));
//   p->Signal(SIGTERM);
//   ASSIGN_OR_RETURN(int code, p->Wait(10s));
//
// The child gets SIGKILL if the test process dies, and from the destructor
// if it is still running.
//
// Thread-safety: all methods may be called from any thread; a reader thread
// collects the output.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tsdb/status.h"

namespace pharos::e2e {

class Process {
 public:
  // Starts `path` with `args` (argv[1..]). Errors: kInternal when the pipes
  // or fork fail; a program that cannot be executed exits with code 127.
  static Result<std::unique_ptr<Process>> Start(const std::string& path,
                                                const std::vector<std::string>& args);

  // Kills the child (SIGKILL) if it still runs, and reaps it.
  ~Process();

  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }

  // Waits until a complete stderr line contains `needle` and returns that
  // line (without the newline). Lines already seen count. Errors:
  // kDeadlineExceeded after `timeout`, kUnavailable when stderr closes first.
  Result<std::string> WaitForStderr(std::string_view needle, std::chrono::milliseconds timeout);

  Status Signal(int sig);

  // Waits for the child to exit and for its output to be read to the end.
  // Returns the exit code, or 128 + the signal that killed it. Errors:
  // kDeadlineExceeded after `timeout` (the child is left running).
  Result<int> Wait(std::chrono::milliseconds timeout);

  // What the child has written so far; complete once Wait() returned.
  std::string Stdout() const;
  std::string Stderr() const;
  // Stderr() split into lines.
  std::vector<std::string> StderrLines() const;

 private:
  Process(pid_t pid, int out_fd, int err_fd);
  void ReadLoop();

  const pid_t pid_;
  const int out_fd_;
  const int err_fd_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string out_;      // GUARDED_BY(mu_)
  std::string err_;      // GUARDED_BY(mu_)
  bool eof_ = false;     // GUARDED_BY(mu_): both pipes closed
  bool reaped_ = false;  // GUARDED_BY(mu_)
  int exit_code_ = -1;   // GUARDED_BY(mu_)
  std::thread reader_;
};

// For a started Pharos: waits for its "Listening on" log line and then for
// "Server is ready", each within `timeout`, and returns the port it bound.
Result<uint16_t> WaitUntilServing(Process& pharos, std::chrono::milliseconds timeout);

}  // namespace pharos::e2e
