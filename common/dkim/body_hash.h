// The DKIM body hash (RFC 6376 3.7, bh=): SHA-256 over the canonical body, computed chunk by chunk so a
// large message never needs a second copy in memory.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/dkim/canonicalization.h"

namespace roost::dkim {

class BodyHasher {
 public:
  explicit BodyHasher(Canonicalization c);
  ~BodyHasher();
  BodyHasher(const BodyHasher&) = delete;
  BodyHasher& operator=(const BodyHasher&) = delete;

  // Feeds the next bytes of the body (the bytes after the empty line that ends the header).
  void update(std::string_view chunk);
  // The 32-byte SHA-256 digest of the canonical body. Call once, after the last update.
  std::string finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The raw SHA-256 body hash of a whole body.
std::string body_hash(Canonicalization c, std::string_view body);

}  // namespace roost::dkim
