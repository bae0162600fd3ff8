// Domains, accounts, aliases and the recipient resolver (see accounts.h).
#include "storage/accounts.h"

#include <set>
#include <utility>

#include "storage/mailboxes.h"
#include "storage/try.h"

namespace roost::store {
namespace {

constexpr std::size_t kMaxLocalLength = 64;    // RFC 5321 4.5.3.1.1
constexpr std::size_t kMaxDomainLength = 255;  // RFC 5321 4.5.3.1.2
constexpr int kMaxAliasDepth = 8;

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool bad_byte(char c) {
  auto u = static_cast<unsigned char>(c);
  return u <= ' ' || u == 0x7f;
}

StoreResult<std::int64_t> domain_id(Db& db, std::string_view domain) {
  ROOST_TRY_ASSIGN(q, db.query("SELECT id FROM domains WHERE name = ?1"));
  q->bind(1, domain);
  ROOST_TRY_ASSIGN(row, q->step());
  if (!row) return fail(StoreError::not_found);
  return q->col_int(0);
}

Account account_from_row(const Stmt& s) {
  Account a;
  a.id = s.col_int(0);
  a.domain_id = s.col_int(1);
  a.local = s.col_text(2);
  a.domain = s.col_text(3);
  a.password_hash = s.col_text(4);
  a.quota_bytes = s.col_int(5);
  a.used_bytes = s.col_int(6);
  a.enabled = s.col_int(7) != 0;
  a.created = s.col_int(8);
  return a;
}

constexpr const char* kAccountColumns =
    "SELECT a.id, a.domain_id, a.local, d.name, a.password_hash, a.quota_bytes, a.used_bytes, a.enabled, a.created "
    "FROM accounts a JOIN domains d ON d.id = a.domain_id ";

std::string account_sql(const char* where) { return std::string(kAccountColumns) + where; }

// The default mailboxes of a new account (RFC 6154 attributes).
constexpr std::pair<const char*, const char*> kDefaultMailboxes[] = {
    {"INBOX", ""},          {"Drafts", "\\Drafts"}, {"Sent", "\\Sent"},
    {"Junk", "\\Junk"},     {"Trash", "\\Trash"},   {"Archive", "\\Archive"},
};

}  // namespace

StoreResult<Address> parse_address(std::string_view text, bool allow_catch_all) {
  auto at = text.rfind('@');
  if (at == std::string_view::npos) return fail(StoreError::invalid);
  std::string_view local = text.substr(0, at);
  std::string_view domain = text.substr(at + 1);
  if (domain.empty() || domain.size() > kMaxDomainLength) return fail(StoreError::invalid);
  if (local.size() > kMaxLocalLength) return fail(StoreError::invalid);
  if (local.empty() && !allow_catch_all) return fail(StoreError::invalid);
  for (char c : text) {
    if (bad_byte(c)) return fail(StoreError::invalid);
  }
  if (domain.find('@') != std::string_view::npos || domain.front() == '.' || domain.back() == '.') {
    return fail(StoreError::invalid);
  }
  return Address{std::string(local), lower_ascii(domain)};
}

std::string local_key(std::string_view local) { return lower_ascii(local); }

// --- domains

StoreResult<std::int64_t> add_domain(WriteCtx& w, std::string_view name) {
  ROOST_TRY_ASSIGN(addr, parse_address(std::string("@") + std::string(name), true));
  ROOST_TRY_ASSIGN(q, w.db.query("INSERT INTO domains (name, created) VALUES (?1, ?2)"));
  q->bind(1, addr.domain).bind(2, w.now());
  ROOST_TRY(q->run());
  return w.db.last_insert_rowid();
}

StoreResult<void> remove_domain(WriteCtx& w, std::string_view name) {
  ROOST_TRY_ASSIGN(q, w.db.query("DELETE FROM domains WHERE name = ?1"));
  q->bind(1, lower_ascii(name));
  ROOST_TRY(q->run());
  if (w.db.changes() == 0) return fail(StoreError::not_found);
  return {};
}

StoreResult<std::vector<Domain>> list_domains(Db& db) {
  ROOST_TRY_ASSIGN(q, db.query("SELECT id, name, created FROM domains ORDER BY name"));
  std::vector<Domain> out;
  for (;;) {
    ROOST_TRY_ASSIGN(row, q->step());
    if (!row) break;
    out.push_back({q->col_int(0), q->col_text(1), q->col_int(2)});
  }
  return out;
}

StoreResult<Domain> find_domain(Db& db, std::string_view name) {
  ROOST_TRY_ASSIGN(q, db.query("SELECT id, name, created FROM domains WHERE name = ?1"));
  q->bind(1, lower_ascii(name));
  ROOST_TRY_ASSIGN(row, q->step());
  if (!row) return fail(StoreError::not_found);
  return Domain{q->col_int(0), q->col_text(1), q->col_int(2)};
}

// --- accounts

StoreResult<std::int64_t> add_account(WriteCtx& w, std::string_view address, std::string_view password_hash,
                                      std::int64_t quota_bytes) {
  ROOST_TRY_ASSIGN(addr, parse_address(address));
  if (quota_bytes < 0) return fail(StoreError::invalid);
  ROOST_TRY_ASSIGN(did, domain_id(w.db, addr.domain));
  std::int64_t account_id = 0;
  {
    ROOST_TRY_ASSIGN(q, w.db.query(
                            "INSERT INTO accounts (domain_id, local, local_key, password_hash, quota_bytes, created) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    q->bind(1, did).bind(2, addr.local).bind(3, local_key(addr.local)).bind(4, password_hash);
    q->bind(5, quota_bytes).bind(6, w.now());
    ROOST_TRY(q->run());
    account_id = w.db.last_insert_rowid();
  }
  for (const auto& [name, special] : kDefaultMailboxes) {
    ROOST_TRY(create_mailbox(w, account_id, name, special));
    ROOST_TRY(subscribe(w, account_id, name));
  }
  return account_id;
}

StoreResult<void> remove_account(WriteCtx& w, std::string_view address) {
  ROOST_TRY_ASSIGN(addr, parse_address(address));
  ROOST_TRY_ASSIGN(did, domain_id(w.db, addr.domain));
  // Cascades to mailboxes, messages (the blob triggers run), subscriptions.
  ROOST_TRY_ASSIGN(q, w.db.query("DELETE FROM accounts WHERE domain_id = ?1 AND local_key = ?2"));
  q->bind(1, did).bind(2, local_key(addr.local));
  ROOST_TRY(q->run());
  if (w.db.changes() == 0) return fail(StoreError::not_found);
  return {};
}

namespace {
StoreResult<void> update_account(WriteCtx& w, const char* sql, std::int64_t account_id, auto value) {
  ROOST_TRY_ASSIGN(q, w.db.query(sql));
  q->bind(1, value).bind(2, account_id);
  ROOST_TRY(q->run());
  if (w.db.changes() == 0) return fail(StoreError::not_found);
  return {};
}
}  // namespace

StoreResult<void> set_password_hash(WriteCtx& w, std::int64_t account_id, std::string_view password_hash) {
  return update_account(w, "UPDATE accounts SET password_hash = ?1 WHERE id = ?2", account_id, password_hash);
}

StoreResult<void> set_quota(WriteCtx& w, std::int64_t account_id, std::int64_t quota_bytes) {
  if (quota_bytes < 0) return fail(StoreError::invalid);
  return update_account(w, "UPDATE accounts SET quota_bytes = ?1 WHERE id = ?2", account_id, quota_bytes);
}

StoreResult<void> set_enabled(WriteCtx& w, std::int64_t account_id, bool enabled) {
  return update_account(w, "UPDATE accounts SET enabled = ?1 WHERE id = ?2", account_id,
                        static_cast<std::int64_t>(enabled ? 1 : 0));
}

StoreResult<Account> find_account(Db& db, std::string_view address) {
  ROOST_TRY_ASSIGN(addr, parse_address(address));
  ROOST_TRY_ASSIGN(q, db.query(account_sql("WHERE d.name = ?1 AND a.local_key = ?2")));
  q->bind(1, addr.domain).bind(2, local_key(addr.local));
  ROOST_TRY_ASSIGN(row, q->step());
  if (!row) return fail(StoreError::not_found);
  return account_from_row(*q);
}

StoreResult<Account> get_account(Db& db, std::int64_t account_id) {
  ROOST_TRY_ASSIGN(q, db.query(account_sql("WHERE a.id = ?1")));
  q->bind(1, account_id);
  ROOST_TRY_ASSIGN(row, q->step());
  if (!row) return fail(StoreError::not_found);
  return account_from_row(*q);
}

StoreResult<std::vector<Account>> list_accounts(Db& db, std::string_view domain) {
  ROOST_TRY_ASSIGN(q, db.query(account_sql("WHERE ?1 = '' OR d.name = ?1 ORDER BY d.name, a.local_key")));
  q->bind(1, lower_ascii(domain));
  std::vector<Account> out;
  for (;;) {
    ROOST_TRY_ASSIGN(row, q->step());
    if (!row) break;
    out.push_back(account_from_row(*q));
  }
  return out;
}

// --- aliases

StoreResult<void> add_alias(WriteCtx& w, std::string_view source, std::string_view target) {
  ROOST_TRY_ASSIGN(src, parse_address(source, true));
  ROOST_TRY_ASSIGN(dst, parse_address(target));
  ROOST_TRY_ASSIGN(did, domain_id(w.db, src.domain));
  ROOST_TRY_ASSIGN(q, w.db.query("INSERT INTO aliases (domain_id, local_key, local, target) VALUES (?1, ?2, ?3, ?4)"));
  q->bind(1, did).bind(2, local_key(src.local)).bind(3, src.local).bind(4, dst.local + "@" + dst.domain);
  return q->run();
}

StoreResult<void> remove_alias(WriteCtx& w, std::string_view source, std::string_view target) {
  ROOST_TRY_ASSIGN(src, parse_address(source, true));
  ROOST_TRY_ASSIGN(did, domain_id(w.db, src.domain));
  std::string normalized_target;
  if (!target.empty()) {
    ROOST_TRY_ASSIGN(dst, parse_address(target));
    normalized_target = dst.local + "@" + dst.domain;
  }
  ROOST_TRY_ASSIGN(q, w.db.query("DELETE FROM aliases WHERE domain_id = ?1 AND local_key = ?2 AND "
                                 "(?3 = '' OR lower(target) = lower(?3))"));
  q->bind(1, did).bind(2, local_key(src.local)).bind(3, normalized_target);
  ROOST_TRY(q->run());
  if (w.db.changes() == 0) return fail(StoreError::not_found);
  return {};
}

StoreResult<std::vector<Alias>> list_aliases(Db& db, std::string_view domain) {
  ROOST_TRY_ASSIGN(q, db.query("SELECT al.local, d.name, al.target FROM aliases al JOIN domains d ON d.id = al.domain_id "
                               "WHERE ?1 = '' OR d.name = ?1 ORDER BY d.name, al.local_key, al.target"));
  q->bind(1, lower_ascii(domain));
  std::vector<Alias> out;
  for (;;) {
    ROOST_TRY_ASSIGN(row, q->step());
    if (!row) break;
    out.push_back({q->col_text(0) + "@" + q->col_text(1), q->col_text(2)});
  }
  return out;
}

// --- resolver

namespace {

class Resolver {
 public:
  Resolver(Db& db, std::string_view separator) : db_(db), separator_(separator) {}

  StoreResult<std::vector<Recipient>> run(std::string_view address) {
    ROOST_TRY_ASSIGN(addr, parse_address(address));
    auto did = domain_id(db_, addr.domain);
    if (!did.ok()) return fail(did.error());
    ROOST_TRY_ASSIGN(found, expand(*did, addr.domain, addr.local, 0, true));
    if (!found || out_.empty()) return fail(disabled_seen_ ? StoreError::account_disabled : StoreError::not_found);
    return std::move(out_);
  }

 private:
  // True when something matched the local part (even if it led only to disabled accounts).
  StoreResult<bool> expand(std::int64_t did, const std::string& domain, std::string_view local, int depth,
                           bool catch_all) {
    std::string key = local_key(local);
    ROOST_TRY_ASSIGN(hit, try_key(did, domain, key, depth));
    if (hit) return true;
    if (!separator_.empty()) {
      auto pos = key.find(separator_);
      if (pos != std::string::npos && pos > 0) {
        ROOST_TRY_ASSIGN(base_hit, try_key(did, domain, key.substr(0, pos), depth));
        if (base_hit) return true;
      }
    }
    if (catch_all) return try_aliases(did, domain, "", depth);
    return false;
  }

  StoreResult<bool> try_key(std::int64_t did, const std::string& domain, const std::string& key, int depth) {
    // A key seen before on this path (an alias that lists its own address, or a cycle) is looked up
    // as an account only: "alice -> alice, bob" keeps a copy for alice.
    bool seen = !visited_.insert({did, key}).second;
    if (!seen) {
      ROOST_TRY_ASSIGN(alias_hit, try_aliases(did, domain, key, depth));
      if (alias_hit) return true;
    }
    ROOST_TRY_ASSIGN(q, db_.query("SELECT id, local, enabled FROM accounts WHERE domain_id = ?1 AND local_key = ?2"));
    q->bind(1, did).bind(2, key);
    ROOST_TRY_ASSIGN(row, q->step());
    if (!row) return false;
    if (q->col_int(2) == 0) {
      disabled_seen_ = true;
      return true;
    }
    add({q->col_int(0), q->col_text(1) + "@" + domain});
    return true;
  }

  StoreResult<bool> try_aliases(std::int64_t did, const std::string& domain, const std::string& key, int depth) {
    (void)domain;
    std::vector<std::string> targets;
    {
      ROOST_TRY_ASSIGN(q, db_.query("SELECT target FROM aliases WHERE domain_id = ?1 AND local_key = ?2 ORDER BY id"));
      q->bind(1, did).bind(2, key);
      for (;;) {
        ROOST_TRY_ASSIGN(row, q->step());
        if (!row) break;
        targets.push_back(q->col_text(0));
      }
    }
    if (targets.empty()) return false;
    for (const auto& t : targets) ROOST_TRY(add_target(t, depth + 1));
    return true;
  }

  StoreResult<void> add_target(const std::string& target, int depth) {
    auto addr = parse_address(target);
    if (!addr.ok()) return {};  // stored targets were checked on insert; skip anything odd
    auto did = domain_id(db_, addr->domain);
    if (!did.ok()) {
      if (did.error() != StoreError::not_found) return fail(did.error());
      add({0, target});  // external
      return {};
    }
    if (depth > kMaxAliasDepth) return {};
    ROOST_TRY(expand(*did, addr->domain, addr->local, depth, false));
    return {};
  }

  void add(Recipient r) {
    for (const auto& o : out_) {
      if (r.local() ? o.account_id == r.account_id : (!o.local() && lower_ascii(o.address) == lower_ascii(r.address))) {
        return;
      }
    }
    out_.push_back(std::move(r));
  }

  Db& db_;
  std::string separator_;
  std::vector<Recipient> out_;
  std::set<std::pair<std::int64_t, std::string>> visited_;
  bool disabled_seen_ = false;
};

}  // namespace

StoreResult<std::vector<Recipient>> resolve(Db& db, std::string_view address, std::string_view plus_separator) {
  Resolver resolver(db, plus_separator);
  return resolver.run(address);
}

StoreResult<bool> is_local_domain(Db& db, std::string_view domain) {
  auto did = domain_id(db, lower_ascii(domain));
  if (did.ok()) return true;
  if (did.error() == StoreError::not_found) return false;
  return fail(did.error());
}

}  // namespace roost::store
