// The labels a remote read answer gives a series: its own merged with the
// configuration's external labels, in name order, the series' own value
// winning where both have a name (Prometheus' MergeLabels).
//
//   AddMergedLabels(series.labels(), external, response_series);
//
// Thread-safety: a pure function.
#pragma once

#include "server/remote/remote.pb.h"
#include "tsdb/labels.h"

namespace pharos::server {

// Appends the merged labels to `out`: a prometheus::TimeSeries or
// prometheus::ChunkedSeries.
template <typename ProtoSeries>
void AddMergedLabels(const tsdb::Labels& series, const tsdb::Labels& external, ProtoSeries* out) {
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

}  // namespace pharos::server
