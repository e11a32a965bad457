#include "tests/e2e/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <regex>
#include <cstring>

namespace pharos::e2e {

Result<std::unique_ptr<Process>> Process::Start(const std::string& path,
                                                const std::vector<std::string>& args) {
  int out[2];
  int err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return InternalError(std::string("pipe: ") + strerror(errno));
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return InternalError(std::string("pipe: ") + strerror(errno));
  }
  // Built before fork: the child may only make async-signal-safe calls.
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(path.c_str()));
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t parent = getpid();

  pid_t pid = fork();
  if (pid < 0) return InternalError(std::string("fork: ") + strerror(errno));
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(path.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  return std::unique_ptr<Process>(new Process(pid, out[0], err[0]));
}

Process::Process(pid_t pid, int out_fd, int err_fd) : pid_(pid), out_fd_(out_fd), err_fd_(err_fd) {
  reader_ = std::thread([this] { ReadLoop(); });
}

Process::~Process() {
  bool running;
  {
    std::lock_guard<std::mutex> lock(mu_);
    running = !reaped_;
  }
  if (running) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  reader_.join();
  close(out_fd_);
  close(err_fd_);
}

void Process::ReadLoop() {
  bool out_open = true;
  bool err_open = true;
  while (out_open || err_open) {
    pollfd fds[2] = {{out_open ? out_fd_ : -1, POLLIN, 0}, {err_open ? err_fd_ : -1, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents == 0) continue;
      char buf[8192];
      ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      std::lock_guard<std::mutex> lock(mu_);
      if (n <= 0) {
        (i == 0 ? out_open : err_open) = false;
      } else {
        (i == 0 ? out_ : err_).append(buf, static_cast<size_t>(n));
      }
      cv_.notify_all();
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  eof_ = true;
  cv_.notify_all();
}

Result<std::string> Process::WaitForStderr(std::string_view needle,
                                           std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    size_t start = 0;
    while (true) {
      size_t nl = err_.find('\n', start);
      if (nl == std::string::npos) break;
      std::string_view line(err_.data() + start, nl - start);
      if (line.find(needle) != std::string_view::npos) return std::string(line);
      start = nl + 1;
    }
    if (eof_) {
      return UnavailableError("stderr closed before a line containing \"" + std::string(needle) +
                              "\"; stderr was:\n" + err_);
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      return DeadlineExceededError("no stderr line containing \"" + std::string(needle) +
                                   "\" within " + std::to_string(timeout.count()) +
                                   " ms; stderr was:\n" + err_);
    }
  }
}

Status Process::Signal(int sig) {
  if (kill(pid_, sig) != 0) return InternalError(std::string("kill: ") + strerror(errno));
  return Status::Ok();
}

Result<int> Process::Wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (reaped_) return exit_code_;
  }
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      std::unique_lock<std::mutex> lock(mu_);
      reaped_ = true;
      exit_code_ = code;
      // The output pipes close when the child exits (unless it left
      // grandchildren holding them): wait for the reader to drain them.
      cv_.wait_until(lock, deadline, [this] { return eof_; });
      return code;
    }
    if (r < 0 && errno != EINTR) return InternalError(std::string("waitpid: ") + strerror(errno));
    if (std::chrono::steady_clock::now() >= deadline) {
      return DeadlineExceededError("process " + std::to_string(pid_) + " still running after " +
                                   std::to_string(timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string Process::Stdout() const {
  std::lock_guard<std::mutex> lock(mu_);
  return out_;
}

std::string Process::Stderr() const {
  std::lock_guard<std::mutex> lock(mu_);
  return err_;
}

std::vector<std::string> Process::StderrLines() const {
  std::string text = Stderr();
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

Result<uint16_t> WaitUntilServing(Process& pharos, std::chrono::milliseconds timeout) {
  ASSIGN_OR_RETURN(std::string line, pharos.WaitForStderr("msg=\"Listening on\"", timeout));
  std::smatch m;
  if (!std::regex_search(line, m, std::regex(R"(address=127\.0\.0\.1:(\d+))"))) {
    return Status(StatusCode::kInternal, "no address in: " + line);
  }
  const uint16_t port = static_cast<uint16_t>(std::stoi(m[1]));
  RETURN_IF_ERROR(pharos.WaitForStderr("msg=\"Server is ready", timeout).status());
  return port;
}

}  // namespace pharos::e2e
