// Fills the store's options from the config file's settings, so every daemon and roostctl agree.
#pragma once

#include "common/base/config.h"
#include "storage/options.h"

namespace roost::store {

// data_dir (the database), [auth] Argon2 parameters and hash concurrency, [store] keys.
StoreOptions options_from(const Settings& settings);

}  // namespace roost::store
