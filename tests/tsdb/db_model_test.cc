// A randomized model test of Db: thousands of appends over many series with
// rollbacks, every kind of rejected sample, time running across several
// partitions, maintenance rounds, deletes and restarts. A plain in-memory
// model (labels -> t -> value) says what Prometheus' rules require to be
// stored; every few hundred operations, and after each restart, queries with
// random matchers and ranges are compared against it bit for bit.
//
// The seed is printed; rerun a failure with PHAROS_MODEL_SEED=<seed>.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/tsdb/db_test_util.h"
#include "tsdb/db.h"

namespace pharos::tsdb {
namespace {

using testing::Collect;
using testing::M;
using testing::MustOpen;
using testing::SeriesSamples;
using testing::TempDir;
using testing::TestOptions;

constexpr int64_t kSec = 1000;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kHour = 60 * kMin;

bool SameBits(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

std::string Describe(const std::vector<Matcher>& ms) {
  std::string out = "{";
  for (const Matcher& m : ms) out += (out.size() > 1 ? ", " : "") + m.ToString();
  return out + "}";
}

std::string Describe(const Sample& s) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "(%" PRId64 ", %.17g bits=%016" PRIx64 ")", s.t, s.v,
                std::bit_cast<uint64_t>(s.v));
  return buf;
}

// What an Append must answer, according to the model.
enum class Verdict { kAccepted, kNoOp, kInvalidLabels, kOutOfBounds, kOutOfOrder, kDuplicate };

// What the database should hold. Mirrors the engine's documented rules:
// Append checks bounds and order against committed state; Commit re-checks
// every sample in batch order (a sample below a partition closed meanwhile
// is out of bounds, a later conflict within the batch is dropped and
// counted); deletes remove samples but not the series' newest timestamp.
class Model {
 public:
  struct Series {
    std::map<int64_t, double> samples;
    int64_t last_t = kMinTime;  // newest committed sample, even if deleted since
    double last_v = 0;
  };
  struct Pending {
    Labels labels;
    int64_t t;
    double v;
  };

  explicit Model(const DbOptions& o)
      : window_(o.out_of_bounds_window_ms), width_(o.partition_ms) {}

  int64_t MinValidTime() const {
    int64_t bound = max_t_ == kMinTime ? kMinTime : max_t_ - window_;
    return std::max(bound, persisted_until_);
  }
  int64_t max_t() const { return max_t_; }
  int64_t persisted_until() const { return persisted_until_; }
  const std::map<Labels, Series>& series() const { return series_; }
  const AppendRejections& rejections() const { return want_; }
  uint64_t appended() const { return appended_; }
  uint64_t appended_total() const { return appended_total_; }
  uint64_t dropped_at_commit() const { return dropped_at_commit_; }
  uint64_t out_of_bounds_at_commit() const { return out_of_bounds_at_commit_; }
  const std::map<Verdict, uint64_t>& verdicts() const { return verdicts_; }

  Verdict Check(const Labels& labels, bool valid_labels, int64_t t, double v) const {
    // Prometheus refuses out-of-bounds samples before it looks at labels.
    if (t < MinValidTime()) return Verdict::kOutOfBounds;
    if (!valid_labels) return Verdict::kInvalidLabels;
    auto it = series_.find(labels);
    if (it == series_.end() || t > it->second.last_t) return Verdict::kAccepted;
    if (t < it->second.last_t) return Verdict::kOutOfOrder;
    return SameBits(v, it->second.last_v) ? Verdict::kNoOp : Verdict::kDuplicate;
  }

  // Books the Append-time outcome of `Check`.
  void Appended(const Labels& labels, Verdict v) {
    ++verdicts_[v];
    switch (v) {
      case Verdict::kInvalidLabels: ++want_.invalid_labels; break;
      case Verdict::kOutOfBounds: ++want_.out_of_bounds; break;
      case Verdict::kOutOfOrder: ++want_.out_of_order; break;
      case Verdict::kDuplicate: ++want_.duplicate; break;
      case Verdict::kAccepted:
      case Verdict::kNoOp: created_.insert(labels); break;
    }
  }

  void Commit(const std::vector<Pending>& batch) {
    for (const Pending& p : batch) {
      if (p.t < persisted_until_) {
        ++want_.out_of_bounds;
        ++dropped_at_commit_;
        ++out_of_bounds_at_commit_;
        continue;
      }
      auto it = series_.find(p.labels);
      if (it != series_.end() && p.t <= it->second.last_t) {
        if (p.t < it->second.last_t) {
          ++want_.out_of_order;
        } else if (!SameBits(p.v, it->second.last_v)) {
          ++want_.duplicate;
        }
        ++dropped_at_commit_;
        continue;
      }
      Series& s = series_[p.labels];
      s.samples[p.t] = p.v;
      s.last_t = p.t;
      s.last_v = p.v;
      max_t_ = std::max(max_t_, p.t);
      ++appended_;
      ++appended_total_;
    }
  }

