// Aggregations. sum, avg, count, min, max, group, stddev and stdvar run
// series by series into per-group arrays indexed by step, so each input
// series' group is found once; topk, bottomk, quantile and count_values need
// every value of a step together and run step by step.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "promql/eval/eval_error.h"
#include "promql/eval/go_heap.h"
#include "promql/eval/evaluator.h"
#include "promql/eval/label_ops.h"
#include "promql/eval/series_collector.h"
#include "promql/functions/quantile.h"

namespace pharos::promql {
namespace {

// The labels of a group's result: `by` keeps the named labels, `without`
// drops them and the metric name.
tsdb::Labels GroupLabels(const tsdb::Labels& l, const std::vector<std::string>& grouping,
                         bool without) {
  if (without) {
    std::vector<std::string> drop = grouping;
    drop.emplace_back(tsdb::kMetricName);
    return l.Without(drop);
  }
  return l.Only(grouping);
}

uint64_t GroupKey(const tsdb::Labels& l, const std::vector<std::string>& grouping, bool without) {
  if (without) return HashWithoutLabels(l, grouping);
  if (grouping.empty()) return 0;
  return HashForLabels(l, grouping);
}

// Go's strconv.FormatFloat(v, 'f', -1, 64).
std::string FormatValueLabel(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, res.ptr);
}

// Per-group accumulators of the series-by-series aggregations.
struct GroupState {
  tsdb::Labels labels;
  std::vector<double> value;
  std::vector<double> mean;
  std::vector<uint32_t> count;
};

void Accumulate(AggregateOp op, GroupState& g, int64_t i, double v) {
  uint32_t& n = g.count[i];
  if (n == 0) {
    n = 1;
    switch (op) {
      case AggregateOp::kStddev:
      case AggregateOp::kStdvar:
        g.value[i] = 0;
        g.mean[i] = v;
        break;
      case AggregateOp::kGroup:
        g.value[i] = 1;
        break;
      case AggregateOp::kAvg:
        g.mean[i] = v;
        break;
      default:
        g.value[i] = v;
    }
    return;
  }
  ++n;
  double& value = g.value[i];
  switch (op) {
    case AggregateOp::kSum:
      value += v;
      break;
    case AggregateOp::kAvg: {
      double& mean = g.mean[i];
      if (std::isinf(mean)) {
        // Inf - Inf would turn a correct infinite mean into NaN.
        if (std::isinf(v) && (mean > 0) == (v > 0)) break;
        if (!std::isinf(v) && !std::isnan(v)) break;
      }
      // Dividing each side first avoids overflow.
      mean += v / n - mean / n;
      break;
    }
    case AggregateOp::kMax:
      if (value < v || std::isnan(value)) value = v;
      break;
    case AggregateOp::kMin:
      if (value > v || std::isnan(value)) value = v;
      break;
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar: {
      double& mean = g.mean[i];
      const double delta = v - mean;
      mean += delta / n;
      value += delta * (v - mean);
      break;
    }
    default:
      break;
  }
}

double Finalize(AggregateOp op, const GroupState& g, int64_t i) {
  switch (op) {
    case AggregateOp::kAvg: return g.mean[i];
    case AggregateOp::kCount: return g.count[i];
    case AggregateOp::kStdvar: return g.value[i] / g.count[i];
    case AggregateOp::kStddev: return std::sqrt(g.value[i] / g.count[i]);
    default: return g.value[i];
  }
}

// The series-by-series aggregations: each input series is folded into its
// group's per-step arrays as it comes, groups kept in order of first
// appearance as Prometheus lists them.
class GroupFolder {
 public:
  GroupFolder(AggregateOp op, std::vector<std::string> grouping, bool without,
              const StepRange& steps)
      : op_(op), grouping_(std::move(grouping)), without_(without), steps_(steps) {}

