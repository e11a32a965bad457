// Binary operators: scalar/scalar, vector/scalar, vector/vector matching
// (one-to-one, group_left, group_right) and the set operators. Matching
// signatures and result label sets are computed once per series (or pair of
// series), not per step.
#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "promql/eval/binary_ops.h"
#include "promql/eval/eval_error.h"
#include "promql/eval/evaluator.h"
#include "promql/eval/label_ops.h"
#include "promql/eval/series_collector.h"

namespace pharos::promql {
namespace {

using Presence = std::vector<uint8_t>;

struct Sides {
  const Matrix& many;
  const Matrix& one;
};

uint64_t Signature(const tsdb::Labels& l, const VectorMatching& vm) {
  return vm.on ? HashForLabels(l, vm.matching_labels) : HashWithoutLabels(l, vm.matching_labels);
}

// Prometheus' resultMetric: the labels of a vector/vector result.
tsdb::Labels ResultMetric(const tsdb::Labels& many, const tsdb::Labels& one, BinaryOp op,
                          const VectorMatching& vm, bool return_bool) {
  std::vector<tsdb::Label> out;
  out.reserve(many.size() + vm.include.size());
  const bool drop_name = DropsMetricName(op) || return_bool;
  auto listed = [](const std::vector<std::string>& names, const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  for (const tsdb::Label& l : many) {
    if (drop_name && l.name == tsdb::kMetricName) continue;
    if (vm.card == VectorMatchCardinality::kOneToOne) {
      if (vm.on != listed(vm.matching_labels, l.name)) continue;
    }
    if (listed(vm.include, l.name)) continue;  // set from the "one" side below
    out.push_back(l);
  }
  for (const std::string& name : vm.include) {
    std::string_view v = one.Get(name);
    if (!v.empty()) out.push_back({name, std::string(v)});
  }
  return tsdb::Labels(std::move(out));
}

const Point* PointAt(const Series& s, int64_t t) {
  auto it = std::lower_bound(s.points.begin(), s.points.end(), t,
                             [](const Point& p, int64_t x) { return p.t < x; });
  return it != s.points.end() && it->t == t ? &*it : nullptr;
}

}  // namespace

EvalValue Evaluator::EvalBinary(const BinaryExpr& e) {
  EvalValue lhs = Eval(e.lhs());
  EvalValue rhs = Eval(e.rhs());
  const BinaryOp op = e.op();
  const int64_t nsteps = steps_.Steps();
  EvalValue out;

  if (lhs.type == ValueType::kScalar && rhs.type == ValueType::kScalar) {
    out.type = ValueType::kScalar;
    out.scalars.resize(nsteps);
    for (int64_t i = 0; i < nsteps; ++i) {
      auto [v, keep] = ApplyBinaryOp(op, lhs.scalars[i], rhs.scalars[i]);
      out.scalars[i] = IsComparisonOp(op) ? (keep ? 1.0 : 0.0) : v;
    }
    return out;
  }

  out.type = ValueType::kVector;
  const int64_t in_points = TotalPoints(lhs.series) + TotalPoints(rhs.series);

  if (lhs.type == ValueType::kScalar || rhs.type == ValueType::kScalar) {
    const bool swap = lhs.type == ValueType::kScalar;
    Matrix& vec = swap ? rhs.series : lhs.series;
    const std::vector<double>& sc = swap ? lhs.scalars : rhs.scalars;
    const bool drop_name = DropsMetricName(op) || e.return_bool();
    SeriesCollector collect;
    for (Series& s : vec) {
      Series o;
      o.labels = drop_name ? DropMetricName(s.labels) : s.labels;
      o.points.reserve(s.points.size());
      for (const Point& p : s.points) {
        const double sv = sc[steps_.IndexOf(p.t)];
        auto [v, keep] = swap ? ApplyBinaryOp(op, sv, p.v) : ApplyBinaryOp(op, p.v, sv);
        // A comparison keeps the vector element's value, on either side.
        if (IsComparisonOp(op)) v = p.v;
        if (e.return_bool()) {
          v = keep ? 1.0 : 0.0;
        } else if (!keep) {
          continue;
        }
        o.points.push_back({p.t, v});
      }
      collect.Add(std::move(o));
    }
    out.series = collect.Finish();
  } else if (IsSetOp(op)) {
    const VectorMatching vm = e.matching().value_or(VectorMatching{});
    auto presence = [&](const Matrix& m) {
      std::unordered_map<uint64_t, Presence> p;
      for (const Series& s : m) {
        Presence& bits = p[Signature(s.labels, vm)];
        if (bits.empty()) bits.assign(nsteps, 0);
        for (const Point& pt : s.points) bits[steps_.IndexOf(pt.t)] = 1;
      }
      return p;
    };
    auto filter = [&](Series& s, const std::unordered_map<uint64_t, Presence>& p, bool keep_if) {
      auto it = p.find(Signature(s.labels, vm));
      if (it == p.end()) {
        if (keep_if) s.points.clear();
        return;
      }
      const Presence& bits = it->second;
      std::erase_if(s.points, [&](const Point& pt) {
        return (bits[steps_.IndexOf(pt.t)] != 0) != keep_if;
      });
    };
    SeriesCollector collect;
    if (op == BinaryOp::kOr) {
      auto left = presence(lhs.series);
      for (Series& s : lhs.series) collect.Add(std::move(s));
      for (Series& s : rhs.series) {
        filter(s, left, false);
        collect.Add(std::move(s));
      }
    } else {
      auto right = presence(rhs.series);
      for (Series& s : lhs.series) {
        filter(s, right, op == BinaryOp::kAnd);
        collect.Add(std::move(s));
      }
    }
    out.series = collect.Finish();
  } else {
    out.series = VectorBinop(e, lhs.series, rhs.series);
  }
  ctx_.limits->Add(TotalPoints(out.series));
  ctx_.limits->Release(in_points);
  return out;
}

Matrix Evaluator::VectorBinop(const BinaryExpr& e, const Matrix& lhs, const Matrix& rhs) {
  const VectorMatching vm = e.matching().value_or(VectorMatching{});
  const BinaryOp op = e.op();
  const bool one_to_many = vm.card == VectorMatchCardinality::kOneToMany;
  const Matrix& many = one_to_many ? rhs : lhs;
  const Matrix& one = one_to_many ? lhs : rhs;
  const int64_t nsteps = steps_.Steps();

  // Prometheus skips a step when either side is empty there, errors included.
  Presence many_has(nsteps, 0), one_has(nsteps, 0);
  for (const Series& s : many)
    for (const Point& p : s.points) many_has[steps_.IndexOf(p.t)] = 1;
  for (const Series& s : one)
    for (const Point& p : s.points) one_has[steps_.IndexOf(p.t)] = 1;

  // The "one" side by signature. A signature shared by several series is
  // allowed only while they never have values at the same step; `owner`
  // then says which series holds it at each step.
  struct OneGroup {
    std::vector<uint32_t> members;
    std::vector<int32_t> owner;  // per step, only for groups of 2+
  };
  std::unordered_map<uint64_t, OneGroup> one_by_sig;
  one_by_sig.reserve(one.size());
  for (uint32_t j = 0; j < one.size(); ++j) {
    one_by_sig[Signature(one[j].labels, vm)].members.push_back(j);
  }
  // Prometheus meets a duplicate at the first step that has one, at the
  // first series (in order) whose group already has a value there.
  struct Duplicate {
    int64_t step = INT64_MAX;
    uint32_t series = 0, earlier = 0;
  } dup;
  for (auto& [sig, g] : one_by_sig) {
    if (g.members.size() < 2) continue;
    g.owner.assign(nsteps, -1);
    for (uint32_t j : g.members) {
      for (const Point& p : one[j].points) {
        const int64_t idx = steps_.IndexOf(p.t);
        int32_t& o = g.owner[idx];
        if (o >= 0 && many_has[idx] && (idx < dup.step || (idx == dup.step && j < dup.series))) {
          dup = {idx, j, static_cast<uint32_t>(o)};
        }
        if (o < 0) o = static_cast<int32_t>(j);
      }
    }
  }
  if (dup.step != INT64_MAX) {
    const tsdb::Labels& l = one[dup.series].labels;
    ThrowExecError("found duplicate series for the match group " +
                   LabelsString(MatchedLabels(l, vm.on, vm.matching_labels)) + " on the " +
                   (one_to_many ? "left" : "right") + " hand-side of the operation: [" +
                   LabelsString(l) + ", " + LabelsString(one[dup.earlier].labels) +
                   "];many-to-many matching not allowed: matching labels must be unique "
                   "on one side");
  }

  // "many" series sharing a signature must not collide at a step: one-to-one
  // never, many-to-one not with the same result labels.
  std::vector<uint64_t> many_sig(many.size());
  std::unordered_map<uint64_t, uint32_t> many_count;
  for (size_t i = 0; i < many.size(); ++i) {
    many_sig[i] = Signature(many[i].labels, vm);
    ++many_count[many_sig[i]];
  }
  struct StepKey {
    uint64_t sig;
    int64_t step;
    bool operator==(const StepKey&) const = default;
  };
  struct StepKeyHash {
    size_t operator()(const StepKey& k) const { return k.sig * 31 + static_cast<uint64_t>(k.step); }
  };
  std::unordered_map<StepKey, std::vector<uint64_t>, StepKeyHash> matched;

  SeriesCollector collect;
  for (size_t i = 0; i < many.size(); ++i) {
    auto git = one_by_sig.find(many_sig[i]);
    if (git == one_by_sig.end()) continue;
    const OneGroup& g = git->second;
    const bool check = many_count[many_sig[i]] > 1;
    // Usually one partner; several only when a signature's partner changes
    // over time.
    std::vector<std::pair<int32_t, Series>> outs;
    for (const Point& p : many[i].points) {
      const int64_t idx = steps_.IndexOf(p.t);
      if (!one_has[idx]) continue;
      const int32_t j = g.members.size() == 1 ? static_cast<int32_t>(g.members[0]) : g.owner[idx];
      if (j < 0) continue;
      const Point* q = PointAt(one[j], p.t);
      if (q == nullptr) continue;
      double vl = p.v, vr = q->v;
      if (one_to_many) std::swap(vl, vr);
      auto [v, keep] = ApplyBinaryOp(op, vl, vr);
      if (e.return_bool()) {
        v = keep ? 1.0 : 0.0;
      } else if (!keep) {
        continue;
      }
      auto slot = std::find_if(outs.begin(), outs.end(), [&](const auto& o) { return o.first == j; });
      if (slot == outs.end()) {
        outs.emplace_back(j, Series{ResultMetric(many[i].labels, one[j].labels, op, vm,
                                                 e.return_bool()),
                                    {}});
        slot = outs.end() - 1;
      }
      if (check) {
        std::vector<uint64_t>& seen = matched[StepKey{many_sig[i], idx}];
        if (vm.card == VectorMatchCardinality::kOneToOne) {
          if (!seen.empty()) {
            ThrowExecError(
                "multiple matches for labels: many-to-one matching must be explicit "
                "(group_left/group_right)");
          }
          seen.push_back(0);
        } else {
          const uint64_t h = slot->second.labels.Hash();
          if (std::find(seen.begin(), seen.end(), h) != seen.end()) {
            ThrowExecError("multiple matches for labels: grouping labels must ensure unique matches");
          }
          seen.push_back(h);
        }
      }
      slot->second.points.push_back({p.t, v});
    }
    for (auto& [j, s] : outs) collect.Add(std::move(s));
  }
  return collect.Finish();
}

}  // namespace pharos::promql