  // Maintain() closes every partition that ends an out-of-bounds window
  // before the newest sample.
  void Maintained() {
    if (max_t_ == kMinTime) return;
    persisted_until_ =
        std::max(persisted_until_, FloorDiv(max_t_ - window_, width_) * width_);
  }

  void Reopened() {
    want_ = {};
    appended_ = 0;
  }

  void Delete(const std::vector<Matcher>& ms, int64_t mint, int64_t maxt) {
    if (mint > maxt) return;
    for (auto& [labels, s] : series_) {
      if (!Matches(labels, ms)) continue;
      s.samples.erase(s.samples.lower_bound(mint), s.samples.upper_bound(maxt));
    }
  }

  // Matching series with their samples in [mint, maxt]. With `spanning`,
  // also (without samples) the series that have data before and after the
  // range but none in it: like Prometheus, the engine selects series by
  // chunk time ranges, so such a series may come back with no samples.
  std::vector<SeriesSamples> Select(const std::vector<Matcher>& ms, int64_t mint, int64_t maxt,
                                    bool spanning = false) const {
    std::vector<SeriesSamples> out;
    if (mint > maxt) return out;
    for (const auto& [labels, s] : series_) {
      if (!Matches(labels, ms)) continue;
      SeriesSamples got{labels, {}};
      auto it = s.samples.lower_bound(mint);
      for (; it != s.samples.end() && it->first <= maxt; ++it) {
        got.samples.push_back({it->first, it->second});
      }
      bool spans = it != s.samples.end() && it != s.samples.begin();
      if (!got.samples.empty() || (spanning && spans)) out.push_back(std::move(got));
    }
    return out;
  }

  // Label names, or values of `name`, of the series Select returns.
  std::vector<std::string> Labelled(const std::string* name, const std::vector<Matcher>& ms,
                                    int64_t mint, int64_t maxt, bool spanning = false) const {
    std::set<std::string> out;
    for (const SeriesSamples& s : Select(ms, mint, maxt, spanning)) Add(s.labels, name, &out);
    return {out.begin(), out.end()};
  }
  // The same over every series the head may have registered, data or not.
  std::vector<std::string> LabelledEver(const std::string* name) const {
    std::set<std::string> out;
    for (const Labels& l : created_) Add(l, name, &out);
    return {out.begin(), out.end()};
  }

  static bool Matches(const Labels& labels, const std::vector<Matcher>& ms) {
    return MatchesAll(ms, [&](const std::string& n) { return labels.Get(n); });
  }

 private:
  static void Add(const Labels& l, const std::string* name, std::set<std::string>* out) {
    if (name == nullptr) {
      for (const Label& x : l) out->insert(x.name);
    } else if (l.Has(*name)) {
      out->insert(std::string(l.Get(*name)));
    }
  }

