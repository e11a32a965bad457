#include "server/remote/read_handler.h"

#include <snappy.h>

#include <memory>
#include <string>
#include <vector>

#include "server/remote/chunked_read.h"
#include "server/remote/merged_labels.h"
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

// A query's series, sorted by labels. Sets *http_status for errors.
Result<std::unique_ptr<tsdb::SeriesSet>> Select(tsdb::Queryable& storage,
                                                const prometheus::Query& query,
                                                const tsdb::Labels& external,
                                                std::unique_ptr<tsdb::Querier>* querier,
                                                int* http_status) {
  *http_status = 400;
  ASSIGN_OR_RETURN(std::vector<tsdb::Matcher> matchers, Matchers(query, external));
  *http_status = 500;
  ASSIGN_OR_RETURN(*querier,
                   storage.NewQuerier(query.start_timestamp_ms(), query.end_timestamp_ms()));
  tsdb::SelectHints hints;
  hints.start = query.start_timestamp_ms();
  hints.end = query.end_timestamp_ms();
  if (query.has_hints()) {
    hints.start = query.hints().start_ms();
    hints.end = query.hints().end_ms();
  }
  return (*querier)->Select(hints, matchers);
}

// Runs one query into `result`; `samples` counts toward the limit.
Status RunQuery(tsdb::Queryable& storage, const prometheus::Query& query,
                const tsdb::Labels& external, int64_t limit, int64_t* samples,
                prometheus::QueryResult* result, int* http_status) {
  std::unique_ptr<tsdb::Querier> q;
  ASSIGN_OR_RETURN(std::unique_ptr<tsdb::SeriesSet> set,
                   Select(storage, query, external, &q, http_status));
  while (set->Next()) {
    const tsdb::Series& series = set->At();
    prometheus::TimeSeries* ts = result->add_timeseries();
    AddMergedLabels(series.labels(), external, ts);
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

// The first accepted type Pharos serves, as Prometheus negotiates; SAMPLES
// when the client lists none.
Result<prometheus::ReadRequest::ResponseType> Negotiate(const prometheus::ReadRequest& req) {
  if (req.accepted_response_types_size() == 0) return prometheus::ReadRequest::SAMPLES;
  std::string requested;
  for (int t : req.accepted_response_types()) {
    if (t == prometheus::ReadRequest::SAMPLES || t == prometheus::ReadRequest::STREAMED_XOR_CHUNKS) {
      return static_cast<prometheus::ReadRequest::ResponseType>(t);
    }
    if (!requested.empty()) requested += " ";
    requested += std::to_string(t);
  }
  return InvalidArgumentError("server does not support any of the requested response types: [" +
                              requested +
                              "]; supported: map[SAMPLES:{} STREAMED_XOR_CHUNKS:{}]");
}

Response Samples(tsdb::Queryable& storage, const RemoteReadOptions& options,
                 const prometheus::ReadRequest& req, const tsdb::Labels& external) {
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

Response StreamedChunks(tsdb::Queryable& storage, const RemoteReadOptions& options,
                        const prometheus::ReadRequest& req, const tsdb::Labels& external) {
  Response res;
  res.content_type = "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse";
  for (int i = 0; i < req.queries_size(); ++i) {
    int http_status = 500;
    std::unique_ptr<tsdb::Querier> q;
    Result<std::unique_ptr<tsdb::SeriesSet>> set =
        Select(storage, req.queries(i), external, &q, &http_status);
    if (!set.ok()) return Error(http_status, set.status().message());
    Status st = AppendChunkedSeriesFrames(**set, external, i, options.max_bytes_in_frame,
                                          &res.body);
    if (!st.ok()) return Error(500, st.message());
  }
  return res;
}

Response ServeRemoteRead(tsdb::Queryable& storage, const RemoteReadOptions& options,
                         const Request& request) {
  std::string_view body = request.body;
  if (body.size() > options.max_request_bytes) body = body.substr(0, options.max_request_bytes);
  std::string raw;
  if (!snappy::Uncompress(body.data(), body.size(), &raw)) {
    return Error(400, "snappy: corrupt input");
  }
  prometheus::ReadRequest req;
  if (!req.ParseFromString(raw)) return Error(400, "proto: cannot parse invalid wire-format data");
  Result<prometheus::ReadRequest::ResponseType> type = Negotiate(req);
  if (!type.ok()) return Error(400, type.status().message());
  const tsdb::Labels external =
      options.external_labels ? options.external_labels() : tsdb::Labels();
  if (*type == prometheus::ReadRequest::STREAMED_XOR_CHUNKS) {
    return StreamedChunks(storage, options, req, external);
  }
  return Samples(storage, options, req, external);
}

}  // namespace

Response HandleRemoteRead(tsdb::Queryable& storage, const RemoteReadOptions& options,
                          const Request& request) {
  ReadGate::Slot slot =
      options.gate != nullptr ? options.gate->Enter(request.client_gone.get()) : ReadGate::Slot();
  if (options.gate != nullptr && !slot) return Error(500, "context canceled");
  return ServeRemoteRead(storage, options, request);
}

}  // namespace pharos::server
