#include "server/api/query_handlers.h"

#include <algorithm>
#include <chrono>

#include "promql/ast/ast.h"
#include "promql/ast/pretty.h"
#include "promql/parser.h"
#include "server/api/api_errors.h"
#include "server/api/api_params.h"
#include "server/api/value_json.h"

namespace pharos::server {
namespace {

// Reads `timeout` into opts. Errors are ready-made responses.
std::optional<Response> ApplyTimeout(const FormValues& form, const promql::Engine& engine,
                                     promql::QueryOptions* opts) {
  std::string_view to = form.Get("timeout");
  if (to.empty()) return std::nullopt;
  Result<int64_t> ns = ParseDurationNs(to);
  if (!ns.ok()) return InvalidParamError("timeout", ns.status());
  if (*ns <= 0) return ApiError(DeadlineExceededError("query timed out in query queue"));
  auto ms = std::chrono::milliseconds(std::max<int64_t>(1, *ns / 1'000'000));
  opts->timeout = std::min(ms, engine.options().timeout);
  return std::nullopt;
}

Response QueryAnswer(const promql::QueryResult& result, const FormValues& form,
                     double queue_seconds) {
  JsonWriter w;
  bool stats = !form.Get("stats").empty();
  WriteQueryData(w, result.value, /*keep_open=*/stats);
  if (stats) {
    w.Key("stats");
    WriteQueryStats(w, result.stats, queue_seconds);
    w.EndObject();
  }
  return ApiSuccess(w.Take(), result.warnings);
}

bool HasSelector(const promql::Expr& e) {
  using namespace promql;  // NOLINT: AST node names
  switch (e.kind()) {
    case NodeKind::kVectorSelector:
    case NodeKind::kMatrixSelector:
      return true;
    case NodeKind::kSubquery:
      return HasSelector(e.As<SubqueryExpr>().expr());
    case NodeKind::kParen:
      return HasSelector(e.As<ParenExpr>().expr());
    case NodeKind::kUnary:
      return HasSelector(e.As<UnaryExpr>().expr());
    case NodeKind::kAggregate:
      return HasSelector(e.As<AggregateExpr>().expr());
    case NodeKind::kBinary:
      return HasSelector(e.As<BinaryExpr>().lhs()) || HasSelector(e.As<BinaryExpr>().rhs());
    case NodeKind::kCall:
      for (const ExprPtr& a : e.As<Call>().args()) {
        if (a != nullptr && HasSelector(*a)) return true;
      }
      return false;
    default:
      return false;
  }
}

}  // namespace

Response HandleQuery(const QueryDeps& deps, const Request& req) {
  FormValues form(req);
  int64_t now = deps.now_ms ? deps.now_ms() : NowMs();
  Result<int64_t> t = ParseTimeParam(form, "time", now);
  if (!t.ok()) return InvalidParamError("time", t.status());
  promql::QueryOptions opts;
  opts.cancel = req.client_gone.get();
  if (auto err = ApplyTimeout(form, *deps.engine, &opts)) return *err;
  Result<promql::QueryResult> result =
      deps.engine->InstantQuery(*deps.storage, form.Get("query"), *t, opts);
  if (!result.ok()) {
    if (result.status().code() == StatusCode::kInvalidArgument) {
      return InvalidParamError("query", result.status());
    }
    return ApiError(result.status());
  }
  return QueryAnswer(*result, form, req.queue_seconds);
}

Response HandleQueryRange(const QueryDeps& deps, const Request& req) {
  FormValues form(req);
  Result<int64_t> start = ParseTime(form.Get("start"));
  if (!start.ok()) return InvalidParamError("start", start.status());
  Result<int64_t> end = ParseTime(form.Get("end"));
  if (!end.ok()) return InvalidParamError("end", end.status());
  if (*end < *start) {
    return InvalidParamError("end",
                             InvalidArgumentError("end timestamp must not be before start time"));
  }
  Result<int64_t> step_ns = ParseDurationNs(form.Get("step"));
  if (!step_ns.ok()) return InvalidParamError("step", step_ns.status());
  if (*step_ns <= 0) {
    return InvalidParamError(
        "step", InvalidArgumentError("zero or negative query resolution step widths are not "
                                     "accepted. Try a positive integer"));
  }
  __int128 range_ns = static_cast<__int128>(*end - *start) * 1'000'000;
  if (range_ns / *step_ns > 11000) {
    return ApiError(InvalidArgumentError(
        "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query "
        "resolution (?step=XX)"));
  }
  promql::QueryOptions opts;
  opts.cancel = req.client_gone.get();
  if (auto err = ApplyTimeout(form, *deps.engine, &opts)) return *err;
  int64_t step_ms = std::max<int64_t>(1, *step_ns / 1'000'000);
  Result<promql::QueryResult> result =
      deps.engine->RangeQuery(*deps.storage, form.Get("query"), *start, *end, step_ms, opts);
  if (!result.ok()) return ApiError(result.status());
  return QueryAnswer(*result, form, req.queue_seconds);
}

Response HandleFormatQuery(const Request& req) {
  FormValues form(req);
  Result<promql::ExprPtr> expr = promql::ParseExpr(form.Get("query"));
  if (!expr.ok()) return InvalidParamError("query", expr.status());
  JsonWriter w;
  w.String(Pretty(**expr));
  return ApiSuccess(w.Take());
}

Response HandleQueryExemplars(const Request& req) {
  FormValues form(req);
  Result<int64_t> start = ParseTimeParam(form, "start", kApiMinTimeMs);
  if (!start.ok()) return InvalidParamError("start", start.status());
  Result<int64_t> end = ParseTimeParam(form, "end", kApiMaxTimeMs);
  if (!end.ok()) return InvalidParamError("end", end.status());
  if (*end < *start) {
    return ApiError(InvalidArgumentError("end timestamp must not be before start timestamp"));
  }
  Result<promql::ExprPtr> expr = promql::ParseExpr(form.Get("query"));
  if (!expr.ok()) return ApiError(expr.status());
  if (!HasSelector(**expr)) {
    Response res;
    res.status = 204;
    res.content_type.clear();
    return res;
  }
  return ApiSuccess("[]");
}

}  // namespace pharos::server
