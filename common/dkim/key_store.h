// Where DKIM keys live: <data_dir>/dkim/<domain>/<selector>.pem (the private key, mode 0600, in
// directories of mode 0700) and <data_dir>/dkim/<domain>/active (the selector that signs, one line).
// Loading is for smtpd (load_active_key once, reuse the key); storing is for roostctl.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "common/dkim/signer.h"
#include "common/dkim/signing_key.h"

namespace roost::dkim {

enum class KeyErrorKind {
  no_key,      // the domain has no active key: send unsigned, this is not a fault
  exists,      // storing: the selector has a key already
  invalid,     // a bad domain or selector name, or a file that holds no usable key
  io,          // a file or directory could not be read or written
};

struct KeyError {
  KeyErrorKind kind = KeyErrorKind::io;
  std::string message;  // names the file; never holds key material
};

template <typename T>
using KeyResult = Result<T, KeyError>;

// Selectors are DNS names under _domainkey (RFC 6376 3.1): labels of letters, digits and '-',
// separated by single dots, at most 63 bytes each. Checked before a selector becomes a file name.
inline constexpr std::size_t kMaxSelectorLength = 63;
bool valid_selector(std::string_view selector);
// A domain as the store keeps it (lower-case A-labels): the same character rules, up to 253 bytes.
bool valid_key_domain(std::string_view domain);

// "roost" + the UTC year and month of `now`: "roost202611". A new key each month or year gets a new
// name, so the old record can stay published while mail signed with it is in flight.
std::string default_selector(std::time_t now);

// <data_dir>/dkim/<domain>
std::string domain_key_dir(std::string_view data_dir, std::string_view domain);
// <data_dir>/dkim/<domain>/<selector>.pem
std::string key_file_path(std::string_view data_dir, std::string_view domain, std::string_view selector);

// The active key of `domain`: no_key when the domain has none; io / invalid when the active file or
// the key file cannot be read or parsed.
KeyResult<DomainKey> load_active_key(std::string_view data_dir, std::string_view domain);
// The key of one selector (no_key when its file does not exist).
KeyResult<DomainKey> load_key(std::string_view data_dir, std::string_view domain, std::string_view selector);
// The selector named in the active file (no_key when there is none).
KeyResult<std::string> active_selector(std::string_view data_dir, std::string_view domain);

// Writes a new key file, created with mode 0600 and never overwritten (exists when it is there);
// creates the directories with mode 0700. The file is synced before this returns.
KeyResult<void> store_new_key(std::string_view data_dir, std::string_view domain, std::string_view selector,
                              const SigningKey& key);
// Makes `selector` the one that signs: the active file is replaced atomically (write, sync, rename).
KeyResult<void> set_active_selector(std::string_view data_dir, std::string_view domain, std::string_view selector);

// The selectors with a key file, sorted; empty when the domain has none.
KeyResult<std::vector<std::string>> list_selectors(std::string_view data_dir, std::string_view domain);
// The domains with a key directory, sorted.
KeyResult<std::vector<std::string>> list_key_domains(std::string_view data_dir);

}  // namespace roost::dkim
