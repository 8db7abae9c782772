#include "node/storage.hpp"

#include <iostream>

namespace hidewire::node {

void storage_log(const std::string& line) { std::cerr << line << std::endl; }

void StorageWatch::failed(const std::string& why) {
  if (!down_.exchange(true)) storage_log(what_ + ": cannot write (" + why + "): " + meanwhile_);
}

void StorageWatch::ok() {
  if (down_.exchange(false)) storage_log(what_ + ": writing again: resuming");
}

}  // namespace hidewire::node
