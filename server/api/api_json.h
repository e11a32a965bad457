// JsonWriter: a small streaming JSON writer that places commas itself, and
// the number formats Prometheus' API uses.
//
//   JsonWriter w;
//   w.BeginObject(); w.Key("status"); w.String("success"); w.EndObject();
//   std::string body = w.Take();   // {"status":"success"}
//
// Strings are escaped as Go's encoding/json does (<, >, & and U+2028/9
// included); invalid UTF-8 becomes U+FFFD.
//
// Thread-safety: one writer per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pharos::server {

class JsonWriter {
 public:
  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // An object key; the next value call writes its value.
  void Key(std::string_view key);
  void String(std::string_view s);
  void Int(int64_t v);
  void Bool(bool v);
  void Null();
  // A float as Go's encoding/json writes a float64 (NaN and infinities,
  // which JSON cannot hold, are written as null).
  void GoFloat(double v);
  // Text that is already JSON, written as one value.
  void Raw(std::string_view json);
  // A sample as the API writes it: [<unix seconds>,"<value>"], as
  // FormatSampleTime and FormatSampleValue spell them.
  void SamplePair(int64_t t_ms, double v);

  // The document so far; the writer is empty afterwards.
  std::string Take();

 private:
  void BeforeValue();

  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

// Appends `s` as a quoted, escaped JSON string.
void AppendQuotedJson(std::string& out, std::string_view s);

// A sample value as Prometheus' JSON writes it inside quotes: strconv 'f'
// with the shortest round-trip digits, switching to 'e' ("1e-07", "1e+21")
// below 1e-6 and from 1e21 on; "NaN", "+Inf", "-Inf".
std::string FormatSampleValue(double v);

// A value as strconv.FormatFloat(v, 'f', -1, 64) prints it (scalars,
// label values built from numbers): never an exponent.
std::string FormatFloatF(double v);

// A sample timestamp in ms as Prometheus writes it: seconds with the
// milliseconds, if any, as three digits ("4", "4.500", "-1.500", "0.001").
std::string FormatSampleTime(int64_t t_ms);

// A float as Go's encoding/json writes it: shortest digits, 'f' format
// unless the exponent is below -6 or at least 21 ("9.61e-07", "1e+21").
std::string FormatGoJsonFloat(double v);

// strconv.FormatFloat(v, 'e', -1, 64): "1e+00", "2.5e-07" (alert values).
std::string FormatFloatE(double v);

// A time in ms as Go's RFC 3339 with nanoseconds, in UTC, trailing zeros of
// the fraction dropped: "2026-11-23T20:03:01.42Z". 0 is Go's zero time,
// "0001-01-01T00:00:00Z".
std::string FormatRfc3339(int64_t t_ms);

}  // namespace pharos::server
