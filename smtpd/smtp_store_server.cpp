// The store queries of roost-smtpd: what a recipient is, whether an account owns a sender address,
// and the one durable write of a message. The queries run on a worker thread; the write completes
// on the store's writer thread.
#include <algorithm>

#include "smtpd/smtp_server.h"
#include "storage/accounts.h"
#include "storage/messages.h"

namespace roost::smtp {

namespace {

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The address the store resolves: local@domain in A-labels; a bare <Postmaster> (RFC 5321 4.5.1:
// must be accepted) goes to the postmaster of the first local domain.
store::StoreResult<std::string> store_key(store::Db& db, const mail::Address& a) {
  if (a.postmaster && a.domain.empty()) {
    auto domains = store::list_domains(db);
    if (!domains.ok()) return fail(domains.error());
    if (domains->empty()) return fail(store::StoreError::not_found);
    return "postmaster@" + domains->front().name;
  }
  return a.local + "@" + a.ascii_domain();
}

}  // namespace

RecipientResult resolve_recipient(store::Store& s, const ResolveRecipient& request) {
  const mail::Address& a = request.address;
  const std::string separator = s.options().plus_separator;
  auto run = s.read<RecipientResult>([&](store::Db& db) -> store::StoreResult<RecipientResult> {
    RecipientResult result;
    bool local_domain = false;
    if (!a.domain_is_literal && !(a.postmaster && a.domain.empty())) {
      auto local = store::is_local_domain(db, a.ascii_domain());
      if (!local.ok()) return fail(local.error());
      local_domain = *local;
    } else if (a.postmaster && a.domain.empty()) {
      local_domain = true;
    }
    if (!local_domain) {
      // Not ours: relaying is for authenticated submission only.
      result.verdict = request.authenticated ? RecipientVerdict::remote : RecipientVerdict::relay_denied;
      return result;
    }
    auto key = store_key(db, a);
    if (!key.ok()) return fail(key.error());
    auto targets = store::resolve(db, *key, separator);
    if (!targets.ok()) {
      switch (targets.error()) {
        case store::StoreError::not_found:
        case store::StoreError::invalid:
          result.verdict = RecipientVerdict::unknown;
          return result;
        case store::StoreError::account_disabled:
          result.verdict = RecipientVerdict::disabled;
          return result;
        default:
          return fail(targets.error());
      }
    }
    result.verdict = RecipientVerdict::local;
    for (const auto& t : *targets) {
      if (!t.local()) continue;
      auto account = store::get_account(db, t.account_id);
      if (!account.ok()) return fail(account.error());
      // A full mailbox is refused at RCPT (4xx: it may clear) rather than at the end of DATA.
      if (account->quota_bytes > 0 && account->used_bytes >= account->quota_bytes) {
        result.verdict = RecipientVerdict::mailbox_full;
      }
      result.local_accounts.push_back(t.address);
    }
    if (result.verdict != RecipientVerdict::local) result.local_accounts.clear();
    return result;
  });
  if (!run.ok()) return RecipientResult{RecipientVerdict::temporary_failure, {}};
  return std::move(*run);
}

SenderResult check_sender(store::Store& s, std::int64_t account_id, const mail::Address& address) {
  if (address.null_path || address.domain.empty() || address.domain_is_literal) {
    return SenderResult{SenderVerdict::not_owned};
  }
  const std::string separator = s.options().plus_separator;
  auto run = s.read<bool>([&](store::Db& db) -> store::StoreResult<bool> {
    std::string domain = address.ascii_domain();
    std::vector<std::string> keys{lower_ascii(address.local) + "@" + domain};
    if (!separator.empty()) {
      auto pos = address.local.find(separator);
      if (pos != std::string::npos && pos > 0) keys.push_back(lower_ascii(address.local.substr(0, pos)) + "@" + domain);
    }
    for (const auto& key : keys) {
      auto account = store::find_account(db, key);
      if (account.ok() && account->id == account_id) return true;
      if (!account.ok() && account.error() != store::StoreError::not_found &&
          account.error() != store::StoreError::invalid) {
        return fail(account.error());
      }
    }
    // Aliases with this exact source (the catch-all "@domain" does not make every address owned).
    auto aliases = store::list_aliases(db, domain);
    if (!aliases.ok()) {
      if (aliases.error() == store::StoreError::not_found) return false;
      return fail(aliases.error());
    }
    for (const auto& alias : *aliases) {
      if (alias.source.empty() || alias.source.front() == '@') continue;
      if (std::find(keys.begin(), keys.end(), lower_ascii(alias.source)) == keys.end()) continue;
      auto targets = store::resolve(db, alias.target, separator);
      if (!targets.ok()) continue;  // an external target, or nobody
      for (const auto& t : *targets) {
        if (t.account_id == account_id) return true;
      }
    }
    return false;
  });
  if (!run.ok()) return SenderResult{SenderVerdict::temporary_failure};
  return SenderResult{*run ? SenderVerdict::owned : SenderVerdict::not_owned};
}

void deliver_message(store::Store& s, DeliveryPlan plan, std::shared_ptr<const std::string> bytes,
                     std::shared_ptr<const mail::ParsedMessage> parsed,
                     std::function<void(store::StoreResult<std::string>)> done) {
  std::string separator = s.options().plus_separator;
  s.write<std::string>(
      [plan = std::move(plan), bytes, parsed, separator = std::move(separator)](store::WriteCtx& w) -> store::StoreResult<std::string> {
        struct LocalCopy {
          std::int64_t account_id = 0;
          std::string address;
        };
        std::vector<LocalCopy> copies;
        std::vector<std::string> outbound = plan.outbound;
        for (const auto& rcpt : plan.local) {
          auto key = store_key(w.db, rcpt);
          if (!key.ok()) return fail(key.error());
          auto targets = store::resolve(w.db, *key, separator);
          if (!targets.ok()) return fail(targets.error());
          for (const auto& t : *targets) {
            if (t.local()) {
              bool seen = std::any_of(copies.begin(), copies.end(),
                                      [&](const LocalCopy& c) { return c.account_id == t.account_id; });
              if (!seen) copies.push_back({t.account_id, t.address});
            } else if (std::find(outbound.begin(), outbound.end(), t.address) == outbound.end()) {
              outbound.push_back(t.address);  // an alias forwarding elsewhere
            }
          }
        }
        if (copies.empty() && outbound.empty()) return fail(store::StoreError::not_found);
        store::Delivery d;
        d.bytes = *bytes;
        d.parsed = parsed.get();
        // RFC 5321 4.4: the final delivery adds Return-Path; Delivered-To names the mailbox the copy
        // went to, which lets the next hop see a forwarding loop. A relayed copy carries neither.
        std::string return_path = "Return-Path: " + plan.return_path + "\r\n";
        for (const auto& copy : copies) {
          d.local.push_back(store::LocalTarget{copy.account_id, "", {}, return_path + "Delivered-To: " + copy.address + "\r\n"});
        }
        d.sender = plan.sender;
        for (const auto& rcpt : outbound) d.outbound.push_back(store::OutboundTarget{rcpt});
        auto r = store::deliver(w, d);
        if (!r.ok()) return fail(r.error());
        // All or nothing: a local copy refused at this point (quota reached since RCPT, account
        // disabled or removed) fails the whole message with a reply the client acts on, so a retry
        // never duplicates the copies that did fit.
        for (const auto& outcome : r->local) {
          if (outcome.error) return fail(*outcome.error);
        }
        return plan.queue_id;
      },
      std::move(done));
}

}  // namespace roost::smtp
