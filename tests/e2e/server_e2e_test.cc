// End-to-end: runs the real pharos binary on 127.0.0.1 with a fresh data
// directory and talks to it over sockets.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "tests/e2e/http_client.h"
#include "tests/e2e/process.h"

#ifndef PHAROS_BINARY
#error "PHAROS_BINARY must name the pharos executable"
#endif

namespace pharos::e2e {
namespace {

using namespace std::chrono_literals;

constexpr auto kStartTimeout = 30s;
constexpr auto kStopTimeout = 30s;

// A logfmt line as Pharos writes it.
const std::regex kLogfmtLine(
    R"(ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z caller=[\w.]+:\d+ level=(debug|info|warn|error) )"
    R"(msg=("([^"\\]|\\.)*"|\S+)( [\w.]+=("([^"\\]|\\.)*"|\S*))*)");

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pharos-e2e-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A running pharos server on 127.0.0.1 with its own data directory.
class Server {
 public:
  // Starts pharos and waits until it is ready. `extra` flags are appended.
  static std::unique_ptr<Server> Start(std::vector<std::string> extra = {}) {
    auto server = std::unique_ptr<Server>(new Server());
    std::vector<std::string> args = {"--web.listen-address=127.0.0.1:0",
                                     "--storage.tsdb.path=" + server->data_.path() + "/data"};
    args.insert(args.end(), extra.begin(), extra.end());
    Result<std::unique_ptr<Process>> p = Process::Start(PHAROS_BINARY, args);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (!p.ok()) return nullptr;
    server->process_ = std::move(*p);

    Result<std::string> listening =
        server->process_->WaitForStderr("msg=\"Listening on\"", kStartTimeout);
    EXPECT_TRUE(listening.ok()) << listening.status().ToString();
    if (!listening.ok()) return nullptr;
    std::smatch m;
    if (!std::regex_search(*listening, m, std::regex(R"(address=127\.0\.0\.1:(\d+))"))) {
      ADD_FAILURE() << "no address in: " << *listening;
      return nullptr;
    }
    server->port_ = static_cast<uint16_t>(std::stoi(m[1]));

    Result<std::string> ready = server->process_->WaitForStderr(
        "msg=\"Server is ready to receive web requests.\"", kStartTimeout);
    EXPECT_TRUE(ready.ok()) << ready.status().ToString();
    if (!ready.ok()) return nullptr;
    return server;
  }

  uint16_t port() const { return port_; }
  Process& process() { return *process_; }

  HttpResponse Get(const std::string& target, const std::string& method = "GET") {
    Result<HttpResponse> res = HttpRequest("127.0.0.1", port_, method, target);
    EXPECT_TRUE(res.ok()) << method << " " << target << ": " << res.status().ToString();
    return res.ok() ? *res : HttpResponse{};
  }

  // Sends `sig` and returns the exit code (-1 when it does not exit in time).
  int StopWith(int sig) {
    EXPECT_TRUE(process_->Signal(sig).ok());
    Result<int> code = process_->Wait(kStopTimeout);
    EXPECT_TRUE(code.ok()) << code.status().ToString();
    return code.ok() ? *code : -1;
  }

 private:
  Server() = default;

  TempDir data_;
  std::unique_ptr<Process> process_;
  uint16_t port_ = 0;
};

// Runs pharos to completion with `args`; returns the exit code.
int RunToExit(const std::vector<std::string>& args, std::string* out, std::string* err) {
  Result<std::unique_ptr<Process>> p = Process::Start(PHAROS_BINARY, args);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok()) return -1;
  Result<int> code = (*p)->Wait(kStopTimeout);
  EXPECT_TRUE(code.ok()) << code.status().ToString();
  *out = (*p)->Stdout();
  *err = (*p)->Stderr();
  return code.ok() ? *code : -1;
}

void ExpectAllLogfmt(const std::vector<std::string>& lines) {
  ASSERT_FALSE(lines.empty());
  for (const std::string& line : lines) {
    EXPECT_TRUE(std::regex_match(line, kLogfmtLine)) << "not logfmt: " << line;
  }
}

TEST(ServerE2E, ServesHealthAndReadiness) {
  auto server = Server::Start();
  ASSERT_NE(server, nullptr);

  HttpResponse healthy = server->Get("/-/healthy");
  EXPECT_EQ(healthy.status, 200);
  EXPECT_EQ(healthy.body, "Pharos is Healthy.\n");
  EXPECT_EQ(healthy.Header("Content-Type"), "text/plain; charset=utf-8");

  HttpResponse ready = server->Get("/-/ready");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "Pharos is Ready.\n");