  const int64_t window_;
  const int64_t width_;
  std::map<Labels, Series> series_;
  std::set<Labels> created_;  // every series the engine may have registered
  int64_t max_t_ = kMinTime;
  int64_t persisted_until_ = kMinTime;
  AppendRejections want_;
  uint64_t appended_ = 0;  // since the last open, like DbStats
  uint64_t appended_total_ = 0;
  uint64_t dropped_at_commit_ = 0;
  uint64_t out_of_bounds_at_commit_ = 0;  // below a partition closed after Append
  std::map<Verdict, uint64_t> verdicts_;
};

// Where a sample goes and how its values look.
struct SeriesSpec {
  Labels labels;
  int kind;         // 0 counter, 1 two-decimal gauge, 2 full-precision, 3 mostly constant
  int first_round;  // written only in [first_round, last_round]
  int last_round;
  int pause_from = 0;  // and not in [pause_from, pause_to): long enough a gap
  int pause_to = 0;    // that the series leaves the head and comes back
  double value = 0;
};

std::vector<std::string> SortedUnique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

bool IsSubset(const std::vector<std::string>& small, const std::vector<std::string>& big) {
  return std::includes(big.begin(), big.end(), small.begin(), small.end());
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
  return "[" + out + "]";
}

// Describes the first difference between a Select result and the model's,
// or "". Series in `spanning` (data on both sides of the range, none in it)
// may be returned without samples or not at all.
std::string Diff(std::vector<SeriesSamples> got, const std::vector<SeriesSamples>& want,
                 const std::vector<SeriesSamples>& spanning, bool labels_only) {
  std::set<Labels> optional;
  for (const SeriesSamples& s : spanning) {
    if (s.samples.empty()) optional.insert(s.labels);
  }
  std::erase_if(got, [&](const SeriesSamples& s) {
    return (labels_only || s.samples.empty()) && optional.count(s.labels) > 0;
  });
  std::set<Labels> got_labels, want_labels;
  for (const SeriesSamples& s : got) got_labels.insert(s.labels);
  for (const SeriesSamples& s : want) want_labels.insert(s.labels);
  for (const SeriesSamples& s : want) {
    if (!got_labels.count(s.labels)) {
      return "missing series " + s.labels.ToString() + " with " +
             std::to_string(s.samples.size()) + " samples from " + Describe(s.samples.front());
    }
  }
  for (const SeriesSamples& s : got) {
    if (!want_labels.count(s.labels)) {
      return "unexpected series " + s.labels.ToString() + " with " +
             std::to_string(s.samples.size()) + " samples" +
             (s.samples.empty() ? "" : " from " + Describe(s.samples.front()));
    }
  }
  for (size_t i = 0; i < std::max(got.size(), want.size()); ++i) {
    if (i >= got.size()) return "missing series " + want[i].labels.ToString();
    if (i >= want.size()) return "unexpected series " + got[i].labels.ToString();
    if (!(got[i].labels == want[i].labels)) {
      return "series #" + std::to_string(i) + " is " + got[i].labels.ToString() + ", want " +
             want[i].labels.ToString();
    }
    if (labels_only) continue;
    const auto& g = got[i].samples;
    const auto& w = want[i].samples;
    for (size_t j = 0; j < std::max(g.size(), w.size()); ++j) {
      std::string where = got[i].labels.ToString() + " sample #" + std::to_string(j) + ": ";
      if (j >= g.size()) return where + "missing " + Describe(w[j]);
      if (j >= w.size()) return where + "unexpected " + Describe(g[j]);
      if (!(g[j] == w[j])) return where + "got " + Describe(g[j]) + ", want " + Describe(w[j]);
    }
  }
  return "";
}

class ModelRun {
 public:
  ModelRun(uint64_t seed, int64_t start, int rounds, const std::string& dir)
      : rng_(seed), opts_(TestOptions(dir)), model_(opts_), rounds_(rounds), start_(start),
        now_(start) {
    opts_.retention_ms = 0;  // the model keeps everything
    opts_.max_samples_per_chunk = std::vector<int>{8, 30, 120}[Uniform(0, 2)];
    MakeSeries();
  }

  void Run() {
    db_ = MustOpen(opts_);
    ASSERT_NE(db_, nullptr);
    std::set<int> reopen_at;
    for (int i = 1; i <= 5; ++i) reopen_at.insert(rounds_ * i / 6 + Uniform(-20, 20));
    for (round_ = 0; round_ < rounds_; ++round_) {
      Round();
      if (::testing::Test::HasFatalFailure()) return;
      if (round_ % 150 == 149) CheckAll(30);
      if (round_ % 25 == 24) CheckAll(4);
      if (reopen_at.count(round_)) Reopen();
      if (::testing::Test::HasFatalFailure()) return;
    }
    FinishLingering(/*commit=*/true);
    ASSERT_TRUE(db_->Maintain(true).ok());
    model_.Maintained();
    CheckAll(30);
    Reopen();
    ASSERT_TRUE(db_->Close().ok());
    std::string verdicts;
    for (auto [v, n] : model_.verdicts()) {
      verdicts += " " + std::to_string(static_cast<int>(v)) + ":" + std::to_string(n);
    }
    std::printf(
        "model: %zu series, %" PRIu64 " samples appended, %zu stored, %" PRIu64
        " refused at commit (%" PRIu64 " out of bounds), %d deletes, %d reopens, %d checks, verdicts%s, until=%" PRId64
        "\n",
        model_.series().size(), model_.appended_total(), Stored(), model_.dropped_at_commit(),
        model_.out_of_bounds_at_commit(), deletes_, reopens_, checks_, verdicts.c_str(), model_.persisted_until());
    // The run must have covered every kind of refusal.
    for (Verdict v : {Verdict::kNoOp, Verdict::kInvalidLabels, Verdict::kOutOfBounds,
                      Verdict::kOutOfOrder, Verdict::kDuplicate}) {
      EXPECT_GT(model_.verdicts().count(v), 0u) << static_cast<int>(v);
    }
  }

 private:
  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  size_t Stored() const {
    size_t n = 0;
    for (const auto& [l, s] : model_.series()) n += s.samples.size();
    return n;
  }

