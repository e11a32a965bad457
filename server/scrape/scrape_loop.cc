#include "server/scrape/scrape_loop.h"

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <fstream>
#include <sstream>

#include "server/scrape/append_scrape.h"
#include "server/scrape/http_scraper.h"
#include "tsdb/sample.h"

namespace pharos::server::scrape {

namespace asio = boost::asio;

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string ReadSecret(const std::string& inline_value, const std::string& file) {
  if (file.empty()) return inline_value;
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string AuthorizationHeader(const HttpClientConfig& c) {
  if (c.basic_auth) {
    return BasicAuthHeader(c.basic_auth->username,
                           ReadSecret(c.basic_auth->password, c.basic_auth->password_file));
  }
  if (c.authorization) {
    std::string cred = ReadSecret(c.authorization->credentials, c.authorization->credentials_file);
    if (cred.empty()) return "";
    return c.authorization->type + " " + cred;
  }
  return "";
}

constexpr std::array<std::string_view, 5> kReportNames = {
    "up", "scrape_duration_seconds", "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling", "scrape_series_added"};

}  // namespace

class ScrapeLoop::Impl : public std::enable_shared_from_this<Impl> {
 public:
  explicit Impl(ScrapeLoopOptions o)
      : opts_(std::move(o)),
        timer_(*opts_.io),
        scraper_(*opts_.io, HttpScraper::Options{
                                .url = opts_.target->url(),
                                .timeout_ms = opts_.target->timeout_ms(),
                                .body_size_limit = opts_.config->body_size_limit,
                                .authorization = AuthorizationHeader(opts_.config->http_client),
                                .user_agent = opts_.user_agent,
                                .tls = opts_.tls,
                                .follow_redirects = opts_.config->http_client.follow_redirects}) {
    const ScrapeConfig& c = *opts_.config;
    append_.target_labels = &opts_.target->labels();
    append_.honor_labels = c.honor_labels;
    append_.honor_timestamps = c.honor_timestamps;
    append_.metric_relabel_configs = c.metric_relabel_configs;
    append_.limits = {c.sample_limit, c.label_limit, c.label_name_length_limit,
                      c.label_value_length_limit};
    for (size_t i = 0; i < kReportNames.size(); ++i) {
      report_labels_[i] = opts_.target->labels().With(tsdb::kMetricName, kReportNames[i]);
    }
  }

  void Start() {
    asio::post(*opts_.io, [self = shared_from_this()] {
      if (self->stopped_) return;
      int64_t now = NowMs();
      self->next_ms_ = now + self->opts_.target->OffsetMs(now, self->opts_.offset_seed);
      self->Arm();
    });
  }

  void Stop(bool stale) {
    asio::post(*opts_.io, [self = shared_from_this(), stale] {
      if (self->stopped_) return;
      self->stopped_ = true;
      self->stale_on_stop_ = stale;
      self->timer_.cancel();
      self->scraper_.Cancel();
      if (!self->busy_) self->ScheduleEndOfRun();
    });
  }

  void SetForcedError(Status e) {
    asio::post(*opts_.io, [self = shared_from_this(), e = std::move(e)] { self->forced_ = e; });
  }

  const std::shared_ptr<Target>& target() const { return opts_.target; }

 private:
  void ArmAt(int64_t at_ms, std::function<void()> fn) {
    timer_.expires_after(std::chrono::milliseconds(std::max<int64_t>(0, at_ms - NowMs())));
    timer_.async_wait([fn = std::move(fn)](const boost::system::error_code& ec) {
      if (!ec) fn();
    });
  }

  void Arm() {
    ArmAt(next_ms_, [self = shared_from_this()] { self->Tick(); });
  }

  void Tick() {
    if (stopped_) return;
    const int64_t scheduled = next_ms_;
    const int64_t interval = opts_.target->interval_ms();
    int64_t now = NowMs();
    // Prometheus aligns timestamps that are within 2ms of the schedule.
    int64_t ts = (now - scheduled <= 2 && interval > 200) ? scheduled : now;
    while (next_ms_ <= now) next_ms_ += interval;
    busy_ = true;
    auto start = std::chrono::steady_clock::now();
    if (!forced_.ok()) {
      return Process(forced_, {}, ts, start);
    }
    scraper_.Fetch([self = shared_from_this(), ts, start](Status st, HttpScraper::Response r) {
      if (self->stopped_) {
        self->busy_ = false;
        return self->ScheduleEndOfRun();
      }
      self->Process(std::move(st), std::move(r), ts, start);
    });
  }

