// ByteArena: copies byte strings into large blocks so that many small
// copies (chunk bytes gathered by a query) cost one allocation per block.
// Views returned by Copy() stay valid until the arena is destroyed or
// cleared.
//
// Thread-compatible.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace pharos::tsdb {

class ByteArena {
 public:
  // `block_size`: bytes per allocation; small for arenas that hold one
  // series' chunks, large for a whole query's.
  explicit ByteArena(size_t block_size = 256 * 1024) : block_size_(block_size) {}

  std::string_view Copy(std::string_view bytes) {
    if (bytes.size() > left_) {
      size_t size = std::max(block_size_, bytes.size());
      blocks_.push_back(std::make_unique<char[]>(size));
      next_ = blocks_.back().get();
      left_ = size;
    }
    std::memcpy(next_, bytes.data(), bytes.size());
    std::string_view out(next_, bytes.size());
    next_ += bytes.size();
    left_ -= bytes.size();
    return out;
  }

  // Takes over `other`'s blocks: views into them stay valid as long as
  // this arena.
  void Absorb(ByteArena&& other) {
    for (auto& b : other.blocks_) blocks_.push_back(std::move(b));
    other.Clear();
  }

  void Clear() {
    blocks_.clear();
    next_ = nullptr;
    left_ = 0;
  }

 private:
  size_t block_size_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  size_t left_ = 0;
};

}  // namespace pharos::tsdb