  void MakeSeries() {
    const char* metrics[] = {"metric_a", "metric_b", "metric_c"};
    const char* envs[] = {"prod", "dev", "stage"};
    const char* zones[] = {"eu-1", "us-2", "\xc3\xbc-3"};  // "ü-3"
    for (int k = 0; k < 200; ++k) {
      std::vector<Label> l = {{"__name__", metrics[k % 3]},
                              {"job", "job" + std::to_string(k % 10)},
                              {"instance", "i" + std::to_string(k)}};
      if (k % 2 == 0) l.push_back({"env", envs[(k / 2) % 3]});
      if (k % 4 == 1) l.push_back({"zone", zones[(k / 4) % 3]});
      SeriesSpec s{Labels(std::move(l)), k % 4, 0, rounds_};
      if (k >= 10) {  // the first ten are written every round
        int64_t r = Uniform(0, 9);
        if (r < 2) s.last_round = static_cast<int>(Uniform(rounds_ / 10, rounds_ / 2));
        if (r >= 8) s.first_round = static_cast<int>(Uniform(rounds_ / 4, rounds_ * 3 / 4));
        if (r == 2) {
          s.pause_from = static_cast<int>(Uniform(rounds_ / 10, rounds_ / 3));
          s.pause_to = s.pause_from + static_cast<int>(Uniform(400, 600));
        }
      }
      specs_.push_back(std::move(s));
    }
  }

  double NextValue(SeriesSpec& s) {
    if (Chance(0.02)) {
      static const double kSpecial[] = {
          std::nan(""),
          std::bit_cast<double>(uint64_t{0x7ff8000000000123}),  // NaN with a payload
          kStaleNaN,
          std::numeric_limits<double>::infinity(),
          -std::numeric_limits<double>::infinity(),
          -0.0,
          0.0,
          std::numeric_limits<double>::denorm_min(),
          std::numeric_limits<double>::max(),
          0.1 + 0.2,
      };
      return kSpecial[Uniform(0, std::size(kSpecial) - 1)];
    }
    switch (s.kind) {
      case 0: return s.value += static_cast<double>(Uniform(0, 5));
      case 1: return static_cast<double>(Uniform(-100000, 100000)) / 100;
      case 2: return std::uniform_real_distribution<double>(-1e6, 1e6)(rng_);
      default:
        if (Chance(0.05)) s.value = static_cast<double>(Uniform(0, 3));
        return s.value;
    }
  }

  bool Active(const SeriesSpec& s) const {
    return round_ >= s.first_round && round_ <= s.last_round &&
           (round_ < s.pause_from || round_ >= s.pause_to);
  }

  // Appends through `app`, checking the answer against the model.
  void Append(Appender& app, std::vector<Model::Pending>& batch, const Labels& labels,
              bool valid_labels, int64_t t, double v) {
    Verdict want = model_.Check(labels, valid_labels, t, v);
    SeriesRef ref = 0;
    auto cached = refs_.find(labels);
    if (valid_labels && cached != refs_.end() && Chance(0.5)) ref = cached->second;
    Result<SeriesRef> got = app.Append(ref, labels, t, v);
    std::string what = labels.ToString() + " " + Describe(Sample{t, v}) +
                       " verdict=" + std::to_string(static_cast<int>(want)) +
                       " min_valid=" + std::to_string(model_.MinValidTime());
    switch (want) {
      case Verdict::kAccepted:
      case Verdict::kNoOp:
        ASSERT_TRUE(got.ok()) << what << ": " << got.status().ToString();
        refs_[labels] = *got;
        if (want == Verdict::kAccepted) batch.push_back({labels, t, v});
        break;
      case Verdict::kInvalidLabels:
        ASSERT_EQ(got.status().code(), StatusCode::kInvalidArgument) << what;
        break;
      default:
        ASSERT_EQ(got.status().code(), StatusCode::kOutOfRange) << what;
    }
    model_.Appended(labels, want);
  }