  void Process(Status fetched, HttpScraper::Response resp, int64_t ts,
               std::chrono::steady_clock::time_point start) {
    auto job = [self = shared_from_this(), fetched = std::move(fetched),
                resp = std::move(resp), ts, start]() mutable {
      self->AppendAndReport(fetched, resp, ts, start);
      asio::post(*self->opts_.io, [self] {
        self->busy_ = false;
        if (self->stopped_) return self->ScheduleEndOfRun();
        self->Arm();
      });
    };
    opts_.run_blocking(std::move(job));
  }

  void AppendAndReport(const Status& fetched, const HttpScraper::Response& resp, int64_t ts,
                       std::chrono::steady_clock::time_point start) {
    ScrapeCache& cache = *opts_.target->cache();
    std::unique_ptr<tsdb::Appender> app = opts_.storage->NewAppender();
    AppendStats stats;
    Status err = fetched;
    if (err.ok()) {
      err = AppendScrape(resp.body, resp.content_type, ts, append_, cache, *app, &stats);
      if (!err.ok()) {
        app->Rollback().IgnoreError();
        app = opts_.storage->NewAppender();
      }
    }
    if (!err.ok()) {
      AppendStats ignored;
      AppendScrape("", "", ts, append_, cache, *app, &ignored).IgnoreError();
    }
    double duration =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::array<double, 5> values = {err.ok() ? 1.0 : 0.0, duration,
                                    static_cast<double>(stats.total),
                                    static_cast<double>(stats.added),
                                    static_cast<double>(stats.series_added)};
    AppendReport(*app, ts, values);
    if (Status c = app->Commit(); !c.ok() && err.ok()) err = c;
    opts_.target->Report(ts, duration, err);
    last_scrape_ms_ = ts;
    if (opts_.on_scrape) opts_.on_scrape(err, stats);
  }

  void AppendReport(tsdb::Appender& app, int64_t ts, const std::array<double, 5>& values) {
    for (size_t i = 0; i < values.size(); ++i) {
      Result<tsdb::SeriesRef> r = app.Append(report_refs_[i], report_labels_[i], ts, values[i]);
      if (r.ok()) report_refs_[i] = *r;
    }
  }

  // Stop(true): stale markers at the first missed scrape's time, written
  // just over two intervals after the last scrape.
  void ScheduleEndOfRun() {
    if (!stale_on_stop_ || last_scrape_ms_ == 0) return;
    const int64_t interval = opts_.target->interval_ms();
    int64_t stale_ts = next_ms_;
    int64_t now = NowMs();
    while (stale_ts <= now) stale_ts += interval;
    ArmAt(stale_ts + interval + interval / 10, [self = shared_from_this(), stale_ts] {
      self->opts_.run_blocking([self, stale_ts] {
        std::unique_ptr<tsdb::Appender> app = self->opts_.storage->NewAppender();
        AppendStats ignored;
        AppendScrape("", "", stale_ts, self->append_, *self->opts_.target->cache(), *app, &ignored)
            .IgnoreError();
        std::array<double, 5> stale;
        stale.fill(tsdb::kStaleNaN);
        self->AppendReport(*app, stale_ts, stale);
        app->Commit().IgnoreError();
      });
    });
  }

  ScrapeLoopOptions opts_;
  AppendOptions append_;
  std::array<tsdb::Labels, 5> report_labels_;
  std::array<tsdb::SeriesRef, 5> report_refs_{};
  asio::steady_timer timer_;
  HttpScraper scraper_;
  // io thread only:
  int64_t next_ms_ = 0;
  bool stopped_ = false;
  bool stale_on_stop_ = false;
  bool busy_ = false;
  Status forced_;
  // Written by the worker between io posts (ordered by them).
  int64_t last_scrape_ms_ = 0;
};

ScrapeLoop::ScrapeLoop(ScrapeLoopOptions options)
    : impl_(std::make_shared<Impl>(std::move(options))) {}

ScrapeLoop::~ScrapeLoop() = default;

void ScrapeLoop::Start() { impl_->Start(); }

void ScrapeLoop::Stop(bool stale_markers) { impl_->Stop(stale_markers); }

void ScrapeLoop::SetForcedError(Status error) { impl_->SetForcedError(std::move(error)); }

const std::shared_ptr<Target>& ScrapeLoop::target() const { return impl_->target(); }

}  // namespace pharos::server::scrape
