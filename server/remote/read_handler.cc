#include "server/remote/read_handler.h"

#include <snappy.h>

#include <memory>
#include <string>
#include <vector>

#include "server/remote/remote.pb.h"

namespace pharos::server {
namespace {

Response Error(int status, const std::string& message) {
  return Response::Text(status, message + "\n");
}

Result<tsdb::MatchType> ToMatchType(prometheus::LabelMatcher::Type t) {
  switch (t) {
    case prometheus::LabelMatcher::EQ:
      return tsdb::MatchType::kEqual;
    case prometheus::LabelMatcher::NEQ:
      return tsdb::MatchType::kNotEqual;
    case prometheus::LabelMatcher::RE:
      return tsdb::MatchType::kRegexMatch;
    case prometheus::LabelMatcher::NRE:
      return tsdb::MatchType::kRegexNoMatch;
    default:
      break;
  }
  return InvalidArgumentError("invalid matcher type");
}

// The query's matchers, less those an external label satisfies.
Result<std::vector<tsdb::Matcher>> Matchers(const prometheus::Query& query,
                                            const tsdb::Labels& external) {
  std::vector<tsdb::Matcher> out;
  for (const prometheus::LabelMatcher& m : query.matchers()) {
    ASSIGN_OR_RETURN(tsdb::MatchType type, ToMatchType(m.type()));
    if (type == tsdb::MatchType::kEqual && external.Get(m.name()) == m.value()) continue;
    ASSIGN_OR_RETURN(tsdb::Matcher matcher, tsdb::Matcher::Make(type, m.name(), m.value()));
    out.push_back(std::move(matcher));
  }
  return out;
}

// Series labels merged with the external labels: the series' own win.
void SetLabels(const tsdb::Labels& series, const tsdb::Labels& external,
               prometheus::TimeSeries* out) {
  auto s = series.begin();
  auto e = external.begin();
  auto add = [out](const tsdb::Label& l) {
    prometheus::Label* pl = out->add_labels();
    pl->set_name(l.name);
    pl->set_value(l.value);
  };
  while (s != series.end() || e != external.end()) {
    if (e == external.end() || (s != series.end() && s->name <= e->name)) {
      if (e != external.end() && s->name == e->name) ++e;
      add(*s++);
    } else {
      add(*e++);
    }
  }
}

// Runs one query into `result`; `samples` counts toward the limit.
Status RunQuery(tsdb::Queryable& storage, const prometheus::Query& query,
                const tsdb::Labels& external, int64_t limit, int64_t* samples,
                prometheus::QueryResult* result, int* http_status) {
  *http_status = 400;
  ASSIGN_OR_RETURN(std::vector<tsdb::Matcher> matchers, Matchers(query, external));
  *http_status = 500;
  ASSIGN_OR_RETURN(std::unique_ptr<tsdb::Querier> q,
                   storage.NewQuerier(query.start_timestamp_ms(), query.end_timestamp_ms()));
  tsdb::SelectHints hints;
  hints.start = query.start_timestamp_ms();
  hints.end = query.end_timestamp_ms();
  if (query.has_hints()) {
    hints.start = query.hints().start_ms();
    hints.end = query.hints().end_ms();
  }
  std::unique_ptr<tsdb::SeriesSet> set = q->Select(hints, matchers);
  while (set->Next()) {
    const tsdb::Series& series = set->At();
    prometheus::TimeSeries* ts = result->add_timeseries();
    SetLabels(series.labels(), external, ts);
    std::unique_ptr<tsdb::SampleIterator> it = series.Iterator();
    while (it->Next()) {
      tsdb::Sample s = it->At();
      if (limit > 0 && ++*samples > limit) {
        *http_status = 400;
        return InvalidArgumentError("exceeded sample limit (" + std::to_string(limit) + ")");
      }
      prometheus::Sample* ps = ts->add_samples();
      ps->set_timestamp(s.t);
      ps->set_value(s.v);
    }
    RETURN_IF_ERROR(it->status());
  }
  return set->status();
}

}  // namespace

Response HandleRemoteRead(tsdb::Queryable& storage, const RemoteReadOptions& options,
                          const Request& request) {
  std::string_view body = request.body;
  if (body.size() > options.max_request_bytes) body = body.substr(0, options.max_request_bytes);
  std::string raw;
  if (!snappy::Uncompress(body.data(), body.size(), &raw)) {
    return Error(400, "snappy: corrupt input");
  }
  prometheus::ReadRequest req;
  if (!req.ParseFromString(raw)) return Error(400, "proto: cannot parse invalid wire-format data");

  bool samples_ok = req.accepted_response_types_size() == 0;
  std::string requested;
  for (int t : req.accepted_response_types()) {
    if (t == prometheus::ReadRequest::SAMPLES) samples_ok = true;
    if (!requested.empty()) requested += " ";
    requested += prometheus::ReadRequest::ResponseType_IsValid(t)
                     ? prometheus::ReadRequest::ResponseType_Name(
                           static_cast<prometheus::ReadRequest::ResponseType>(t))
                     : std::to_string(t);
  }
  if (!samples_ok) {
    return Error(400, "server does not support any of the requested response types: [" +
                          requested + "]; supported: [SAMPLES]");
  }

  const tsdb::Labels external =
      options.external_labels ? options.external_labels() : tsdb::Labels();
  prometheus::ReadResponse resp;
  int64_t samples = 0;
  for (const prometheus::Query& query : req.queries()) {
    int http_status = 500;
    Status st = RunQuery(storage, query, external, options.sample_limit, &samples,
                         resp.add_results(), &http_status);
    if (!st.ok()) return Error(http_status, st.message());
  }
  std::string serialized;
  resp.SerializeToString(&serialized);
  Response res;
  res.content_type = "application/x-protobuf";
  res.SetHeader("Content-Encoding", "snappy");
  snappy::Compress(serialized.data(), serialized.size(), &res.body);
  return res;
}

}  // namespace pharos::server