  void Round() {
    now_ += Uniform(5 * kSec, 40 * kSec);
    if (lingering_ != nullptr && round_ >= linger_until_) FinishLingering(Chance(0.85));
    if (lingering_ == nullptr && Chance(0.03)) StartLingering();
    if (::testing::Test::HasFatalFailure()) return;

    auto app = db_->NewAppender();
    std::vector<Model::Pending> batch;
    std::vector<size_t> chosen = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    for (int i = 0; i < 12; ++i) chosen.push_back(Uniform(10, specs_.size() - 1));
    std::sort(chosen.begin(), chosen.end());
    chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
    for (size_t k : chosen) {
      SeriesSpec& s = specs_[k];
      if (!Active(s)) continue;
      int64_t t = k < 10 ? now_ : now_ + Uniform(-3 * kSec, 3 * kSec);
      double v = NextValue(s);
      Append(*app, batch, s.labels, true, t, v);
      if (Chance(0.1)) {
        // A second sample of the series in the same batch: later (fine), the
        // same timestamp (a no-op or a duplicate at Commit) or earlier (out
        // of order at Commit).
        int64_t kind = Uniform(0, 3);
        int64_t t2 = kind == 0 ? t + Uniform(1, 3 * kSec) : kind == 3 ? t - 500 : t;
        double v2 = kind == 1 ? v : NextValue(s);
        Append(*app, batch, s.labels, true, t2, v2);
      }
      if (::testing::Test::HasFatalFailure()) return;
    }
    Rejections(*app, batch);
    if (::testing::Test::HasFatalFailure()) return;

    double r = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (r < 0.90) {
      Status st = app->Commit();
      ASSERT_TRUE(st.ok()) << st.ToString();
      model_.Commit(batch);
      ASSERT_EQ(app->Commit().code(), StatusCode::kFailedPrecondition);
    } else if (r < 0.97) {
      ASSERT_TRUE(app->Rollback().ok());
    }  // else: dropped without either, which must not store anything either
    app.reset();

    if (Chance(1.0 / 30)) {
      Status st = db_->Maintain(Chance(0.5));
      ASSERT_TRUE(st.ok()) << st.ToString();
      model_.Maintained();
    }
    if (Chance(1.0 / 120)) Delete();
  }

  // Samples that must be refused, one kind at a time.
  void Rejections(Appender& app, std::vector<Model::Pending>& batch) {
    const SeriesSpec& s = specs_[Uniform(0, specs_.size() - 1)];
    auto it = model_.series().find(s.labels);
    int64_t min_valid = model_.MinValidTime();
    bool known = it != model_.series().end() && it->second.last_t > min_valid;
    switch (Uniform(0, 30)) {
      case 0:  // out of order
        if (known) {
          int64_t last = it->second.last_t;
          Append(app, batch, s.labels, true, Uniform(std::max(min_valid, last - 10 * kMin), last - 1),
                 1);
        }
        break;
      case 1:  // same timestamp, another value
        if (known) {
          double v = it->second.last_v;
          double other = SameBits(v, 7.5) ? 8.5 : 7.5;
          Append(app, batch, s.labels, true, it->second.last_t, Chance(0.3) ? -v : other);
        }
        break;
      case 2:  // same timestamp, same value: accepted, stores nothing
        if (known) Append(app, batch, s.labels, true, it->second.last_t, it->second.last_v);
        break;
      case 3:  // older than the head's newest sample minus the window
        if (model_.max_t() != kMinTime) {
          int64_t t = model_.max_t() - opts_.out_of_bounds_window_ms - Uniform(1, 2 * kHour);
          Append(app, batch, Chance(0.5) ? s.labels : NewLabels("oob"), true, t, 1);
        }
        break;
      case 4:  // older than a closed partition
        if (model_.persisted_until() != kMinTime) {
          int64_t t = model_.persisted_until() - Uniform(1, kHour);
          Append(app, batch, Chance(0.5) ? s.labels : NewLabels("closed"), true, t, 1);
        }
        break;
      case 5: {  // invalid labels
        static const Labels kInvalid[] = {
            Labels(),
            Labels({{"job", ""}}),  // empty once the empty value is dropped
            Labels({{"__name__", "m"}, {"0bad", "x"}}),
            Labels({{"__name__", "m"}, {"bad-name", "x"}}),
            Labels({{"__name__", "m"}, {"job", "\xc3\x28"}}),
            Labels({{"__name__", "\xff\xfe"}}),
        };
        Append(app, batch, kInvalid[Uniform(0, std::size(kInvalid) - 1)], false, now_, 1);
        break;
      }
      case 6:  // a brand-new series
        Append(app, batch, NewLabels("new"), true, now_, NextValue(specs_[0]));
        break;
      default: break;
    }
  }

  Labels NewLabels(const std::string& what) {
    return Labels({{"__name__", "metric_" + what},
                   {"job", "job" + std::to_string(Uniform(0, 9))},
                   {"instance", what + std::to_string(next_new_++)}});
  }

  // An appender kept open across rounds, maintenance and other commits, so
  // its samples are re-checked at Commit against a newer state.
  void StartLingering() {
    lingering_ = db_->NewAppender();
    linger_until_ = round_ + static_cast<int>(Uniform(1, 400));
    for (int i = 0, n = static_cast<int>(Uniform(1, 4)); i < n; ++i) {
      SeriesSpec& s = specs_[Uniform(0, specs_.size() - 1)];
      int64_t t = Chance(0.5) ? model_.MinValidTime() + Uniform(0, 10 * kMin) : now_ + 1;
      if (model_.MinValidTime() == kMinTime) t = now_ + 1;
      Append(*lingering_, linger_batch_, Chance(0.3) ? NewLabels("linger") : s.labels, true, t,
             NextValue(s));
    }
  }

