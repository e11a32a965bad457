// SymbolTable: interns label names and values so each distinct string is
// stored once for all head series.
//
// Thread-compatible: the Head guards it with its series lock. Symbols are
// never removed (a rarely-seen value stays until restart), which keeps ids
// stable for lock-free readers of MemSeries label ids.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pharos::tsdb {

class SymbolTable {
 public:
  // Id of `s`, adding it when new.
  uint32_t Intern(std::string_view s);
  // Id of `s` if present.
  bool Find(std::string_view s, uint32_t* id) const;
  // REQUIRES: id was returned by Intern().
  std::string_view Lookup(uint32_t id) const { return strings_[id]; }
  size_t size() const { return strings_.size(); }

 private:
  std::deque<std::string> strings_;  // deque: stable addresses for the views
  std::unordered_map<std::string_view, uint32_t> ids_;
};

}  // namespace pharos::tsdb
