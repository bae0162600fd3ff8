// StoreError: the one error type of the mail store. Each daemon maps it to protocol replies in one
// function (e.g. over_quota -> SMTP 452/552, IMAP NO [OVERQUOTA]; busy -> SMTP 451, IMAP NO [UNAVAILABLE]).
#pragma once

#include <string_view>

#include "common/base/result.h"

namespace roost::store {

enum class StoreError {
  not_found,         // no such domain, account, alias, mailbox, message or queue entry
  exists,            // the name/address is already taken
  over_quota,        // the write would take the account past its quota (nothing was written)
  account_disabled,  // the account exists but is disabled
  auth_failed,       // wrong password (or unknown account: the caller cannot tell them apart)
  invalid,           // bad input: malformed address or mailbox name, INBOX delete, \Noselect delete...
  busy,              // temporary: the database stayed locked past the retry budget, or a queue is full
  io,                // the disk failed (full, I/O error, cannot open); temporary for SMTP
  corrupt,           // the database is damaged or not a Roost database
  schema_too_new,    // the database was written by a newer Roost (PRAGMA user_version too high)
};

// A short stable name for log lines ("over_quota").
std::string_view store_error_name(StoreError error);

// True when retrying later may succeed (busy, io): SMTP answers 4xx, not 5xx.
bool is_temporary(StoreError error);

template <typename T>
using StoreResult = Result<T, StoreError>;

}  // namespace roost::store