  void Add(const tsdb::Labels& labels, const std::vector<Point>& points) {
    const uint64_t key = GroupKey(labels, grouping_, without_);
    auto [it, inserted] = group_of_key_.emplace(key, static_cast<uint32_t>(groups_.size()));
    if (inserted) {
      const size_t nsteps = static_cast<size_t>(steps_.Steps());
      GroupState& g = groups_.emplace_back();
      g.labels = GroupLabels(labels, grouping_, without_);
      g.value.assign(nsteps, 0);
      if (op_ == AggregateOp::kAvg || op_ == AggregateOp::kStddev ||
          op_ == AggregateOp::kStdvar) {
        g.mean.assign(nsteps, 0);
      }
      g.count.assign(nsteps, 0);
    }
    GroupState& g = groups_[it->second];
    for (const Point& p : points) Accumulate(op_, g, steps_.IndexOf(p.t), p.v);
  }

  Matrix Finish() {
    Matrix out;
    for (GroupState& g : groups_) {
      Series o;
      o.labels = std::move(g.labels);
      for (int64_t i = 0; i < steps_.Steps(); ++i) {
        if (g.count[i] > 0) o.points.push_back({steps_.TimeAt(i), Finalize(op_, g, i)});
      }
      if (!o.points.empty()) out.push_back(std::move(o));
    }
    return out;
  }

 private:
  const AggregateOp op_;
  const std::vector<std::string> grouping_;
  const bool without_;
  const StepRange& steps_;
  std::unordered_map<uint64_t, uint32_t> group_of_key_;
  std::vector<GroupState> groups_;
};

// One input element at a step.
struct Elem {
  uint32_t series;
  double v;
};

}  // namespace

