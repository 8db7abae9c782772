#include "node/storage.hpp"

#include "log/log.hpp"

namespace hidewire::node {

void storage_log(const std::string& line) { log::warn(line); }

void StorageWatch::failed(const std::string& why) {
  if (!down_.exchange(true)) log::error(what_ + ": cannot write (" + why + "): " + meanwhile_);
}

void StorageWatch::ok() {
  if (down_.exchange(false)) log::info(what_ + ": writing again: resuming");
}

}  // namespace hidewire::node
