#include "server/api/value_json.h"

#include <string>
#include <type_traits>

namespace pharos::server {
namespace {

std::string_view ResultType(const promql::Value& value) {
  switch (value.data.index()) {
    case 0:
      return "scalar";
    case 1:
      return "vector";
    case 2:
      return "matrix";
    default:
      return "string";
  }
}

}  // namespace

void WriteLabels(JsonWriter& w, const tsdb::Labels& labels) {
  w.BeginObject();
  for (const tsdb::Label& l : labels) {
    w.Key(l.name);
    w.String(l.value);
  }
  w.EndObject();
}

void WriteQueryData(JsonWriter& w, const promql::Value& value, bool keep_open) {
  w.BeginObject();
  w.Key("resultType");
  w.String(ResultType(value));
  w.Key("result");
  std::visit(
      [&w](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, promql::Scalar>) {
          w.BeginArray();
          w.GoFloat(static_cast<double>(v.t) / 1000);
          w.String(FormatFloatF(v.v));
          w.EndArray();
        } else if constexpr (std::is_same_v<T, promql::StringValue>) {
          w.BeginArray();
          w.GoFloat(static_cast<double>(v.t) / 1000);
          w.String(v.v);
          w.EndArray();
        } else if constexpr (std::is_same_v<T, promql::Vector>) {
          w.BeginArray();
          for (const promql::VectorSample& s : v) {
            w.BeginObject();
            w.Key("metric");
            WriteLabels(w, s.labels);
            w.Key("value");
            w.SamplePair(s.t, s.v);
            w.EndObject();
          }
          w.EndArray();
        } else {
          w.BeginArray();
          for (const promql::Series& s : v) {
            w.BeginObject();
            w.Key("metric");
            WriteLabels(w, s.labels);
            w.Key("values");
            w.BeginArray();
            for (const promql::Point& p : s.points) w.SamplePair(p.t, p.v);
            w.EndArray();
            w.EndObject();
          }
          w.EndArray();
        }
      },
      value.data);
  if (!keep_open) w.EndObject();
}

void WriteQueryStats(JsonWriter& w, const promql::QueryStats& stats, double queue_seconds) {
  double eval_total = stats.prepare_seconds + stats.eval_seconds;
  w.BeginObject();
  w.Key("timings");
  w.BeginObject();
  w.Key("evalTotalTime");
  w.GoFloat(eval_total);
  w.Key("resultSortTime");
  w.GoFloat(0);
  w.Key("queryPreparationTime");
  w.GoFloat(stats.prepare_seconds);
  w.Key("innerEvalTime");
  w.GoFloat(stats.eval_seconds);
  w.Key("execQueueTime");
  w.GoFloat(queue_seconds);
  w.Key("execTotalTime");
  w.GoFloat(stats.parse_seconds + eval_total + queue_seconds);
  w.EndObject();
  w.Key("samples");
  w.BeginObject();
  w.Key("totalQueryableSamples");
  w.Int(stats.total_samples);
  w.Key("peakSamples");
  w.Int(stats.peak_samples);
  w.EndObject();
  w.EndObject();
}

}  // namespace pharos::server
