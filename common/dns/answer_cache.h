// Answers kept for their TTL (RFC 1035 3.2.1; negative answers per RFC 2308 5), at most `capacity`
// of them, the least recently used evicted first. Thread-safe; the clock is injected for tests.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/dns/dns_message.h"

namespace roost::dns {

using SteadyClock = std::chrono::steady_clock;
using ClockFunction = std::function<SteadyClock::time_point()>;

inline constexpr std::chrono::seconds kMaxPositiveTtl = std::chrono::hours(24);
inline constexpr std::chrono::seconds kMaxNegativeTtl = std::chrono::hours(1);

enum class LookupStatus {
  ok,         // records of the type exist
  no_data,    // the name exists but has no record of the type (NOERROR, empty answer)
  nxdomain,   // the name does not exist (permanent)
  temporary,  // SERVFAIL, REFUSED, timeout, network error: try again later
  bad_name,   // the name cannot be asked for (too long, bad label, not an IP for PTR): permanent
};

// The answer to one (name, type) question, CNAMEs followed.
struct Answer {
  LookupStatus status = LookupStatus::temporary;
  std::vector<Record> records;
  std::string error;  // for temporary and bad_name: what happened
};

class AnswerCache {
 public:
  AnswerCache(std::size_t capacity, ClockFunction clock);

  // A copy of the cached answer while its TTL lasts.
  std::optional<Answer> find(const std::string& name, RrType type);
  // Keeps `answer` for `ttl`, capped at kMaxPositiveTtl (ok) or kMaxNegativeTtl (no_data, nxdomain).
  // Temporary failures, bad names and a TTL of 0 are not kept.
  void store(const std::string& name, RrType type, const Answer& answer, std::chrono::seconds ttl);
  std::size_t size() const;

 private:
  struct Entry {
    std::string key;
    Answer answer;
    SteadyClock::time_point expires;
  };
  static std::string key_of(const std::string& name, RrType type);

  const std::size_t capacity_;
  const ClockFunction clock_;
  mutable std::mutex mutex_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace roost::dns
