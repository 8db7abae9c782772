// The first block of a conversion's JSON memory: the thread's own, reused from one message to
// the next. A fresh 64 kB pool chunk per message was allocated, touched cold and freed every
// time; a message needing more still gets further chunks from the heap, freed with the pool.
#pragma once

#include <cstddef>
#include <memory>

namespace hidewire::mapping {

class PoolMemory {
 public:
  static constexpr std::size_t kSize = 64 * 1024;
  PoolMemory() {
    if (!busy()) {  // a conversion inside a conversion (none today) takes a block of its own
      busy() = true;
      data_ = block();
    } else {
      own_ = std::make_unique<Block>();
      data_ = own_->bytes;
    }
  }
  ~PoolMemory() {
    if (!own_) busy() = false;
  }
  PoolMemory(const PoolMemory&) = delete;
  PoolMemory& operator=(const PoolMemory&) = delete;
  void* data() const { return data_; }
  std::size_t size() const { return kSize; }

 private:
  struct Block {
    alignas(16) char bytes[kSize];
  };
  static char* block() {
    thread_local Block b;
    return b.bytes;
  }
  static bool& busy() {
    thread_local bool b = false;
    return b;
  }
  std::unique_ptr<Block> own_;
  void* data_ = nullptr;
};

}  // namespace hidewire::mapping
