// Names of StoreError values for log lines.
#include "storage/store_error.h"

namespace roost::store {

std::string_view store_error_name(StoreError error) {
  switch (error) {
    case StoreError::not_found: return "not_found";
    case StoreError::exists: return "exists";
    case StoreError::over_quota: return "over_quota";
    case StoreError::account_disabled: return "account_disabled";
    case StoreError::auth_failed: return "auth_failed";
    case StoreError::invalid: return "invalid";
    case StoreError::busy: return "busy";
    case StoreError::io: return "io";
    case StoreError::corrupt: return "corrupt";
    case StoreError::schema_too_new: return "schema_too_new";
  }
  return "unknown";
}

bool is_temporary(StoreError error) { return error == StoreError::busy || error == StoreError::io; }

}  // namespace roost::store
