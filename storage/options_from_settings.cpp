// Config settings to store options (see options_from_settings.h).
#include "storage/options_from_settings.h"

namespace roost::store {

StoreOptions options_from(const Settings& settings) {
  StoreOptions options;
  options.db_path = settings.db_path();
  options.busy_timeout = settings.store.busy_timeout;
  options.mmap_size = settings.store.mmap_size;
  options.plus_separator = settings.store.plus_separator;
  options.argon2.t_cost = static_cast<std::uint32_t>(settings.auth.argon2_time_cost);
  options.argon2.m_cost_kib = static_cast<std::uint32_t>(settings.auth.argon2_memory_kib);
  options.argon2.parallelism = static_cast<std::uint32_t>(settings.auth.argon2_parallelism);
  options.max_concurrent_hashes = static_cast<unsigned>(settings.auth.max_concurrent_hashes);
  return options;
}

}  // namespace roost::store
