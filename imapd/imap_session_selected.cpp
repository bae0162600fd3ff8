// Selected state (RFC 9051 6.4): CHECK, CLOSE, UNSELECT (RFC 3691), EXPUNGE and UID EXPUNGE (RFC 4315),
// STORE with UNCHANGEDSINCE (RFC 7162 3.1.3), COPY and MOVE (RFC 6851) with COPYUID.
#include <fmt/format.h>

#include "imapd/imap_flags.h"
#include "imapd/imap_session_impl.h"
#include "storage/mailboxes.h"

namespace roost::imap {
namespace {

std::vector<std::uint32_t> target_uids(const SelectedView& view, const std::vector<std::size_t>& indexes) {
  std::vector<std::uint32_t> uids;
  auto messages = view.messages();
  for (std::size_t i : indexes) {
    if (!view.expunge_pending(messages[i].uid)) uids.push_back(messages[i].uid);
  }
  return uids;
}

}  // namespace

std::optional<std::vector<std::size_t>> Session::Impl::resolve(const std::string& tag, const SequenceSet& set,
                                                               bool uid) {
  const std::vector<std::uint32_t>* saved = saved_uids ? &*saved_uids : nullptr;
  if (uid) return view->resolve_uids(set, saved);
  auto indexes = view->resolve_sequence(set, saved);
  if (!indexes) client_error(bad(tag, "Invalid message sequence number"));
  return indexes;
}

void Session::Impl::enable_condstore() {
  if (condstore) return;
  condstore = true;
  if (view) out += fmt::format("* OK [HIGHESTMODSEQ {}] Highest\r\n", view->highest_modseq());
}

void Session::Impl::do_check(const Command& c) { tagged_ok(c.tag, "CHECK completed"); }

void Session::Impl::do_close(const Command& c) {
  unselect(true);
  tagged_ok(c.tag, "CLOSE completed");
}

void Session::Impl::do_unselect(const Command& c) {
  unselect(false);
  tagged_ok(c.tag, "UNSELECT completed");
}

void Session::Impl::do_expunge(const Command& c, const Expunge& e) {
  if (view->read_only()) return tagged_no(c.tag, "CANNOT", "Mailbox is read-only");
  std::optional<store::UidSet> uids;
  if (e.uids) {
    auto indexes = resolve(c.tag, *e.uids, true);
    std::vector<std::uint32_t> named = target_uids(*view, *indexes);
    if (named.empty()) return tagged_ok(c.tag, "EXPUNGE completed");
    uids = uid_set_of(named);
  }
  const std::int64_t id = view->mailbox_id();
  auto removed = store.write_sync<std::vector<std::uint32_t>>(
      [&](store::WriteCtx& w) { return store::expunge(w, id, uids); });
  if (!removed.ok()) return store_failure(c.tag, removed.error());
  view->remove(*removed, update_options(true), out);
  tagged_ok(c.tag, "EXPUNGE completed");
}

void Session::Impl::do_store(const Command& c, const Store& s) {
  if (view->read_only()) return tagged_no(c.tag, "CANNOT", "Mailbox is read-only");
  auto flags = flags_from_wire(s.flags);
  if (!flags) return client_error(bad(c.tag, "Invalid flag"));
  auto indexes = resolve(c.tag, s.set, s.uid);
  if (!indexes) return;
  if (s.unchanged_since) enable_condstore();
  std::vector<std::uint32_t> uids = target_uids(*view, *indexes);
  if (uids.empty()) return tagged_ok(c.tag, "STORE completed");

  store::FlagOp op = s.mode == Store::Mode::replace ? store::FlagOp::set
                     : s.mode == Store::Mode::add   ? store::FlagOp::add
                                                    : store::FlagOp::remove;
  std::optional<std::int64_t> unchanged;
  if (s.unchanged_since) unchanged = static_cast<std::int64_t>(*s.unchanged_since);
  const std::int64_t id = view->mailbox_id();
  const store::UidSet set = uid_set_of(uids);
  auto result = store.write_sync<store::StoreFlagsResult>(
      [&](store::WriteCtx& w) { return store::store_flags(w, id, set, op, *flags, unchanged); });
  if (!result.ok()) {
    if (result.error() == store::StoreError::invalid) return tagged_no(c.tag, "LIMIT", "Too many keywords");
    return store_failure(c.tag, result.error());
  }
  std::vector<std::uint32_t> changed_uids;
  for (const store::MessageInfo& m : result->changed) {
    view->apply_flags(m);
    changed_uids.push_back(m.uid);
  }
  std::sort(changed_uids.begin(), changed_uids.end());
  std::vector<std::uint32_t> failed = result->failed;
  std::sort(failed.begin(), failed.end());

  auto messages = view->messages();
  for (std::uint32_t uid : uids) {
    if (std::binary_search(failed.begin(), failed.end(), uid)) continue;
    bool changed = std::binary_search(changed_uids.begin(), changed_uids.end(), uid);
    // RFC 7162 3.1.3: with CONDSTORE a changed message is reported (with MODSEQ) even for .SILENT.
    if (s.silent && !(condstore && changed)) continue;
    auto index = view->index_of(uid);
    if (!index) continue;
    const store::MessageInfo& m = messages[*index];
    std::string items;
    if (s.uid) items += fmt::format("UID {} ", m.uid);
    if (!s.silent) items += "FLAGS " + render_flags(m.flags) + " ";
    if (condstore) items += fmt::format("MODSEQ ({}) ", m.modseq);
    items.pop_back();
    out += fmt::format("* {} FETCH ({})\r\n", *index + 1, items);
  }
  if (!failed.empty()) {
    // RFC 7162 3.1.3: MODIFIED names the messages left alone, as sequence numbers or UIDs.
    std::vector<std::uint32_t> numbers;
    for (std::uint32_t uid : failed) {
      if (s.uid) {
        numbers.push_back(uid);
      } else if (auto index = view->index_of(uid)) {
        numbers.push_back(static_cast<std::uint32_t>(*index + 1));
      }
    }
    std::sort(numbers.begin(), numbers.end());
    return tagged_ok(c.tag, "Conditional STORE failed", "MODIFIED " + compress_uids(numbers));
  }
  tagged_ok(c.tag, "STORE completed");
}

void Session::Impl::do_copy(const Command& c, const Copy& cp) {
  const char* what = cp.move ? "MOVE" : "COPY";
  if (cp.move && view->read_only()) return tagged_no(c.tag, "CANNOT", "Mailbox is read-only");
  auto indexes = resolve(c.tag, cp.set, cp.uid);
  if (!indexes) return;
  auto name = mailbox_name(c.tag, cp.mailbox);
  if (!name) return;
  std::vector<std::uint32_t> uids = target_uids(*view, *indexes);
  const std::int64_t account = account_id;
  const std::int64_t from = view->mailbox_id();
  const store::UidSet set = uid_set_of(uids);
  const bool move = cp.move;
  auto result = store.write_sync<store::CopyResult>([&](store::WriteCtx& w) -> store::StoreResult<store::CopyResult> {
    auto to = store::find_mailbox(w.db, account, *name);
    if (!to.ok()) return fail(to.error());
    if (to->noselect) return fail(store::StoreError::invalid);
    if (set.empty()) return store::CopyResult{to->uidvalidity, {}, {}};
    return move ? store::move_messages(w, from, set, to->id) : store::copy_messages(w, from, set, to->id);
  });
  if (!result.ok()) {
    // RFC 9051 6.4.7: a missing destination is answered with TRYCREATE.
    if (result.error() == store::StoreError::not_found) return tagged_no(c.tag, "TRYCREATE", "No such mailbox");
    if (result.error() == store::StoreError::invalid) return tagged_no(c.tag, "CANNOT", "Mailbox is not selectable");
    return store_failure(c.tag, result.error());
  }
  std::string code;
  if (!result->source.empty()) {
    // COPYUID pairs source and destination UIDs by position (RFC 4315 3): both lists keep their order.
    code = fmt::format("COPYUID {} {} {}", result->uidvalidity, compress_uids(result->source),
                       compress_uids(result->dest));
  }
  if (!cp.move) return tagged_ok(c.tag, "COPY completed", code);
  // RFC 6851 4.3: COPYUID goes in an untagged OK before the EXPUNGEs (or VANISHED) of the moved messages.
  if (!code.empty()) out += "* OK [" + code + "] Moved\r\n";
  view->remove(result->source, update_options(true), out);
  tagged_ok(c.tag, fmt::format("{} completed", what));
}

}  // namespace roost::imap