  void FinishLingering(bool commit) {
    if (lingering_ == nullptr) return;
    if (commit) {
      Status st = lingering_->Commit();
      ASSERT_TRUE(st.ok()) << st.ToString();
      model_.Commit(linger_batch_);
    } else {
      ASSERT_TRUE(lingering_->Rollback().ok());
    }
    lingering_.reset();
    linger_batch_.clear();
  }

  std::vector<Matcher> RandomMatchers() {
    auto pick = [&]() -> Matcher {
      std::string job = "job" + std::to_string(Uniform(0, 9));
      std::string inst = "i" + std::to_string(Uniform(0, 199));
      switch (Uniform(0, 21)) {
        case 0: return M(MatchType::kEqual, "__name__", "metric_a");
        case 1: return M(MatchType::kEqual, "__name__", Chance(0.5) ? "metric_b" : "metric_new");
        case 2: return M(MatchType::kEqual, "__name__", "metric_none");
        case 3: return M(MatchType::kNotEqual, "job", job);
        case 4: return M(MatchType::kRegexMatch, "job", "job[0-4]");
        case 5: return M(MatchType::kRegexMatch, "job", job + "|job9");
        case 6: return M(MatchType::kRegexMatch, "job", Chance(0.5) ? ".*" : ".+");
        case 7: return M(MatchType::kRegexMatch, "env", "prod|");  // matches ""
        case 8: return M(MatchType::kRegexMatch, "env", "");       // env absent
        case 9: return M(MatchType::kRegexNoMatch, "env", ".+");   // env absent
        case 10: return M(MatchType::kRegexNoMatch, "job", "job[5-9]");
        case 11: return M(MatchType::kRegexNoMatch, "zone", "eu.*");  // matches ""
        case 12: return M(MatchType::kEqual, "env", "");
        case 13: return M(MatchType::kNotEqual, "env", "");
        case 14: return M(MatchType::kEqual, "zone", "\xc3\xbc-3");
        case 15: return M(MatchType::kEqual, "nolabel", "");
        case 16: return M(MatchType::kEqual, "instance", inst);
        case 17: return M(MatchType::kRegexMatch, "instance", "i1.*");
        case 18: return M(MatchType::kNotEqual, "env", "prod");  // matches ""
        case 19: return M(MatchType::kRegexMatch, "instance", "(new|linger|oob|closed).*");
        case 20: return M(MatchType::kRegexMatch, "__name__", "metric_(a|c)");
        default: return M(MatchType::kRegexNoMatch, "__name__", "metric_[ab]");
      }
    };
    std::vector<Matcher> ms;
    int64_t n = Uniform(0, 12) == 0 ? 0 : Uniform(1, 3);
    for (int64_t i = 0; i < n; ++i) ms.push_back(pick());
    return ms;
  }

  // A random range: everything, an exact sample time, empty, or a window
  // somewhere around the data.
  std::pair<int64_t, int64_t> RandomRange() {
    int64_t lo = start_ - kHour, hi = std::max(now_, start_) + kHour;
    switch (Uniform(0, 9)) {
      case 0: return {kMinTime, kMaxTime};
      case 1: {
        int64_t t = model_.max_t() == kMinTime ? now_ : model_.max_t() - Uniform(0, 2 * kHour);
        return {t, t};
      }
      case 2: return {hi, lo};  // empty
      default: {
        int64_t a = Uniform(lo, hi), b = Uniform(lo, hi);
        return {std::min(a, b), std::max(a, b)};
      }
    }
  }

  void Delete() {
    std::vector<Matcher> ms = RandomMatchers();
    if (ms.empty()) {
      Status st = db_->DeleteSeries({}, kMinTime, kMaxTime);
      ASSERT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
      return;
    }
    auto [mint, maxt] = RandomRange();
    if (Chance(0.7) && mint <= maxt && maxt - mint > kHour) {
      mint = Uniform(mint, maxt - kHour);  // mostly narrow, to keep data around
      maxt = mint + Uniform(0, kHour);
    }
    Status st = db_->DeleteSeries(ms, mint, maxt);
    ASSERT_TRUE(st.ok()) << st.ToString();
    model_.Delete(ms, mint, maxt);
    ++deletes_;
  }

