// StoreOptions: every setting of the mail store in one plain struct, with its default.
// The daemons fill it from the TOML config; tests fill it by hand.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace roost::store {

// Argon2id cost parameters (RFC 9106). Defaults follow OWASP's minimum: t=2, m=19 MiB, p=1.
struct Argon2Params {
  std::uint32_t t_cost = 2;         // iterations
  std::uint32_t m_cost_kib = 19456; // memory in KiB
  std::uint32_t parallelism = 1;    // lanes
};

struct StoreOptions {
  // The database file. Its directory also holds the WAL/shm files and notify/.
  std::string db_path = "/var/lib/roost/roost.db";
  // Where the notification sockets live; empty = "<directory of db_path>/notify".
  std::string notify_dir;
  // How long SQLite's busy handler waits for a lock before the store's own bounded retry takes over.
  std::chrono::milliseconds busy_timeout{5000};
  // Total time a write or BEGIN may keep retrying on SQLITE_BUSY before it fails with StoreError::busy.
  std::chrono::milliseconds retry_budget{30000};
  Argon2Params argon2;
  // At most this many hashes run at once (each takes m_cost_kib of memory), and at most
  // max_queued_hashes wait; beyond that a login fails with StoreError::busy.
  unsigned max_concurrent_hashes = 2;
  std::size_t max_queued_hashes = 256;
  // "user+tag@domain" reaches "user@domain". Empty disables sub-addressing.
  std::string plus_separator = "+";
  // Bytes of the database file each connection may map into memory (PRAGMA mmap_size): reading
  // messages from the map skips a kernel copy per page (SEARCH TEXT reads every byte). 0 disables.
  std::int64_t mmap_size = 256LL << 20;
  // Idle reader connections kept open for reuse (more are opened on demand).
  std::size_t reader_pool_size = 4;
  // Writes committed together in one transaction at most (group commit).
  std::size_t max_batch = 512;
  // Writes waiting for the writer at most; submit() beyond that fails with StoreError::busy.
  std::size_t max_pending_writes = 65536;
  // WAL pages before the writer runs a passive checkpoint after a commit (SQLite's wal_autocheckpoint).
  int wal_autocheckpoint_pages = 4000;
  // Seconds since the epoch; tests inject a fake clock. Empty = the system clock.
  std::function<std::int64_t()> clock;
};

}  // namespace roost::store
