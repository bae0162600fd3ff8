// APPEND (RFC 9051 6.3.12) with flags, internal date, several messages in one command (MULTIAPPEND,
// RFC 3502: all or nothing), literal8 (RFC 3516 4.3) and APPENDUID (RFC 4315 3).
#include <fmt/format.h>

#include "imapd/imap_flags.h"
#include "imapd/imap_session_impl.h"
#include "storage/mailboxes.h"

namespace roost::imap {

void Session::Impl::do_append(const Command& c, const Append& a) {
  auto name = mailbox_name(c.tag, a.mailbox);
  if (!name) return;
  struct Prepared {
    std::string_view bytes;
    store::Flags flags;
    std::int64_t internal_date = 0;
  };
  std::vector<Prepared> messages;
  const std::int64_t now = env.now_unix();
  for (const AppendMessage& m : a.messages) {
    auto flags = flags_from_wire(m.flags);
    if (!flags) return client_error(bad(c.tag, "Invalid flag in APPEND"));
    // RFC 9051 6.3.12: an empty message cannot be a valid RFC 5322 message.
    if (m.data.empty()) return tagged_no(c.tag, "CANNOT", "Empty message");
    messages.push_back({m.data, std::move(*flags), m.internal_date ? m.internal_date->unix_seconds : now});
  }
  if (messages.empty()) return client_error(bad(c.tag, "No message to append"));

  const std::int64_t account = account_id;
  struct Appended {
    std::uint32_t uidvalidity = 0;
    std::vector<std::uint32_t> uids;
  };
  auto appended = store.write_sync<Appended>([&](store::WriteCtx& w) -> store::StoreResult<Appended> {
    auto mailbox = store::find_mailbox(w.db, account, *name);
    if (!mailbox.ok()) return fail(mailbox.error());
    Appended result;
    for (const Prepared& m : messages) {
      auto r = store::append(w, mailbox->id, m.bytes, m.flags, m.internal_date);
      if (!r.ok()) return fail(r.error());
      result.uidvalidity = r->uidvalidity;
      result.uids.push_back(r->uid);
    }
    return result;
  });
  if (!appended.ok()) {
    // RFC 9051 6.3.12: a missing mailbox is answered with TRYCREATE so the client can create it.
    if (appended.error() == store::StoreError::not_found) {
      return tagged_no(c.tag, "TRYCREATE", "No such mailbox");
    }
    if (appended.error() == store::StoreError::invalid) {
      return tagged_no(c.tag, "CANNOT", "Mailbox is not selectable");
    }
    return store_failure(c.tag, appended.error());
  }
  tagged_ok(c.tag, "APPEND completed",
            fmt::format("APPENDUID {} {}", appended->uidvalidity, compress_uids(appended->uids)));
}

}  // namespace roost::imap
