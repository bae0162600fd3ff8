// Passwords: Argon2id hashes (libargon2) as PHC strings
// ("$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>"), verification in constant time, a rehash check
// when the configured cost grew, and a bounded pool of hashing threads so hashing never runs on an
// event loop and memory use stays bounded (max_concurrent_hashes * m_cost). Passwords and hashes
// never reach a log line.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/worker_pool.h"
#include "storage/options.h"
#include "storage/store_error.h"

namespace roost::store {

// Hashes with a fresh 16-byte random salt and a 32-byte tag. invalid for parameters libargon2
// refuses; io when no randomness is available. Slow by design: call on a hashing thread.
StoreResult<std::string> hash_password(std::string_view password, const Argon2Params& params);
// True when the password matches the PHC string (libargon2 compares in constant time). A malformed
// or non-argon2id string never matches.
bool verify_password(std::string_view password, std::string_view phc);
// True when the string's t, m or p is below `params` (the config got stronger), or it is not a
// well-formed argon2id v=19 string: the next successful login should store a new hash.
bool needs_rehash(std::string_view phc, const Argon2Params& params);

// Runs hashing and verification on at most max_concurrent_hashes threads. Completions run on a
// hashing thread; a daemon hands them back to its loop. A full queue fails with busy at once.
class PasswordHasher {
 public:
  PasswordHasher(Argon2Params params, unsigned max_concurrent, std::size_t max_queued);
  const Argon2Params& params() const { return params_; }

  void hash(std::string password, std::function<void(StoreResult<std::string>)> done);
  void verify(std::string password, std::string phc, std::function<void(StoreResult<bool>)> done);
  // Runs any job on a hashing thread (the login path: lookup, verify, maybe rehash in one job).
  // false when the queue is full.
  bool run(std::function<void()> job);
  // Blocking form (roostctl, tests): still bounded by the pool, but waits for room in the queue.
  StoreResult<std::string> hash_sync(std::string password);

 private:
  Argon2Params params_;
  WorkerPool pool_;
};

}  // namespace roost::store