  void Reopen() {
    // An appender still open at Close() cannot commit afterwards.
    bool commit_after_close = lingering_ != nullptr && Chance(0.5);
    if (!commit_after_close) FinishLingering(Chance(0.5));
    if (::testing::Test::HasFatalFailure()) return;
    Status st = db_->Close();
    ASSERT_TRUE(st.ok()) << st.ToString();
    if (commit_after_close) {
      // Nothing may be written; an empty batch has nothing to refuse.
      EXPECT_EQ(lingering_->Commit().code(), linger_batch_.empty()
                                                 ? StatusCode::kOk
                                                 : StatusCode::kFailedPrecondition);
      lingering_.reset();
      linger_batch_.clear();
    }
    db_.reset();
    db_ = MustOpen(opts_);
    ASSERT_NE(db_, nullptr);
    model_.Reopened();
    refs_.clear();
    ++reopens_;
    CheckAll(30);
  }

  // Compares `queries` random Selects, label queries and the counters.
  void CheckAll(int queries) {
    ++checks_;
    SCOPED_TRACE("check #" + std::to_string(checks_) + " at round " + std::to_string(round_));
    for (int i = 0; i < queries; ++i) {
      CheckSelect(i == 0 ? std::vector<Matcher>{} : RandomMatchers(),
                  i == 0 ? std::pair<int64_t, int64_t>{kMinTime, kMaxTime} : RandomRange());
      if (::testing::Test::HasFatalFailure()) return;
    }
    for (int i = 0; i < std::max(2, queries / 3); ++i) {
      CheckLabels();
      if (::testing::Test::HasFatalFailure()) return;
    }
    DbStats st = db_->Stats();
    const AppendRejections& want = model_.rejections();
    EXPECT_EQ(st.rejections.out_of_order, want.out_of_order);
    EXPECT_EQ(st.rejections.out_of_bounds, want.out_of_bounds);
    EXPECT_EQ(st.rejections.duplicate, want.duplicate);
    EXPECT_EQ(st.rejections.invalid_labels, want.invalid_labels);
    EXPECT_EQ(st.samples_appended, model_.appended());
  }

  void CheckSelect(const std::vector<Matcher>& ms, std::pair<int64_t, int64_t> range) {
    // The querier's range and the hints' range are intersected.
    auto [qmint, qmaxt] = range;
    SelectHints hints{qmint, qmaxt};
    if (Chance(0.3)) {
      auto [a, b] = RandomRange();
      hints = {a, b};
    }
    hints.labels_only = Chance(0.15);
    int64_t mint = std::max(qmint, hints.start), maxt = std::min(qmaxt, hints.end);
    std::string what = "Select" + Describe(ms) + " querier [" + std::to_string(qmint) + ", " +
                       std::to_string(qmaxt) + "] hints [" + std::to_string(hints.start) +
                       ", " + std::to_string(hints.end) + "]";
    auto q = db_->NewQuerier(qmint, qmaxt);
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    auto got = Collect(**q, hints, ms);
    ASSERT_TRUE(got.ok()) << what << ": " << got.status().ToString();
    std::vector<SeriesSamples> want = model_.Select(ms, mint, maxt);
    ASSERT_EQ(Diff(*got, want, model_.Select(ms, mint, maxt, true), hints.labels_only), "")
        << what;
    if (!hints.labels_only && !want.empty()) CheckSeek(**q, hints, ms, want);
  }

  // Random Next()/Seek() walks over a few series, against the model.
  void CheckSeek(Querier& q, const SelectHints& hints, const std::vector<Matcher>& ms,
                 const std::vector<SeriesSamples>& want) {
    std::map<Labels, size_t> picked;
    for (int i = 0; i < 3; ++i) {
      size_t k = Uniform(0, want.size() - 1);
      picked[want[k].labels] = k;
    }
    auto set = q.Select(hints, ms);
    while (set->Next()) {
      auto found = picked.find(set->At().labels());
      if (found == picked.end()) continue;
      size_t i = found->second;
      const std::vector<Sample>& w = want[i].samples;
      auto it = set->At().Iterator();
      size_t pos = 0;  // index of the sample the iterator should be at
      bool started = false;
      for (int step = 0; step < 20; ++step) {
        bool seek = Chance(0.5);
        int64_t target = w[Uniform(0, w.size() - 1)].t + Uniform(-1, 1);
        bool ok = seek ? it->Seek(target) : it->Next();
        if (!seek) {
          pos = started ? pos + 1 : 0;
        } else if (!started || pos >= w.size() || w[pos].t < target) {
          while (pos < w.size() && w[pos].t < target) ++pos;
        }
        started = true;
        std::string what = want[i].labels.ToString() + (seek ? " Seek(" : " Next(") +
                           (seek ? std::to_string(target) : "") + ") step " +
                           std::to_string(step);
        ASSERT_EQ(ok, pos < w.size()) << what;
        if (!ok) break;
        ASSERT_EQ(Describe(it->At()), Describe(w[pos])) << what;
      }
      ASSERT_TRUE(it->status().ok()) << it->status().ToString();
    }
    ASSERT_TRUE(set->status().ok()) << set->status().ToString();
  }

