// The resolver's thread pool.
#include "common/dns/resolver.h"

namespace roost::dns {
namespace {

constexpr const char* kQueueFull = "too many DNS lookups waiting";

}  // namespace

Resolver::Resolver(ClientOptions options, int threads) : client_(std::move(options)) {
  for (int i = 0; i < std::max(threads, 1); ++i) threads_.emplace_back([this] { run(); });
}

Resolver::~Resolver() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    jobs_.clear();
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void Resolver::submit(std::function<void()> job, std::function<void()> overflow) {
  {
    std::lock_guard lock(mutex_);
    if (jobs_.size() < kMaxQueuedLookups) {
      jobs_.push_back(std::move(job));
      wake_.notify_one();
      return;
    }
  }
  overflow();
}

void Resolver::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

void Resolver::lookup_mx(std::string domain, std::function<void(MxResult)> done) {
  submit([this, domain, done] { done(client_.lookup_mx(domain)); },
         [done] { done(MxResult{MxVerdict::temporary, {}, kQueueFull}); });
}

void Resolver::lookup_addresses(std::string host, std::function<void(AddressResult)> done) {
  submit([this, host, done] { done(client_.lookup_addresses(host)); },
         [done] { done(AddressResult{LookupStatus::temporary, {}, kQueueFull}); });
}

void Resolver::lookup_txt(std::string name, std::function<void(TextResult)> done) {
  submit([this, name, done] { done(client_.lookup_txt(name)); },
         [done] { done(TextResult{LookupStatus::temporary, {}, kQueueFull}); });
}

void Resolver::lookup_ptr(std::string ip, std::function<void(TextResult)> done) {
  submit([this, ip, done] { done(client_.lookup_ptr(ip)); },
         [done] { done(TextResult{LookupStatus::temporary, {}, kQueueFull}); });
}

}  // namespace roost::dns
