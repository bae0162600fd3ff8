// The asynchronous resolver for code on an event loop: lookups run on the resolver's own threads
// (DNS never blocks the loop) and report through a callback.
//
// Threading contract: a callback runs on one of the resolver's threads, not on the caller's loop. A
// caller on a libuv loop hands the result over to its loop (common/net/loop_post.h) before touching
// loop state:
//   resolver.lookup_mx(domain, [post = loop_post.poster()](dns::MxResult r) {
//     post([r = std::move(r)]() mutable { /* on the loop thread */ });
//   });
// Callbacks must not throw and should return quickly: while one runs, its thread does no other lookup.
//
// Destruction waits for the lookups in progress (each bounded by attempts x nameservers x timeout)
// and drops the queued ones without calling them back.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/dns/dns_client.h"

namespace roost::dns {

// Lookups in flight at once: a slow domain (a silent nameserver) holds one thread, not the others.
inline constexpr int kResolverThreads = 4;
// Lookups waiting for a thread; more are answered `temporary` at once rather than queued without end.
inline constexpr std::size_t kMaxQueuedLookups = 10000;

class Resolver {
 public:
  explicit Resolver(ClientOptions options, int threads = kResolverThreads);
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;
  ~Resolver();

  void lookup_mx(std::string domain, std::function<void(MxResult)> done);
  void lookup_addresses(std::string host, std::function<void(AddressResult)> done);
  void lookup_txt(std::string name, std::function<void(TextResult)> done);
  void lookup_ptr(std::string ip, std::function<void(TextResult)> done);

  // The synchronous form, sharing the cache (blocks: not for a loop thread).
  DnsClient& client() { return client_; }

 private:
  // Runs `job` on a resolver thread, or `overflow` on the calling thread when the queue is full.
  void submit(std::function<void()> job, std::function<void()> overflow);
  void run();

  DnsClient client_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace roost::dns