EvalValue Evaluator::EvalAggregate(const AggregateExpr& e) {
  const AggregateOp op = e.op();
  std::vector<double> param;
  std::string value_label;
  if (e.param() != nullptr) {
    if (op == AggregateOp::kCountValues) {
      EvalValue p = Eval(*e.param());
      value_label = p.str;
      if (!tsdb::ValidLabelName(value_label)) {
        ThrowExecError("invalid label name \"" + value_label + "\"");
      }
    } else {
      param = EvalScalarArg(*e.param());
    }
  }
  const int64_t nsteps = steps_.Steps();
  std::vector<std::string> grouping = e.grouping();
  std::sort(grouping.begin(), grouping.end());
  const bool without = e.without();

  EvalValue out;
  out.type = ValueType::kVector;
  int64_t in_points = 0;

  const bool stepwise = op == AggregateOp::kTopk || op == AggregateOp::kBottomk ||
                        op == AggregateOp::kQuantile || op == AggregateOp::kCountValues;
  if (!stepwise) {
    // The input is folded as it is evaluated where it can be, so a large
    // input is never held whole.
    const Streaming streaming = StreamingOf(e.expr());
    std::vector<std::string> folded_grouping = grouping;
    if (streaming == Streaming::kDropsName && !without) {
      // Grouping by the metric name of series that lost it groups by "".
      std::erase(folded_grouping, std::string(tsdb::kMetricName));
    }
    GroupFolder folder(op, std::move(folded_grouping), without, steps_);
    auto fold = [&](const tsdb::Labels& labels, std::vector<Point>& points) {
      in_points += static_cast<int64_t>(points.size());
      folder.Add(labels, points);
    };
    if (streaming != Streaming::kNo) {
      EvalStreamed(e.expr(), fold);
    } else {
      EvalValue in = Eval(e.expr());
      for (Series& s : in.series) fold(s.labels, s.points);
    }
    out.series = folder.Finish();
  } else {
    EvalValue in = Eval(e.expr());
    const Matrix& input = in.series;
    in_points = TotalPoints(input);
    // Groups in order of first appearance, as Prometheus lists them.
    std::unordered_map<uint64_t, uint32_t> group_of_key;
    std::vector<uint32_t> group_of(input.size());
    std::vector<size_t> first_member;
    for (size_t s = 0; s < input.size(); ++s) {
      const uint64_t key = GroupKey(input[s].labels, grouping, without);
      auto [it, inserted] = group_of_key.emplace(key, static_cast<uint32_t>(first_member.size()));
      if (inserted) first_member.push_back(s);
      group_of[s] = it->second;
    }
    const size_t ngroups = first_member.size();
    // Gather each step's elements in series order.
    std::vector<std::vector<Elem>> at_step(nsteps);
    for (uint32_t s = 0; s < input.size(); ++s) {
      for (const Point& p : input[s].points) at_step[steps_.IndexOf(p.t)].push_back({s, p.v});
    }
    SeriesCollector collect;
    // Output series are keyed by label set; for topk/bottomk each input
    // series maps to itself.
    std::unordered_map<uint64_t, size_t> out_index;
    Matrix result;
    auto emit = [&](const tsdb::Labels& labels, int64_t t, double v) {
      auto [it, inserted] = out_index.emplace(labels.Hash(), result.size());
      if (inserted) result.push_back(Series{labels, {}});
      Series& s = result[it->second];
      if (!(s.labels == labels)) {
        // A hash collision between different label sets: keep them apart.
        result.push_back(Series{labels, {}});
        result.back().points.push_back({t, v});
        return;
      }
      s.points.push_back({t, v});
    };
    for (int64_t i = 0; i < nsteps; ++i) {
      if ((i & 255) == 0) ctx_.limits->Check();
      const std::vector<Elem>& elems = at_step[i];
      if (elems.empty()) continue;
      const int64_t t = steps_.TimeAt(i);
      if (op == AggregateOp::kCountValues) {
        // Groups include the value label unless `without`.
        std::vector<std::string> g2 = grouping;
        if (!without) {
          g2.push_back(value_label);
          std::sort(g2.begin(), g2.end());
        }
        std::unordered_map<uint64_t, std::pair<tsdb::Labels, uint32_t>> counts;
        std::vector<uint64_t> order;
        for (const Elem& el : elems) {
          tsdb::Labels l = input[el.series].labels.With(value_label, FormatValueLabel(el.v));
          const uint64_t key = GroupKey(l, g2, without);
          auto [it, inserted] = counts.emplace(key, std::make_pair(tsdb::Labels(), 0u));
          if (inserted) {
            it->second.first = GroupLabels(l, g2, without);
            order.push_back(key);
          }
          ++it->second.second;
        }
        for (uint64_t key : order) emit(counts[key].first, t, counts[key].second);
        continue;
      }
      // Elements per group, in series order.
      std::vector<std::vector<Elem>> per_group(ngroups);
      std::vector<uint32_t> group_order;
      for (const Elem& el : elems) {
        std::vector<Elem>& members = per_group[group_of[el.series]];
        if (members.empty()) group_order.push_back(group_of[el.series]);
        members.push_back(el);
      }
      if (op == AggregateOp::kQuantile) {
        for (uint32_t g : group_order) {
          std::vector<double> values;
          values.reserve(per_group[g].size());
          for (const Elem& el : per_group[g]) values.push_back(el.v);
          emit(GroupLabels(input[first_member[g]].labels, grouping, without), t,
               Quantile(param[i], std::move(values)));
        }
        continue;
      }
      // topk / bottomk.
      const double kf = param[i];
      if (!(kf <= 9223372036854774784.0 && kf >= -9223372036854775808.0)) {
        // Go's %v: NaN, +Inf, -Inf, or the shortest exponent form.
        std::string text = std::isnan(kf) ? "NaN" : std::isinf(kf) ? (kf > 0 ? "+Inf" : "-Inf") : "";
        if (text.empty()) {
          char buf[64];
          auto res = std::to_chars(buf, buf + sizeof(buf), kf, std::chars_format::scientific);
          text.assign(buf, res.ptr);
        }
        ThrowExecError("Scalar value " + text + " overflows int64");
      }
      const int64_t k = static_cast<int64_t>(kf);
      if (k < 1) continue;
      const bool top = op == AggregateOp::kTopk;
      std::vector<HeapElem> cands;
      for (uint32_t g : group_order) {
        cands.clear();
        for (const Elem& el : per_group[g]) cands.push_back({el.series, el.v});
        for (const HeapElem& h : SelectTopK(cands, k, top)) emit(input[h.series].labels, t, h.v);
      }
    }
    for (Series& s : result) collect.Add(std::move(s));
    out.series = collect.Finish();
  }
  ctx_.limits->Add(TotalPoints(out.series));
  ctx_.limits->Release(in_points);
  return out;
}

}  // namespace pharos::promql
