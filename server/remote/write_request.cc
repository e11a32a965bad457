#include "server/remote/write_request.h"

#include <bit>
#include <cstring>
#include <string>

namespace pharos::server {
namespace {

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

Status Malformed(const char* what) {
  return Status(StatusCode::kInvalidArgument, std::string("malformed write request: ") + what);
}

// A cursor over protobuf wire data.
class Reader {
 public:
  explicit Reader(std::string_view buf) : p_(buf.data()), end_(buf.data() + buf.size()) {}

  bool done() const { return p_ >= end_; }
  const char* pos() const { return p_; }

  bool Varint(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) return false;
      const uint8_t b = static_cast<uint8_t>(*p_++);
      result |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        *v = result;
        return true;
      }
    }
    return false;  // more than 10 bytes
  }

  bool Fixed64(uint64_t* v) {
    if (end_ - p_ < 8) return false;
    std::memcpy(v, p_, 8);  // little-endian on the wire and here
    p_ += 8;
    return true;
  }

  bool Bytes(std::string_view* out) {
    uint64_t n;
    if (!Varint(&n) || n > static_cast<uint64_t>(end_ - p_)) return false;
    *out = std::string_view(p_, n);
    p_ += n;
    return true;
  }

  // Skips a field of an unknown number.
  bool Skip(uint32_t wire_type) {
    uint64_t v;
    std::string_view s;
    switch (wire_type) {
      case kVarint: return Varint(&v);
      case kFixed64: return Fixed64(&v);
      case kLengthDelimited: return Bytes(&s);
      case kFixed32:
        if (end_ - p_ < 4) return false;
        p_ += 4;
        return true;
      default: return false;  // groups are not part of this schema
    }
  }

  bool Tag(uint32_t* field, uint32_t* wire_type) {
    uint64_t key;
    if (!Varint(&key) || key > 0xffffffffULL) return false;
    *field = static_cast<uint32_t>(key >> 3);
    *wire_type = static_cast<uint32_t>(key & 7);
    return *field != 0;
  }

 private:
  const char* p_;
  const char* end_;
};

Status DecodeLabel(std::string_view buf, WireLabel* out) {
  Reader r(buf);
  while (!r.done()) {
    uint32_t field, type;
    if (!r.Tag(&field, &type)) return Malformed("bad label field");
    if ((field == 1 || field == 2) && type == kLengthDelimited) {
      if (!r.Bytes(field == 1 ? &out->name : &out->value)) return Malformed("truncated label");
    } else if (!r.Skip(type)) {
      return Malformed("bad label field");
    }
  }
  return Status();
}

// The shape every client sends for a sample with a non-zero value and
// timestamp: value (field 1, fixed64), then timestamp (field 2, varint) up
// to the end. False for anything else, which the general loop decodes.
bool DecodeCommonSample(std::string_view buf, WireSample* out) {
  if (buf.size() < 11 || buf[0] != 0x09 || buf[9] != 0x10) return false;
  Reader r(buf.substr(10));
  uint64_t t;
  if (!r.Varint(&t) || !r.done()) return false;
  uint64_t bits;
  std::memcpy(&bits, buf.data() + 1, 8);
  out->value = std::bit_cast<double>(bits);
  out->timestamp = static_cast<int64_t>(t);
  return true;
}

Status DecodeSample(std::string_view buf, WireSample* out) {
  if (DecodeCommonSample(buf, out)) return Status();
  Reader r(buf);
  while (!r.done()) {
    uint32_t field, type;
    if (!r.Tag(&field, &type)) return Malformed("bad sample field");
    if (field == 1 && type == kFixed64) {
      uint64_t bits;
      if (!r.Fixed64(&bits)) return Malformed("truncated sample value");
      out->value = std::bit_cast<double>(bits);
    } else if (field == 2 && type == kVarint) {
      uint64_t v;
      if (!r.Varint(&v)) return Malformed("truncated sample timestamp");
      out->timestamp = static_cast<int64_t>(v);
    } else if (field == 1 || field == 2) {
      return Malformed("sample field of the wrong type");
    } else if (!r.Skip(type)) {
      return Malformed("bad sample field");
    }
  }
  return Status();
}

