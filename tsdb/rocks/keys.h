// Key and value layouts of every RocksDB column family Pharos writes.
// tsdb/FORMAT.md is the prose version of this file; keep them in step.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tsdb/labels.h"
#include "tsdb/status.h"

namespace pharos::tsdb::keys {

// Version byte at the start of every value that has a layout.
inline constexpr uint8_t kFormatVersion = 1;

// Column family names.
inline constexpr const char* kSeriesCf = "series";  // head series: id -> labels
inline constexpr const char* kWalCf = "wal";        // seq -> WAL record
inline constexpr const char* kChunksCf = "chunks";  // partition|id|mint -> chunk
inline constexpr const char* kIndexCf = "index";    // per-partition index
inline constexpr const char* kHeadCf = "head";      // id -> open chunk snapshot

// Keys in the default column family.
inline constexpr std::string_view kMetaVersion = "meta/version";
inline constexpr std::string_view kMetaCheckpoint = "meta/checkpoint";
inline constexpr std::string_view kMetaPersistedUntil = "meta/persisted_until";
inline constexpr std::string_view kMetaNextSeriesId = "meta/next_series_id";

// Index entry kinds (the byte after the partition).
inline constexpr char kPostingKind = 'p';
inline constexpr char kSeriesKind = 's';
inline constexpr char kValueKind = 'v';

std::string U64Key(uint64_t v);  // wal, series, head keys
uint64_t DecodeU64Key(std::string_view key);

std::string ChunkKey(int64_t partition, uint64_t id, int64_t mint);
// A chunks value: (maxt - mint):uvarint, then the encoded chunk.
std::string ChunkValue(int64_t mint, int64_t maxt, std::string_view chunk);
// Splits a chunks value; false when malformed.
bool DecodeChunkValue(std::string_view value, int64_t mint, int64_t* maxt,
                      std::string_view* chunk);
// A prefix selecting one series' chunks in one partition.
std::string ChunkSeriesPrefix(int64_t partition, uint64_t id);
std::string PartitionPrefix(int64_t partition);  // chunks and index
struct ChunkKeyParts {
  int64_t partition;
  uint64_t id;
  int64_t mint;
};
bool DecodeChunkKey(std::string_view key, ChunkKeyParts* out);

std::string PostingKey(int64_t partition, std::string_view name, std::string_view value,
                       uint64_t id);
std::string PostingPrefix(int64_t partition, std::string_view name, std::string_view value);
std::string IndexSeriesKey(int64_t partition, uint64_t id);
std::string ValueKey(int64_t partition, std::string_view name, std::string_view value);
std::string ValuePrefix(int64_t partition, std::string_view name);
// Prefix of all value keys of a partition (every name).
std::string AllValuesPrefix(int64_t partition);
// Decodes (name, value) of a ValueKey; false when malformed.
bool DecodeValueKey(std::string_view key, std::string_view* name, std::string_view* value);

// Values.
std::string EncodeLabels(const Labels& labels);
Result<Labels> DecodeLabels(std::string_view value);
// Decodes without copying: the views point into `value`. False when
// malformed.
bool DecodeLabelViews(std::string_view value, std::vector<LabelView>* out);

// Smallest key strictly greater than every key that starts with `prefix`.
std::string PrefixSuccessor(std::string prefix);

}  // namespace pharos::tsdb::keys
