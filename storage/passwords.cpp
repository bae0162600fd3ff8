// Argon2id password hashing and verification (see passwords.h).
#include "storage/passwords.h"

#include <argon2.h>
#include <sys/random.h>

#include <charconv>
#include <future>

namespace roost::store {
namespace {

constexpr std::size_t kSaltLength = 16;
constexpr std::size_t kHashLength = 32;
constexpr std::uint32_t kMaxMemoryKib = 4u * 1024 * 1024;  // refuse to verify strings asking for > 4 GiB

struct PhcParams {
  std::uint32_t m = 0, t = 0, p = 0;
};

bool parse_u32(std::string_view s, std::uint32_t& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// "$argon2id$v=19$m=19456,t=2,p=1$salt$hash" -> its parameters; false when malformed.
bool parse_phc(std::string_view phc, PhcParams& out) {
  constexpr std::string_view kPrefix = "$argon2id$v=19$";
  if (!phc.starts_with(kPrefix)) return false;
  phc.remove_prefix(kPrefix.size());
  auto end = phc.find('$');
  if (end == std::string_view::npos) return false;
  std::string_view params = phc.substr(0, end);
  std::string_view rest = phc.substr(end + 1);
  if (rest.find('$') == std::string_view::npos) return false;  // salt$hash
  int seen = 0;
  while (!params.empty()) {
    auto comma = params.find(',');
    std::string_view item = params.substr(0, comma);
    params = comma == std::string_view::npos ? std::string_view() : params.substr(comma + 1);
    if (item.size() < 3 || item[1] != '=') return false;
    std::uint32_t value = 0;
    if (!parse_u32(item.substr(2), value)) return false;
    switch (item[0]) {
      case 'm': out.m = value; seen |= 1; break;
      case 't': out.t = value; seen |= 2; break;
      case 'p': out.p = value; seen |= 4; break;
      default: return false;
    }
  }
  return seen == 7;
}

}  // namespace

StoreResult<std::string> hash_password(std::string_view password, const Argon2Params& params) {
  unsigned char salt[kSaltLength];
  std::size_t got = 0;
  while (got < sizeof salt) {
    ssize_t n = getrandom(salt + got, sizeof salt - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(StoreError::io);
    }
    got += static_cast<std::size_t>(n);
  }
  std::size_t len = argon2_encodedlen(params.t_cost, params.m_cost_kib, params.parallelism, kSaltLength, kHashLength,
                                      Argon2_id);
  std::string encoded(len, '\0');
  int rc = argon2id_hash_encoded(params.t_cost, params.m_cost_kib, params.parallelism, password.data(),
                                 password.size(), salt, sizeof salt, kHashLength, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return fail(rc == ARGON2_MEMORY_ALLOCATION_ERROR ? StoreError::busy : StoreError::invalid);
  encoded.resize(std::char_traits<char>::length(encoded.c_str()));
  return encoded;
}

bool verify_password(std::string_view password, std::string_view phc) {
  PhcParams params;
  if (!parse_phc(phc, params) || params.m > kMaxMemoryKib) return false;
  std::string encoded(phc);  // libargon2 wants a NUL-terminated string
  // argon2_verify recomputes the tag and compares it in constant time.
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool needs_rehash(std::string_view phc, const Argon2Params& params) {
  PhcParams have;
  if (!parse_phc(phc, have)) return true;
  return have.t < params.t_cost || have.m < params.m_cost_kib || have.p < params.parallelism;
}

PasswordHasher::PasswordHasher(Argon2Params params, unsigned max_concurrent, std::size_t max_queued)
    : params_(params), pool_(max_concurrent == 0 ? 1 : max_concurrent, max_queued) {}

void PasswordHasher::hash(std::string password, std::function<void(StoreResult<std::string>)> done) {
  auto shared_done = std::make_shared<std::function<void(StoreResult<std::string>)>>(std::move(done));
  bool queued = pool_.try_post([this, password = std::move(password), shared_done]() mutable {
    auto r = hash_password(password, params_);
    std::fill(password.begin(), password.end(), '\0');
    (*shared_done)(std::move(r));
  });
  if (!queued) (*shared_done)(fail(StoreError::busy));
}

void PasswordHasher::verify(std::string password, std::string phc, std::function<void(StoreResult<bool>)> done) {
  auto shared_done = std::make_shared<std::function<void(StoreResult<bool>)>>(std::move(done));
  bool queued = pool_.try_post([password = std::move(password), phc = std::move(phc), shared_done]() mutable {
    bool ok = verify_password(password, phc);
    std::fill(password.begin(), password.end(), '\0');
    (*shared_done)(ok);
  });
  if (!queued) (*shared_done)(fail(StoreError::busy));
}

bool PasswordHasher::run(std::function<void()> job) { return pool_.try_post(std::move(job)); }

StoreResult<std::string> PasswordHasher::hash_sync(std::string password) {
  // Waits for room in the queue rather than failing: the caller is a tool, not a loop.
  std::promise<StoreResult<std::string>> promise;
  auto future = promise.get_future();
  bool queued = pool_.post([this, &promise, password = std::move(password)]() mutable {
    auto r = hash_password(password, params_);
    std::fill(password.begin(), password.end(), '\0');
    promise.set_value(std::move(r));
  });
  if (!queued) return fail(StoreError::busy);
  return future.get();
}

}  // namespace roost::store
