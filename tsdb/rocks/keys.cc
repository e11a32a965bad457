#include "tsdb/rocks/keys.h"

#include "tsdb/rocks/coding.h"

namespace pharos::tsdb::keys {

std::string U64Key(uint64_t v) {
  std::string k;
  coding::PutBigEndian64(k, v);
  return k;
}

uint64_t DecodeU64Key(std::string_view key) {
  return key.size() < 8 ? 0 : coding::GetBigEndian64(key.data());
}

std::string PartitionPrefix(int64_t partition) {
  std::string k;
  coding::PutOrderedInt64(k, partition);
  return k;
}

std::string ChunkSeriesPrefix(int64_t partition, uint64_t id) {
  std::string k = PartitionPrefix(partition);
  coding::PutBigEndian64(k, id);
  return k;
}

std::string ChunkKey(int64_t partition, uint64_t id, int64_t mint) {
  std::string k = ChunkSeriesPrefix(partition, id);
  coding::PutOrderedInt64(k, mint);
  return k;
}

std::string ChunkValue(int64_t mint, int64_t maxt, std::string_view chunk) {
  std::string v;
  coding::PutVarint(v, static_cast<uint64_t>(maxt - mint));
  v.append(chunk);
  return v;
}

bool DecodeChunkValue(std::string_view value, int64_t mint, int64_t* maxt,
                      std::string_view* chunk) {
  coding::Reader r(value);
  uint64_t span;
  if (!r.GetVarint(&span) || r.empty()) return false;
  *maxt = mint + static_cast<int64_t>(span);
  *chunk = r.rest();
  return true;
}

bool DecodeChunkKey(std::string_view key, ChunkKeyParts* out) {
  if (key.size() != 24) return false;
  out->partition = coding::GetOrderedInt64(key.data());
  out->id = coding::GetBigEndian64(key.data() + 8);
  out->mint = coding::GetOrderedInt64(key.data() + 16);
  return true;
}

std::string PostingPrefix(int64_t partition, std::string_view name, std::string_view value) {
  std::string k = PartitionPrefix(partition);
  k.push_back(kPostingKind);
  coding::PutLengthPrefixed(k, name);
  coding::PutLengthPrefixed(k, value);
  return k;
}

std::string PostingKey(int64_t partition, std::string_view name, std::string_view value,
                       uint64_t id) {
  std::string k = PostingPrefix(partition, name, value);
  coding::PutBigEndian64(k, id);
  return k;
}

std::string IndexSeriesKey(int64_t partition, uint64_t id) {
  std::string k = PartitionPrefix(partition);
  k.push_back(kSeriesKind);
  coding::PutBigEndian64(k, id);
  return k;
}

std::string ValuePrefix(int64_t partition, std::string_view name) {
  std::string k = AllValuesPrefix(partition);
  coding::PutLengthPrefixed(k, name);
  return k;
}

std::string AllValuesPrefix(int64_t partition) {
  std::string k = PartitionPrefix(partition);
  k.push_back(kValueKind);
  return k;
}

std::string ValueKey(int64_t partition, std::string_view name, std::string_view value) {
  std::string k = ValuePrefix(partition, name);
  coding::PutLengthPrefixed(k, value);
  return k;
}

bool DecodeValueKey(std::string_view key, std::string_view* name, std::string_view* value) {
  if (key.size() < 9 || key[8] != kValueKind) return false;
  coding::Reader r(key.substr(9));
  return r.GetLengthPrefixed(name) && r.GetLengthPrefixed(value) && r.empty();
}

std::string EncodeLabels(const Labels& labels) {
  std::string v;
  v.push_back(static_cast<char>(kFormatVersion));
  coding::PutVarint(v, labels.size());
  for (const Label& l : labels) {
    coding::PutLengthPrefixed(v, l.name);
    coding::PutLengthPrefixed(v, l.value);
  }
  return v;
}

Result<Labels> DecodeLabels(std::string_view value) {
  coding::Reader r(value);
  uint8_t version;
  uint64_t n;
  if (!r.GetByte(&version) || version != kFormatVersion || !r.GetVarint(&n) ||
      n > r.remaining()) {
    return CorruptionError("bad labels value");
  }
  std::vector<Label> out;
  out.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view name, val;
    if (!r.GetLengthPrefixed(&name) || !r.GetLengthPrefixed(&val)) {
      return CorruptionError("truncated labels value");
    }
    out.push_back({std::string(name), std::string(val)});
  }
  if (!r.empty()) return CorruptionError("trailing bytes in labels value");
  return Labels(std::move(out));
}

bool DecodeLabelViews(std::string_view value, std::vector<LabelView>* out) {
  out->clear();
  coding::Reader r(value);
  uint8_t version;
  uint64_t n;
  if (!r.GetByte(&version) || version != kFormatVersion || !r.GetVarint(&n) ||
      n > r.remaining()) {
    return false;
  }
  for (uint64_t i = 0; i < n; ++i) {
    LabelView l;
    if (!r.GetLengthPrefixed(&l.first) || !r.GetLengthPrefixed(&l.second)) return false;
    out->push_back(l);
  }
  return r.empty();
}

std::string PrefixSuccessor(std::string prefix) {
  while (!prefix.empty()) {
    unsigned char c = static_cast<unsigned char>(prefix.back());
    if (c != 0xff) {
      prefix.back() = static_cast<char>(c + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;  // empty: no upper bound
}

}  // namespace pharos::tsdb::keys
