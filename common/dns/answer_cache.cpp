// The LRU answer cache.
#include "common/dns/answer_cache.h"

#include <algorithm>

namespace roost::dns {

AnswerCache::AnswerCache(std::size_t capacity, ClockFunction clock)
    : capacity_(capacity), clock_(clock ? std::move(clock) : ClockFunction(&SteadyClock::now)) {}

std::string AnswerCache::key_of(const std::string& name, RrType type) {
  return std::to_string(static_cast<std::uint16_t>(type)) + " " + name;
}

std::optional<Answer> AnswerCache::find(const std::string& name, RrType type) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(key_of(name, type));
  if (it == index_.end()) return std::nullopt;
  if (clock_() >= it->second->expires) {
    entries_.erase(it->second);
    index_.erase(it);
    return std::nullopt;
  }
  entries_.splice(entries_.begin(), entries_, it->second);
  return it->second->answer;
}

void AnswerCache::store(const std::string& name, RrType type, const Answer& answer, std::chrono::seconds ttl) {
  bool negative = answer.status == LookupStatus::no_data || answer.status == LookupStatus::nxdomain;
  if (answer.status != LookupStatus::ok && !negative) return;
  ttl = std::min(ttl, negative ? kMaxNegativeTtl : kMaxPositiveTtl);
  if (ttl <= std::chrono::seconds(0) || capacity_ == 0) return;

  std::lock_guard lock(mutex_);
  std::string key = key_of(name, type);
  if (auto it = index_.find(key); it != index_.end()) {
    entries_.erase(it->second);
    index_.erase(it);
  }
  while (entries_.size() >= capacity_) {
    index_.erase(entries_.back().key);
    entries_.pop_back();
  }
  entries_.push_front(Entry{key, answer, clock_() + ttl});
  index_[key] = entries_.begin();
}

std::size_t AnswerCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace roost::dns
