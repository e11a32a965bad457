#include "tsdb/head/symbol_table.h"

namespace pharos::tsdb {

uint32_t SymbolTable::Intern(std::string_view s) {
  auto it = ids_.find(s);
  if (it != ids_.end()) return it->second;
  auto id = static_cast<uint32_t>(strings_.size());
  strings_.emplace_back(s);
  ids_.emplace(strings_.back(), id);
  return id;
}

bool SymbolTable::Find(std::string_view s, uint32_t* id) const {
  auto it = ids_.find(s);
  if (it == ids_.end()) return false;
  *id = it->second;
  return true;
}

}  // namespace pharos::tsdb