  HttpResponse head = server->Get("/-/healthy", "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(server->Get("/-/ready", "HEAD").status, 200);

  HttpResponse missing = server->Get("/no/such/path");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "404 page not found\n");

  HttpResponse post = server->Get("/-/healthy", "POST");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.Header("Allow"), "GET, HEAD");

  EXPECT_EQ(server->StopWith(SIGTERM), 0);
}

TEST(ServerE2E, LogsStartupInLogfmt) {
  auto server = Server::Start();
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->StopWith(SIGTERM), 0);
  std::vector<std::string> lines = server->process().StderrLines();
  ExpectAllLogfmt(lines);
  std::string all = server->process().Stderr();
  for (const char* want :
       {"level=info msg=\"Starting Pharos\" version=\"(version=0.1.0, branch=", "component=web",
        "msg=\"Listening on\" component=web address=127.0.0.1:", "msg=\"TSDB started\"",
        "msg=\"Server is ready to receive web requests.\""}) {
    EXPECT_NE(all.find(want), std::string::npos) << want << "\n" << all;
  }
}

TEST(ServerE2E, SigtermStopsGracefully) {
  auto server = Server::Start();
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->StopWith(SIGTERM), 0);
  std::vector<std::string> lines = server->process().StderrLines();
  ExpectAllLogfmt(lines);
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(server->process().Stderr().find("signal=SIGTERM"), std::string::npos);
  EXPECT_NE(lines.back().find("level=info msg=\"See you next time!\""), std::string::npos)
      << lines.back();
}

TEST(ServerE2E, SigintStopsGracefully) {
  auto server = Server::Start();
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->Get("/-/ready").status, 200);
  EXPECT_EQ(server->StopWith(SIGINT), 0);
  std::vector<std::string> lines = server->process().StderrLines();
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(server->process().Stderr().find("signal=SIGINT"), std::string::npos);
  EXPECT_NE(lines.back().find("msg=\"See you next time!\""), std::string::npos) << lines.back();
}

TEST(ServerE2E, StopsWhileAClientHoldsAConnection) {
  auto server = Server::Start();
  ASSERT_NE(server, nullptr);
  Result<HttpConnection> idle = HttpConnection::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(idle.ok());
  ASSERT_EQ(idle->RoundTrip("GET", "/-/healthy")->status, 200);
  EXPECT_EQ(server->StopWith(SIGTERM), 0);
  EXPECT_TRUE(idle->PeerClosed(5s));
}

TEST(ServerE2E, RestartsOnTheSameDataDirectory) {
  TempDir dir;
  std::vector<std::string> args = {"--web.listen-address=127.0.0.1:0",
                                   "--storage.tsdb.path=" + dir.path()};
  for (int i = 0; i < 2; ++i) {
    Result<std::unique_ptr<Process>> p = Process::Start(PHAROS_BINARY, args);
    ASSERT_TRUE(p.ok());
    ASSERT_TRUE(
        (*p)->WaitForStderr("msg=\"Server is ready to receive web requests.\"", kStartTimeout).ok())
        << (*p)->Stderr();
    ASSERT_TRUE((*p)->Signal(SIGTERM).ok());
    Result<int> code = (*p)->Wait(kStopTimeout);
    ASSERT_TRUE(code.ok());
    EXPECT_EQ(*code, 0) << (*p)->Stderr();
  }
}

