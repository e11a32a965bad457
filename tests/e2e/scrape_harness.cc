#include "tests/e2e/scrape_harness.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/e2e/http_client.h"

namespace pharos::e2e {

namespace json = boost::json;
using namespace std::chrono_literals;

void ScrapeServer::WriteConfig(const std::string& yaml) const {
  // Written beside and renamed, so a reader never sees half a file.
  std::string tmp = config_path() + ".tmp";
  std::ofstream(tmp) << yaml;
  std::filesystem::rename(tmp, config_path());
}

Status ScrapeServer::StartPharos(const std::string& yaml, std::vector<std::string> extra) {
  if (dir_.empty()) return Status(StatusCode::kInternal, "no temporary directory");
  WriteConfig(yaml);
  std::vector<std::string> args = {"--storage.tsdb.path=" + dir_ + "/data",
                                   "--config.file=" + config_path()};
  args.insert(args.end(), extra.begin(), extra.end());
  return Start(PHAROS_BINARY, std::move(args));
}

Status ScrapeServer::StartPrometheus(const std::string& binary, const std::string& yaml) {
  if (dir_.empty()) return Status(StatusCode::kInternal, "no temporary directory");
  WriteConfig(yaml);
  port_ = FreePort();
  ASSIGN_OR_RETURN(process_, Process::Start(binary, {"--config.file=" + config_path(),
                                                     "--storage.tsdb.path=" + dir_ + "/prom",
                                                     "--web.listen-address=127.0.0.1:" +
                                                         std::to_string(port_),
                                                     "--log.level=warn"}));
  bool ready = Eventually(
      [&] {
        Result<HttpResponse> r = HttpGet("127.0.0.1", port_, "/-/ready", 1s);
        return r.ok() && r->status == 200;
      },
      30s);
  if (!ready) return Status(StatusCode::kInternal, "prometheus not ready: " + process_->Stderr());
  return Status();
}

uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string QueryEscape(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out += {'%', kHex[u >> 4], kHex[u & 15]};
    }
  }
  return out;
}

json::value GetJson(uint16_t port, const std::string& target) {
  Result<HttpResponse> r = HttpGet("127.0.0.1", port, target, 10s);
  if (!r.ok()) return nullptr;
  json::error_code ec;
  json::value v = json::parse(r->body, ec);
  return ec ? json::value() : v;
}

json::value ApiData(uint16_t port, const std::string& target) {
  json::value v = GetJson(port, target);
  if (!v.is_object() || Str(v.as_object()["status"]) != "success") {
    ADD_FAILURE() << "GET " << target << ": " << json::serialize(v);
    return nullptr;
  }
  return v.as_object()["data"];
}

std::string Str(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : ""; }

LabelMap ToLabelMap(const json::value& v) {
  LabelMap out;
  if (!v.is_object()) return out;
  for (const auto& kv : v.as_object()) out[std::string(kv.key())] = Str(kv.value());
  return out;
}

namespace {

double ParseValue(const json::value& v) { return std::strtod(Str(v).c_str(), nullptr); }

int64_t ParseTimeMs(const json::value& v) {
  double t = v.is_double() ? v.as_double() : v.is_int64() ? static_cast<double>(v.as_int64()) : 0;
  return static_cast<int64_t>(std::llround(t * 1000));
}

}  // namespace

std::vector<VectorSample> InstantQuery(uint16_t port, const std::string& expr) {
  std::vector<VectorSample> out;
  json::value d = ApiData(port, "/api/v1/query?query=" + QueryEscape(expr));
  if (!d.is_object() || Str(d.as_object()["resultType"]) != "vector") return out;
  for (const json::value& s : d.as_object()["result"].as_array()) {
    const json::object& o = s.as_object();
    const json::array& pair = o.at("value").as_array();
    out.push_back({ToLabelMap(o.at("metric")), ParseTimeMs(pair[0]), ParseValue(pair[1])});
  }
  return out;
}

std::optional<double> QueryValue(uint16_t port, const std::string& expr) {
  std::vector<VectorSample> v = InstantQuery(port, expr);
  if (v.size() != 1) return std::nullopt;
  return v[0].value;
}

std::vector<RangeSeries> RawSamples(uint16_t port, const std::string& selector) {
  std::vector<RangeSeries> out;
  json::value d = ApiData(port, "/api/v1/query?query=" + QueryEscape(selector));
  if (!d.is_object() || Str(d.as_object()["resultType"]) != "matrix") return out;
  for (const json::value& s : d.as_object()["result"].as_array()) {
    const json::object& o = s.as_object();
    RangeSeries rs;
    rs.metric = ToLabelMap(o.at("metric"));
    for (const json::value& p : o.at("values").as_array()) {
      rs.samples.emplace_back(ParseTimeMs(p.as_array()[0]), ParseValue(p.as_array()[1]));
    }
    out.push_back(std::move(rs));
  }
  return out;
}

std::vector<LabelMap> Series(uint16_t port, const std::string& match) {
  std::vector<LabelMap> out;
  json::value d = ApiData(port, "/api/v1/series?match[]=" + QueryEscape(match));
  if (!d.is_array()) return out;
  for (const json::value& s : d.as_array()) out.push_back(ToLabelMap(s));
  std::sort(out.begin(), out.end());
  return out;
}

json::value ActiveTarget(uint16_t port, const LabelMap& labels) {
  json::value d = ApiData(port, "/api/v1/targets?state=active");
  if (!d.is_object()) return nullptr;
  for (const json::value& t : d.as_object()["activeTargets"].as_array()) {
    LabelMap have = ToLabelMap(t.as_object().at("labels"));
    bool all = std::all_of(labels.begin(), labels.end(), [&](const auto& kv) {
      auto it = have.find(kv.first);
      return it != have.end() && it->second == kv.second;
    });
    if (all) return t;
  }
  return nullptr;
}

std::string LastError(uint16_t port, const LabelMap& labels) {
  json::value t = ActiveTarget(port, labels);
  return t.is_object() ? Str(t.as_object().at("lastError")) : "";
}

std::string Health(uint16_t port, const LabelMap& labels) {
  json::value t = ActiveTarget(port, labels);
  return t.is_object() ? Str(t.as_object().at("health")) : "";
}

int64_t VmRssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoll(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

}  // namespace pharos::e2e