Status DecodeSeries(std::string_view buf, WriteRequestView* out) {
  WireSeries s;
  s.first_label = static_cast<uint32_t>(out->labels.size());
  s.first_sample = static_cast<uint32_t>(out->samples.size());
  Reader r(buf);
  const char* labels_begin = nullptr;
  const char* labels_end = nullptr;
  bool labels_contiguous = true;
  while (!r.done()) {
    const char* field_begin = r.pos();
    uint32_t field, type;
    if (!r.Tag(&field, &type)) return Malformed("bad time series field");
    if ((field == 1 || field == 2) && type == kLengthDelimited) {
      std::string_view msg;
      if (!r.Bytes(&msg)) return Malformed("truncated time series");
      if (field == 1) {
        if (labels_begin == nullptr) {
          labels_begin = field_begin;
        } else if (labels_end != field_begin) {
          labels_contiguous = false;
        }
        labels_end = r.pos();
        out->labels.emplace_back();
        if (Status st = DecodeLabel(msg, &out->labels.back()); !st.ok()) return st;
      } else {
        out->samples.emplace_back();
        if (Status st = DecodeSample(msg, &out->samples.back()); !st.ok()) return st;
      }
    } else if (field == 1 || field == 2) {
      return Malformed("time series field of the wrong type");
    } else if (!r.Skip(type)) {
      return Malformed("bad time series field");
    }
  }
  s.num_labels = static_cast<uint32_t>(out->labels.size()) - s.first_label;
  s.num_samples = static_cast<uint32_t>(out->samples.size()) - s.first_sample;
  if (labels_begin != nullptr && labels_contiguous) {
    s.label_bytes = std::string_view(labels_begin, static_cast<size_t>(labels_end - labels_begin));
  }
  out->series.push_back(s);
  return Status();
}

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutBytes(std::string& out, uint32_t field, std::string_view bytes) {
  PutVarint(out, (field << 3) | kLengthDelimited);
  PutVarint(out, bytes.size());
  out.append(bytes);
}

}  // namespace

Status DecodeWriteRequest(std::string_view buf, WriteRequestView* out) {
  out->Clear();
  Reader r(buf);
  while (!r.done()) {
    uint32_t field, type;
    if (!r.Tag(&field, &type)) return Malformed("bad field");
    if (field == 1 && type == kLengthDelimited) {
      std::string_view msg;
      if (!r.Bytes(&msg)) return Malformed("truncated time series");
      if (Status st = DecodeSeries(msg, out); !st.ok()) return st;
    } else if (field == 1) {
      return Malformed("time series of the wrong type");
    } else if (!r.Skip(type)) {
      return Malformed("bad field");
    }
  }
  return Status();
}

std::string EncodeWriteRequest(const WriteRequestView& req) {
  std::string out, series, item;
  for (const WireSeries& s : req.series) {
    series.clear();
    for (uint32_t i = 0; i < s.num_labels; ++i) {
      const WireLabel& l = req.labels[s.first_label + i];
      item.clear();
      PutBytes(item, 1, l.name);
      PutBytes(item, 2, l.value);
      PutBytes(series, 1, item);
    }
    for (uint32_t i = 0; i < s.num_samples; ++i) {
      const WireSample& smp = req.samples[s.first_sample + i];
      item.clear();
      PutVarint(item, (1 << 3) | kFixed64);
      const uint64_t bits = std::bit_cast<uint64_t>(smp.value);
      item.append(reinterpret_cast<const char*>(&bits), 8);
      PutVarint(item, (2 << 3) | kVarint);
      PutVarint(item, static_cast<uint64_t>(smp.timestamp));
      PutBytes(series, 2, item);
    }
    PutBytes(out, 1, series);
  }
  return out;
}

}  // namespace pharos::server