  void CheckLabels() {
    static const std::string kNames[] = {"__name__", "job", "instance", "env", "zone", "nolabel"};
    auto [mint, maxt] = RandomRange();
    std::vector<Matcher> ms = Chance(0.4) ? std::vector<Matcher>{} : RandomMatchers();
    const std::string* name = Chance(0.3) ? nullptr : &kNames[Uniform(0, 5)];
    auto q = db_->NewQuerier(mint, maxt);
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    auto got = name == nullptr ? (*q)->LabelNames(ms) : (*q)->LabelValues(*name, ms);
    std::string what = std::string(name == nullptr ? "LabelNames" : "LabelValues(" + *name + ")") +
                       Describe(ms) + " [" + std::to_string(mint) + ", " +
                       std::to_string(maxt) + "]";
    ASSERT_TRUE(got.ok()) << what << ": " << got.status().ToString();
    ASSERT_EQ(*got, SortedUnique(*got)) << what << ": not sorted";
    std::vector<std::string> exact = model_.Labelled(name, ms, mint, maxt);
    if (!ms.empty()) {
      // With matchers, the labels of matching series with data in range, and
      // maybe of those that span the range (see Model::Select).
      ASSERT_TRUE(IsSubset(exact, *got)) << what << ": " << Join(*got) << " lacks some of "
                                         << Join(exact);
      std::vector<std::string> loose = model_.Labelled(name, ms, mint, maxt, true);
      ASSERT_TRUE(IsSubset(*got, loose)) << what << ": " << Join(*got) << " has more than "
                                         << Join(loose);
      return;
    }
    // Without, the index is read at partition and head granularity: at least
    // the series with data in range, at most every series ever registered.
    ASSERT_TRUE(IsSubset(exact, *got)) << what << ": " << Join(*got) << " lacks some of "
                                       << Join(exact);
    std::vector<std::string> ever = model_.LabelledEver(name);
    ASSERT_TRUE(IsSubset(*got, ever)) << what << ": " << Join(*got) << " has more than "
                                      << Join(ever);
  }

  std::mt19937_64 rng_;
  DbOptions opts_;
  Model model_;
  const int rounds_;
  const int64_t start_;
  int64_t now_;
  int round_ = 0;
  std::vector<SeriesSpec> specs_;
  std::unique_ptr<Db> db_;
  std::map<Labels, SeriesRef> refs_;
  std::unique_ptr<Appender> lingering_;
  std::vector<Model::Pending> linger_batch_;
  int linger_until_ = 0;
  int next_new_ = 0;
  int deletes_ = 0, reopens_ = 0, checks_ = 0;
};

uint64_t Seed(const char* test) {
  uint64_t seed = std::random_device{}();
  seed = (seed << 32) ^ std::random_device{}();
  if (const char* env = std::getenv("PHAROS_MODEL_SEED")) seed = std::strtoull(env, nullptr, 10);
  std::printf("%s: seed %" PRIu64 " (rerun with PHAROS_MODEL_SEED=%" PRIu64 ")\n", test, seed,
              seed);
  std::fflush(stdout);
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  return seed;
}

TEST(DbModel, RandomOperationsMatchModel) {
  uint64_t seed = Seed("DbModel.RandomOperationsMatchModel");
  SCOPED_TRACE("PHAROS_MODEL_SEED=" + std::to_string(seed));
  TempDir dir;
  // About 15 hours of data: eight or nine partitions, most of them closed.
  std::mt19937_64 pick(seed);
  int64_t start = 1'700'000'000'000 + static_cast<int64_t>(pick() % (2 * kHour));
  ModelRun(seed, start, 2400, dir.path()).Run();
}

TEST(DbModel, RandomOperationsAcrossTheEpoch) {
  // Negative timestamps are valid (Prometheus allows them): partitions
  // before and after 0 must order and close like any other.
  uint64_t seed = Seed("DbModel.RandomOperationsAcrossTheEpoch") ^ 0x5eed;
  SCOPED_TRACE("PHAROS_MODEL_SEED^0x5eed=" + std::to_string(seed));
  TempDir dir;
  std::mt19937_64 pick(seed);
  int64_t start = -5 * kHour + static_cast<int64_t>(pick() % kHour);
  ModelRun(seed, start, 1300, dir.path()).Run();
}

}  // namespace
}  // namespace pharos::tsdb