TEST(ServerE2E, JsonLogFormat) {
  TempDir dir;
  Result<std::unique_ptr<Process>> p =
      Process::Start(PHAROS_BINARY, {"--web.listen-address=127.0.0.1:0",
                                     "--storage.tsdb.path=" + dir.path(), "--log.format=json"});
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(
      (*p)->WaitForStderr("\"msg\":\"Server is ready to receive web requests.\"", kStartTimeout)
          .ok())
      << (*p)->Stderr();
  ASSERT_TRUE((*p)->Signal(SIGTERM).ok());
  Result<int> code = (*p)->Wait(kStopTimeout);
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(*code, 0);
  const std::regex json_line(R"(\{"ts":"[^"]+","caller":"[^"]+","level":"\w+","msg":.*\})");
  for (const std::string& line : (*p)->StderrLines()) {
    EXPECT_TRUE(std::regex_match(line, json_line)) << line;
  }
}

TEST(ServerE2E, VersionFlag) {
  std::string out, err;
  EXPECT_EQ(RunToExit({"--version"}, &out, &err), 0) << err;
  EXPECT_TRUE(std::regex_search(
      out,
      std::regex(
          R"(^pharos, version 0\.1\.0 \(branch: \S+, revision: (?:[0-9a-f]{40}|unknown)\)\n)")))
      << out;
  for (const char* key : {"\n  build user:       ", "\n  build date:       ",
                          "\n  compiler:         ", "\n  platform:         "}) {
    EXPECT_NE(out.find(key), std::string::npos) << key << "\n" << out;
  }
}

TEST(ServerE2E, HelpFlag) {
  std::string out, err;
  EXPECT_EQ(RunToExit({"--help"}, &out, &err), 0) << err;
  EXPECT_EQ(out.rfind("usage: pharos [<flags>]", 0), 0u) << out;
  for (const char* flag : {"--config.file", "--storage.tsdb.path", "--storage.tsdb.retention.time",
                           "--storage.tsdb.retention.size", "--[no-]storage.tsdb.wal-fsync",
                           "--web.listen-address", "--log.level", "--log.format", "--version"}) {
    EXPECT_NE(out.find(flag), std::string::npos) << flag;
  }
  std::string short_out;
  EXPECT_EQ(RunToExit({"-h"}, &short_out, &err), 0);
  EXPECT_EQ(short_out, out);
}

TEST(ServerE2E, BadFlagsExitWithAMessage) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"--no-such-flag"}, "unknown flag --no-such-flag"},
      {{"--storage.tsdb.retention.time=3x"}, "not a valid duration string: \"3x\""},
      {{"--storage.tsdb.retention.size=100"}, "missing unit"},
      {{"--log.level=loud"}, "unrecognized log level"},
      {{"extra"}, "unexpected argument"},
  };
  for (const Case& c : cases) {
    std::string out, err;
    EXPECT_EQ(RunToExit(c.args, &out, &err), 2) << c.args[0];
    EXPECT_NE(err.find("pharos: error: "), std::string::npos) << err;
    EXPECT_NE(err.find(c.message), std::string::npos) << err;
    EXPECT_NE(err.find("try --help"), std::string::npos) << err;
  }
}

TEST(ServerE2E, PortInUseExitsWithError) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::string address = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

  TempDir dir;
  std::string out, err;
  EXPECT_EQ(RunToExit({"--web.listen-address=" + address, "--storage.tsdb.path=" + dir.path()},
                      &out, &err),
            1);
  close(fd);
  EXPECT_NE(err.find("level=error"), std::string::npos) << err;
  EXPECT_NE(err.find("msg=\"Unable to start web listener\""), std::string::npos) << err;
  EXPECT_NE(err.find("bind"), std::string::npos) << err;
}

TEST(ServerE2E, UnusableStoragePathExitsWithError) {
  TempDir dir;
  std::string file = dir.path() + "/not-a-directory";
  std::ofstream(file) << "x";
  std::string out, err;
  EXPECT_EQ(
      RunToExit({"--web.listen-address=127.0.0.1:0", "--storage.tsdb.path=" + file}, &out, &err),
      1);
  EXPECT_NE(err.find("msg=\"Opening storage failed\""), std::string::npos) << err;
}

}  // namespace
}  // namespace pharos::e2e
