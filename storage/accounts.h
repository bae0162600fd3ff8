// Domains, accounts and aliases, and the resolver smtpd asks "who gets mail sent to X".
// Addresses are "local@domain". Domains are stored lower-case ASCII (callers pass A-labels for IDNs).
// The local part of an account is matched case-insensitively (ASCII case folding) and shown as typed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/db.h"
#include "storage/write_ctx.h"

namespace roost::store {

struct Address {
  std::string local;   // as typed
  std::string domain;  // lower-case
};

// Splits at the last '@'. Fails with invalid for an empty part, a control byte, a space, or
// lengths past RFC 5321 4.5.3.1 (local 64, domain 255 octets). An empty local part is accepted only
// when allow_catch_all is true ("@example.org").
StoreResult<Address> parse_address(std::string_view text, bool allow_catch_all = false);
// The lookup key of a local part: ASCII lower-case (bytes >= 0x80 unchanged).
std::string local_key(std::string_view local);

struct Domain {
  std::int64_t id = 0;
  std::string name;
  std::int64_t created = 0;
};

struct Account {
  std::int64_t id = 0;
  std::int64_t domain_id = 0;
  std::string local;     // as typed at creation
  std::string domain;
  std::string address() const { return local + "@" + domain; }
  std::string password_hash;  // PHC string; never log it
  std::int64_t quota_bytes = 0;  // 0 = no quota
  std::int64_t used_bytes = 0;
  bool enabled = true;
  std::int64_t created = 0;
};

struct Alias {
  std::string source;  // "local@domain", or "@domain" for the catch-all
  std::string target;  // a local account or an external address
};

// --- domains
// exists when the domain is already there.
StoreResult<std::int64_t> add_domain(WriteCtx& w, std::string_view name);
// Removes the domain with its accounts, mailboxes, messages and aliases (blobs go with their last
// reference). not_found when absent.
StoreResult<void> remove_domain(WriteCtx& w, std::string_view name);
StoreResult<std::vector<Domain>> list_domains(Db& db);
StoreResult<Domain> find_domain(Db& db, std::string_view name);

// --- accounts
// Creates the account and its mailboxes: INBOX, Drafts (\Drafts), Sent (\Sent), Junk (\Junk),
// Trash (\Trash), Archive (\Archive), all subscribed. not_found when the domain is not local, exists
// when the address (case-insensitively) is an account already, invalid for a malformed address.
// password_hash is a PHC string made by passwords.h.
StoreResult<std::int64_t> add_account(WriteCtx& w, std::string_view address, std::string_view password_hash,
                                      std::int64_t quota_bytes = 0);
StoreResult<void> remove_account(WriteCtx& w, std::string_view address);
StoreResult<void> set_password_hash(WriteCtx& w, std::int64_t account_id, std::string_view password_hash);
StoreResult<void> set_quota(WriteCtx& w, std::int64_t account_id, std::int64_t quota_bytes);
StoreResult<void> set_enabled(WriteCtx& w, std::int64_t account_id, bool enabled);
// Lookup by address, case-insensitive in the local part and domain. Disabled accounts are returned
// (check .enabled). No sub-address stripping here: that is resolve()'s job.
StoreResult<Account> find_account(Db& db, std::string_view address);
StoreResult<Account> get_account(Db& db, std::int64_t account_id);
// All accounts, or those of one domain when `domain` is not empty; ordered by domain, local part.
StoreResult<std::vector<Account>> list_accounts(Db& db, std::string_view domain = {});

// --- aliases
// source: "local@domain" or "@domain" (catch-all); the domain must be local. target: any address.
// exists when this exact pair is there already.
StoreResult<void> add_alias(WriteCtx& w, std::string_view source, std::string_view target);
// Removes one target, or every target of the source when target is empty. not_found when none matched.
StoreResult<void> remove_alias(WriteCtx& w, std::string_view source, std::string_view target = {});
// All aliases, or those of one domain.
StoreResult<std::vector<Alias>> list_aliases(Db& db, std::string_view domain = {});

// --- the resolver
struct Recipient {
  std::int64_t account_id = 0;  // 0 for an external target
  std::string address;          // the account's address, or the external address
  bool local() const { return account_id != 0; }
};

// Who gets mail sent to `address`:
//   - not_found: the domain is local but nobody receives this address (SMTP 550 5.1.1), or the
//     domain is not local (callers check is_local_domain first to tell relaying apart);
//   - account_disabled: the only local recipients are disabled accounts;
//   - otherwise the deduplicated recipients, local accounts (enabled) and external addresses.
// Order of rules for local@domain: an alias of the exact local part; an account; with the sub-address
// separator, the same two for the part before it ("user+tag" -> "user"); then the catch-all "@domain".
// Alias targets that are local addresses are resolved again (the same rules, catch-all excluded) up
// to a depth of 8; cycles end there.
StoreResult<std::vector<Recipient>> resolve(Db& db, std::string_view address, std::string_view plus_separator);
StoreResult<bool> is_local_domain(Db& db, std::string_view domain);

}  // namespace roost::store
