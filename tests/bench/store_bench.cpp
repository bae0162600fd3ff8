// store_bench: durable deliveries per second and fsyncs per delivery of the mail store, for 1, 8 and
// 64 concurrent writers with 4 KB and 64 KB messages. fsyncs are counted by a thin SQLite VFS that
// wraps the default one and counts xSync calls (registered here only).
// Usage: store_bench [seconds per case (default 3)] [directory for the databases (default /tmp)]
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "storage/accounts.h"
#include "storage/store.h"

namespace {

std::atomic<std::uint64_t> g_syncs{0};
sqlite3_vfs* g_real_vfs = nullptr;

// A file of the counting VFS: our header, then the real VFS's file.
struct CountingFile {
  sqlite3_file base;
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

CountingFile* cf(sqlite3_file* f) { return reinterpret_cast<CountingFile*>(f); }

int c_close(sqlite3_file* f) { return cf(f)->real()->pMethods->xClose(cf(f)->real()); }
int c_read(sqlite3_file* f, void* b, int n, sqlite3_int64 o) { return cf(f)->real()->pMethods->xRead(cf(f)->real(), b, n, o); }
int c_write(sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
  return cf(f)->real()->pMethods->xWrite(cf(f)->real(), b, n, o);
}
int c_truncate(sqlite3_file* f, sqlite3_int64 s) { return cf(f)->real()->pMethods->xTruncate(cf(f)->real(), s); }
int c_sync(sqlite3_file* f, int flags) {
  g_syncs.fetch_add(1, std::memory_order_relaxed);
  return cf(f)->real()->pMethods->xSync(cf(f)->real(), flags);
}
int c_file_size(sqlite3_file* f, sqlite3_int64* s) { return cf(f)->real()->pMethods->xFileSize(cf(f)->real(), s); }
int c_lock(sqlite3_file* f, int l) { return cf(f)->real()->pMethods->xLock(cf(f)->real(), l); }
int c_unlock(sqlite3_file* f, int l) { return cf(f)->real()->pMethods->xUnlock(cf(f)->real(), l); }
int c_check_reserved(sqlite3_file* f, int* r) { return cf(f)->real()->pMethods->xCheckReservedLock(cf(f)->real(), r); }
int c_file_control(sqlite3_file* f, int op, void* a) { return cf(f)->real()->pMethods->xFileControl(cf(f)->real(), op, a); }
int c_sector_size(sqlite3_file* f) { return cf(f)->real()->pMethods->xSectorSize(cf(f)->real()); }
int c_device(sqlite3_file* f) { return cf(f)->real()->pMethods->xDeviceCharacteristics(cf(f)->real()); }
int c_shm_map(sqlite3_file* f, int i, int sz, int ext, void volatile** p) {
  return cf(f)->real()->pMethods->xShmMap(cf(f)->real(), i, sz, ext, p);
}
int c_shm_lock(sqlite3_file* f, int o, int n, int flags) { return cf(f)->real()->pMethods->xShmLock(cf(f)->real(), o, n, flags); }
void c_shm_barrier(sqlite3_file* f) { cf(f)->real()->pMethods->xShmBarrier(cf(f)->real()); }
int c_shm_unmap(sqlite3_file* f, int del) { return cf(f)->real()->pMethods->xShmUnmap(cf(f)->real(), del); }
int c_fetch(sqlite3_file* f, sqlite3_int64 o, int n, void** p) { return cf(f)->real()->pMethods->xFetch(cf(f)->real(), o, n, p); }
int c_unfetch(sqlite3_file* f, sqlite3_int64 o, void* p) { return cf(f)->real()->pMethods->xUnfetch(cf(f)->real(), o, p); }

const sqlite3_io_methods kCountingMethods = {
    3,           c_close,     c_read,        c_write,     c_truncate, c_sync,     c_file_size,
    c_lock,      c_unlock,    c_check_reserved, c_file_control, c_sector_size, c_device, c_shm_map,
    c_shm_lock,  c_shm_barrier, c_shm_unmap, c_fetch,     c_unfetch,
};

int c_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* file = cf(f);
  file->base.pMethods = nullptr;
  int rc = g_real_vfs->xOpen(g_real_vfs, name, file->real(), flags, out_flags);
  if (file->real()->pMethods) file->base.pMethods = &kCountingMethods;
  return rc;
}

sqlite3_vfs g_counting_vfs;

void register_counting_vfs() {
  g_real_vfs = sqlite3_vfs_find(nullptr);
  if (!g_real_vfs || g_real_vfs->iVersion < 1) std::abort();
  g_counting_vfs = *g_real_vfs;  // forwards everything but xOpen (pAppData stays the real one's)
  g_counting_vfs.zName = "roost-counting";
  g_counting_vfs.szOsFile = static_cast<int>(sizeof(CountingFile)) + g_real_vfs->szOsFile;
  g_counting_vfs.xOpen = c_open;
  g_counting_vfs.pNext = nullptr;
  if (sqlite3_vfs_register(&g_counting_vfs, 1) != SQLITE_OK) std::abort();
}

struct CaseResult {
  std::uint64_t deliveries = 0;
  std::uint64_t syncs = 0;
  std::uint64_t commits = 0;
  double seconds = 0;
};

CaseResult run_case(const std::string& base_dir, int writers, std::size_t size, double seconds) {
  using namespace roost::store;
  std::string tmpl = base_dir + "/roost-bench-XXXXXX";
  if (!::mkdtemp(tmpl.data())) std::abort();
  StoreOptions options;
  options.db_path = tmpl + "/roost.db";
  options.argon2 = {1, 64, 1};  // account setup only
  CaseResult result;
  {
    auto opened = Store::open(options);
    if (!opened.ok()) {
      std::fprintf(stderr, "open failed: %s\n", std::string(store_error_name(opened.error())).c_str());
      std::exit(1);
    }
    auto& store = **opened;
    (void)store.write_sync<std::int64_t>([](WriteCtx& w) { return add_domain(w, "bench.example"); });
    std::vector<std::int64_t> accounts;
    for (int i = 0; i < writers; ++i) {
      auto id = store.add_account_sync("user" + std::to_string(i) + "@bench.example", "pw");
      if (!id.ok()) std::abort();
      accounts.push_back(*id);
    }
    std::string message(size, 'x');
    for (std::size_t i = 0; i < size; i += 78) message[i] = '\n';
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> delivered{0};
    auto syncs_before = g_syncs.load();
    auto commits_before = store.writer().stats().commits;
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < writers; ++t) {
      threads.emplace_back([&, t] {
        while (!stop.load(std::memory_order_relaxed)) {
          Delivery d;
          d.bytes = message;
          d.local = {{accounts[static_cast<std::size_t>(t)], "", {}, ""}};
          auto r = store.deliver_sync(d);
          if (!r.ok() || r->local[0].error) std::abort();
          delivered.fetch_add(1, std::memory_order_relaxed);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& t : threads) t.join();
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.deliveries = delivered.load();
    result.syncs = g_syncs.load() - syncs_before;
    result.commits = store.writer().stats().commits - commits_before;
  }
  std::filesystem::remove_all(tmpl);
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  std::string dir = argc > 2 ? argv[2] : "/tmp";
  if (seconds <= 0) seconds = 3.0;
  register_counting_vfs();
  std::printf("store_bench: %.1f s per case, databases under %s, %u cores\n", seconds, dir.c_str(),
              std::thread::hardware_concurrency());
  std::printf("%8s %8s %12s %14s %12s %14s %12s\n", "writers", "size", "deliveries", "deliveries/s", "fsyncs",
              "fsyncs/deliv", "deliv/commit");
  for (std::size_t size : {std::size_t{4096}, std::size_t{65536}}) {
    for (int writers : {1, 8, 64}) {
      auto r = run_case(dir, writers, size, seconds);
      double per_second = static_cast<double>(r.deliveries) / r.seconds;
      double syncs_per = r.deliveries ? static_cast<double>(r.syncs) / static_cast<double>(r.deliveries) : 0;
      double per_commit = r.commits ? static_cast<double>(r.deliveries) / static_cast<double>(r.commits) : 0;
      std::printf("%8d %7zuK %12llu %14.0f %12llu %14.3f %12.1f\n", writers, size / 1024,
                  static_cast<unsigned long long>(r.deliveries), per_second, static_cast<unsigned long long>(r.syncs),
                  syncs_per, per_commit);
      std::fflush(stdout);
    }
  }
  return 0;
}
