// Authenticated state (RFC 9051 6.3): SELECT / EXAMINE with CONDSTORE and QRESYNC (RFC 7162), CREATE
// with USE (RFC 6154), DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, NAMESPACE (RFC 2342), STATUS
// (RFC 8438 SIZE, RFC 7889 APPENDLIMIT) and the QUOTA commands (RFC 9208).
#include <fmt/format.h>

#include <algorithm>

#include "imapd/imap_flags.h"
#include "imapd/imap_session_impl.h"
#include "imapd/mailbox_name.h"
#include "storage/mailboxes.h"

namespace roost::imap {
namespace {

// The quota root of every mailbox: one per account (RFC 9208 3.2).
constexpr std::string_view kQuotaRoot = "";

struct Opened {
  SelectedView view;
  std::vector<std::uint32_t> vanished;  // QRESYNC: expunged since the client's modseq
};

}  // namespace

std::optional<std::string> Session::Impl::mailbox_name(const std::string& tag, std::string_view wire) {
  auto decoded = mailbox_from_wire(wire, utf8_names());
  if (!decoded) {
    client_error(bad(tag, "Invalid mailbox name"));
    return std::nullopt;
  }
  auto normal = store::normalize_mailbox_name(*decoded);
  if (!normal.ok()) {
    tagged_no(tag, "CANNOT", "Invalid mailbox name");
    return std::nullopt;
  }
  return std::move(*normal);
}

void Session::Impl::unselect(bool expunge) {
  if (!view) return;
  if (expunge && !view->read_only()) {
    // RFC 9051 6.4.2: CLOSE expunges without sending EXPUNGE responses.
    std::int64_t id = view->mailbox_id();
    auto removed = store.write_sync<std::vector<std::uint32_t>>(
        [id](store::WriteCtx& w) { return store::expunge(w, id); });
    (void)removed;  // a failure leaves the messages for a later EXPUNGE; CLOSE still closes
  }
  view.reset();
  saved_uids.reset();
  state = SessionState::authenticated;
  requests.push_back(WatchMailbox{0});
}

void Session::Impl::do_select(const Command& c, const Select& s) {
  // RFC 7162 3.2.5: QRESYNC parameters without ENABLE QRESYNC are an error.
  if (s.qresync && !qresync) return client_error(bad(c.tag, "QRESYNC is not enabled"));
  if (view) {
    unselect(false);
    // RFC 7162 3.2.11, RFC 9051 7.1: the end of the previous selection is marked.
    if (qresync || rev2) out += "* OK [CLOSED] Previous mailbox closed\r\n";
  }
  auto name = mailbox_name(c.tag, s.mailbox);
  if (!name) return;
  if (s.condstore) condstore = true;
  const std::int64_t account = account_id;
  auto opened = store.read<Opened>([&](store::Db& db) -> store::StoreResult<Opened> {
    auto mailbox = store::find_mailbox(db, account, *name);
    if (!mailbox.ok()) return fail(mailbox.error());
    if (mailbox->noselect) return fail(store::StoreError::invalid);
    auto v = SelectedView::open(db, mailbox->id, s.read_only);
    if (!v.ok()) return fail(v.error());
    Opened o{std::move(*v), {}};
    if (s.qresync && s.qresync->uidvalidity == o.view.mailbox().uidvalidity) {
      auto gone = store::expunged_since(db, mailbox->id, static_cast<std::int64_t>(s.qresync->modseq));
      if (!gone.ok()) return fail(gone.error());
      o.vanished = std::move(*gone);
    }
    return o;
  });
  if (!opened.ok()) {
    if (opened.error() == store::StoreError::invalid) return tagged_no(c.tag, "CANNOT", "Mailbox is not selectable");
    return store_failure(c.tag, opened.error());
  }
  view.emplace(std::move(opened->view));
  saved_uids.reset();
  state = SessionState::selected;
  requests.push_back(WatchMailbox{view->mailbox_id()});

  const store::Mailbox& mb = view->mailbox();
  out += render_select_flags(view->read_only());
  out += fmt::format("* {} EXISTS\r\n", view->exists());
  if (rev2) {
    // RFC 9051 6.3.2: the mailbox name as the server spells it (INBOX) comes in a LIST response.
    out += "* LIST () \"/\" " + quoted(mailbox_to_wire(mb.name, true)) + "\r\n";
  } else {
    // IMAP4rev1 clients expect RECENT and the first unseen message (RFC 3501 6.3.1); \Recent is not kept.
    out += "* 0 RECENT\r\n";
    auto messages = view->messages();
    for (std::size_t i = 0; i < messages.size(); ++i) {
      if ((messages[i].flags.system & store::kSeen) == 0) {
        out += fmt::format("* OK [UNSEEN {}] First unseen\r\n", i + 1);
        break;
      }
    }
  }
  out += fmt::format("* OK [UIDVALIDITY {}] UIDs valid\r\n", mb.uidvalidity);
  out += fmt::format("* OK [UIDNEXT {}] Predicted next UID\r\n", mb.uidnext);
  if (condstore) out += fmt::format("* OK [HIGHESTMODSEQ {}] Highest\r\n", mb.highest_modseq);
  if (s.qresync && s.qresync->uidvalidity == mb.uidvalidity) {
    // RFC 7162 3.2.5.2: what vanished since the client's modseq (limited to the UIDs it knows),
    // then the flags of what changed.
    std::vector<std::uint32_t> vanished;
    std::uint32_t largest = mb.uidnext > 0 ? mb.uidnext - 1 : 0;
    for (std::uint32_t uid : opened->vanished) {
      if (!s.qresync->known_uids || s.qresync->known_uids->contains(uid, largest)) vanished.push_back(uid);
    }
    std::sort(vanished.begin(), vanished.end());
    vanished.erase(std::unique(vanished.begin(), vanished.end()), vanished.end());
    if (!vanished.empty()) out += "* VANISHED (EARLIER) " + compress_uids(vanished) + "\r\n";
    auto messages = view->messages();
    for (std::size_t i = 0; i < messages.size(); ++i) {
      if (messages[i].modseq <= static_cast<std::int64_t>(s.qresync->modseq)) continue;
      out += fmt::format("* {} FETCH (UID {} FLAGS {} MODSEQ ({}))\r\n", i + 1, messages[i].uid,
                         render_flags(messages[i].flags), messages[i].modseq);
    }
  }
  std::string code = view->read_only() ? "READ-ONLY" : "READ-WRITE";
  tagged_ok(c.tag, s.read_only ? "EXAMINE completed" : "SELECT completed", code);
}

void Session::Impl::do_create(const Command& c, const Create& cr) {
  std::string_view wire = cr.mailbox;
  // RFC 9051 6.3.4: a trailing delimiter only says that the client intends to create children.
  if (wire.size() > 1 && wire.back() == store::kHierarchyDelimiter) wire.remove_suffix(1);
  auto name = mailbox_name(c.tag, wire);
  if (!name) return;
  if (cr.special_use.size() > 1) return tagged_no(c.tag, "USEATTR", "One special-use attribute per mailbox");
  std::string use = cr.special_use.empty() ? std::string() : cr.special_use.front();
  const std::int64_t account = account_id;
  auto created = store.write_sync<std::int64_t>(
      [&](store::WriteCtx& w) { return store::create_mailbox(w, account, *name, use); });
  if (!created.ok()) {
    // RFC 6154 3: an unknown or unsupported USE attribute.
    if (created.error() == store::StoreError::invalid && !use.empty()) {
      return tagged_no(c.tag, "USEATTR", "Unsupported special-use attribute");
    }
    return store_failure(c.tag, created.error());
  }
  tagged_ok(c.tag, "CREATE completed");
}

void Session::Impl::do_delete(const Command& c, const Delete& d) {
  auto name = mailbox_name(c.tag, d.mailbox);
  if (!name) return;
  if (*name == "INBOX") return tagged_no(c.tag, "CANNOT", "INBOX cannot be deleted");
  if (view && view->mailbox().name == *name) unselect(false);
  const std::int64_t account = account_id;
  auto deleted = store.write_sync<bool>([&](store::WriteCtx& w) -> store::StoreResult<bool> {
    auto r = store::delete_mailbox(w, account, *name);
    if (!r.ok()) return fail(r.error());
    return true;
  });
  if (!deleted.ok()) {
    if (deleted.error() == store::StoreError::invalid) {
      return tagged_no(c.tag, "CANNOT", "Mailbox has children and cannot be deleted");
    }
    return store_failure(c.tag, deleted.error());
  }
  tagged_ok(c.tag, "DELETE completed");
}

void Session::Impl::do_rename(const Command& c, const Rename& r) {
  auto from = mailbox_name(c.tag, r.from);
  if (!from) return;
  auto to = mailbox_name(c.tag, r.to);
  if (!to) return;
  const std::int64_t account = account_id;
  auto renamed = store.write_sync<bool>([&](store::WriteCtx& w) -> store::StoreResult<bool> {
    auto result = store::rename_mailbox(w, account, *from, *to);
    if (!result.ok()) return fail(result.error());
    return true;
  });
  if (!renamed.ok()) return store_failure(c.tag, renamed.error());
  tagged_ok(c.tag, "RENAME completed");
}

void Session::Impl::do_subscribe(const Command& c, const Subscribe& s) {
  auto name = mailbox_name(c.tag, s.mailbox);
  if (!name) return;
  const std::int64_t account = account_id;
  const bool add = s.subscribe;
  auto done = store.write_sync<bool>([&](store::WriteCtx& w) -> store::StoreResult<bool> {
    auto result = add ? store::subscribe(w, account, *name) : store::unsubscribe(w, account, *name);
    if (!result.ok()) return fail(result.error());
    return true;
  });
  if (!done.ok()) return store_failure(c.tag, done.error());
  tagged_ok(c.tag, add ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed");
}

void Session::Impl::do_namespace(const Command& c) {
  // RFC 2342 5: one personal namespace, no prefix, "/" as the delimiter; no other users' or shared.
  out += "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n";
  tagged_ok(c.tag, "NAMESPACE completed");
}

std::string Session::Impl::status_items(const store::MailboxStatus& st, const std::vector<StatusItem>& items) const {
  std::string out;
  for (StatusItem item : items) {
    if (!out.empty()) out += ' ';
    switch (item) {
      case StatusItem::messages: out += fmt::format("MESSAGES {}", st.messages); break;
      case StatusItem::uidnext: out += fmt::format("UIDNEXT {}", st.uidnext); break;
      case StatusItem::uidvalidity: out += fmt::format("UIDVALIDITY {}", st.uidvalidity); break;
      case StatusItem::unseen: out += fmt::format("UNSEEN {}", st.unseen); break;
      case StatusItem::deleted: out += fmt::format("DELETED {}", st.deleted); break;
      case StatusItem::size: out += fmt::format("SIZE {}", st.size); break;
      case StatusItem::recent: out += "RECENT 0"; break;
      case StatusItem::highestmodseq: out += fmt::format("HIGHESTMODSEQ {}", st.highest_modseq); break;
      case StatusItem::appendlimit: out += fmt::format("APPENDLIMIT {}", config.framer.append_limit); break;
    }
  }
  return out;
}

void Session::Impl::do_status(const Command& c, const Status& s) {
  auto name = mailbox_name(c.tag, s.mailbox);
  if (!name) return;
  const std::int64_t account = account_id;
  auto status = store.read<store::MailboxStatus>([&](store::Db& db) -> store::StoreResult<store::MailboxStatus> {
    auto mailbox = store::find_mailbox(db, account, *name);
    if (!mailbox.ok()) return fail(mailbox.error());
    if (mailbox->noselect) return fail(store::StoreError::invalid);
    return store::mailbox_status(db, mailbox->id);
  });
  if (!status.ok()) {
    if (status.error() == store::StoreError::invalid) return tagged_no(c.tag, "CANNOT", "Mailbox is not selectable");
    return store_failure(c.tag, status.error());
  }
  // RFC 7162 3.1.2: STATUS (HIGHESTMODSEQ) is a CONDSTORE enabling command.
  for (StatusItem item : s.items) condstore = condstore || item == StatusItem::highestmodseq;
  out += fmt::format("* STATUS {} ({})\r\n", quoted(mailbox_to_wire(*name, utf8_names())),
                     status_items(*status, s.items));
  tagged_ok(c.tag, "STATUS completed");
}

std::string Session::Impl::quota_response(const store::QuotaUsage& usage) const {
  // RFC 9208 5.1: STORAGE in units of 1024 octets.
  return fmt::format("* QUOTA {} (STORAGE {} {})\r\n", quoted(kQuotaRoot), (usage.used_bytes + 1023) / 1024,
                     usage.limit_bytes / 1024);
}

void Session::Impl::do_getquota(const Command& c, const GetQuota& q) {
  const std::int64_t account = account_id;
  auto usage = store.read<store::QuotaUsage>([&](store::Db& db) { return store::get_quota(db, account); });
  if (!usage.ok()) return store_failure(c.tag, usage.error());
  if (q.root != kQuotaRoot || usage->limit_bytes == 0) return tagged_no(c.tag, "NONEXISTENT", "No such quota root");
  out += quota_response(*usage);
  tagged_ok(c.tag, "GETQUOTA completed");
}

void Session::Impl::do_getquotaroot(const Command& c, const GetQuotaRoot& q) {
  auto name = mailbox_name(c.tag, q.mailbox);
  if (!name) return;
  const std::int64_t account = account_id;
  struct Found {
    store::QuotaUsage usage;
  };
  auto found = store.read<Found>([&](store::Db& db) -> store::StoreResult<Found> {
    auto mailbox = store::find_mailbox(db, account, *name);
    if (!mailbox.ok()) return fail(mailbox.error());
    auto usage = store::get_quota(db, account);
    if (!usage.ok()) return fail(usage.error());
    return Found{*usage};
  });
  if (!found.ok()) return store_failure(c.tag, found.error());
  std::string wire = quoted(mailbox_to_wire(*name, utf8_names()));
  // RFC 9208 4.3.2: an account without a limit has no quota root.
  if (found->usage.limit_bytes == 0) {
    out += "* QUOTAROOT " + wire + "\r\n";
  } else {
    out += "* QUOTAROOT " + wire + " " + quoted(kQuotaRoot) + "\r\n";
    out += quota_response(found->usage);
  }
  tagged_ok(c.tag, "GETQUOTAROOT completed");
}

}  // namespace roost::imap
