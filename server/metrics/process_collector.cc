#include "server/metrics/process_collector.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace pharos::server::metrics {
namespace {

// The fields of /proc/self/stat after the parenthesised command name
// (which may hold spaces): index 0 is field 3, "state".
bool ReadStatFields(std::vector<std::string>* fields) {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  size_t close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest(line.substr(close + 1));
  std::string f;
  while (rest >> f) fields->push_back(f);
  return fields->size() >= 22;
}

// Seconds since the epoch at which the machine booted (/proc/stat btime).
double BootTime() {
  std::ifstream in("/proc/stat");
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == "btime") {
      in >> value;
      return value;
    }
    in.ignore(1 << 16, '\n');
  }
  return 0;
}

double OpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  double n = 0;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n - 1;  // the descriptor opendir itself holds
}

FamilySnapshot Gauge1(const char* name, const char* help, double v, MetricType type) {
  FamilySnapshot f{name, help, type, {}};
  f.samples.push_back({"", {}, v});
  return f;
}

}  // namespace

Registry::Collector ProcessCollector() {
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  const double boot = BootTime();
  return [ticks, page, boot](std::vector<FamilySnapshot>* out) {
    std::vector<std::string> st;
    if (!ReadStatFields(&st)) return;
    // Fields (1-based, man proc): 14 utime, 15 stime, 22 starttime,
    // 23 vsize, 24 rss; index = field - 3.
    double cpu = (std::stod(st[11]) + std::stod(st[12])) / ticks;
    double start = boot + std::stod(st[19]) / ticks;
    double vsize = std::stod(st[20]);
    double rss = std::stod(st[21]) * page;
    out->push_back(Gauge1("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                          cpu, MetricType::kCounter));
    out->push_back(Gauge1("process_resident_memory_bytes", "Resident memory size in bytes.", rss,
                          MetricType::kGauge));
    out->push_back(Gauge1("process_virtual_memory_bytes", "Virtual memory size in bytes.", vsize,
                          MetricType::kGauge));
    out->push_back(Gauge1("process_start_time_seconds",
                          "Start time of the process since unix epoch in seconds.", start,
                          MetricType::kGauge));
    out->push_back(Gauge1("process_open_fds", "Number of open file descriptors.", OpenFds(),
                          MetricType::kGauge));
    rlimit nofile{};
    if (getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
      out->push_back(Gauge1("process_max_fds", "Maximum number of open file descriptors.",
                            static_cast<double>(nofile.rlim_cur), MetricType::kGauge));
    }
    rlimit as{};
    if (getrlimit(RLIMIT_AS, &as) == 0) {
      double max = as.rlim_cur == RLIM_INFINITY ? 1.8446744073709552e+19
                                                : static_cast<double>(as.rlim_cur);
      out->push_back(Gauge1("process_virtual_memory_max_bytes",
                            "Maximum amount of virtual memory available in bytes.", max,
                            MetricType::kGauge));
    }
  };
}

}  // namespace pharos::server::metrics
