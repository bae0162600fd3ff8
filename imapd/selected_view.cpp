// The selected mailbox's view and its untagged updates.
#include "imapd/selected_view.h"

#include <algorithm>
#include <utility>

#include "imapd/imap_flags.h"

namespace roost::imap {
namespace {

struct Delta {
  store::Mailbox mailbox;
  std::vector<store::MessageInfo> changed;
  std::vector<std::uint32_t> expunged;
};

std::string untagged_fetch(std::uint32_t seq, const store::MessageInfo& m, bool condstore) {
  std::string out = "* " + std::to_string(seq) + " FETCH (UID " + std::to_string(m.uid) + " FLAGS " +
                    render_flags(m.flags);
  if (condstore) out += " MODSEQ (" + std::to_string(m.modseq) + ")";
  out += ")\r\n";
  return out;
}

}  // namespace

store::StoreResult<SelectedView> SelectedView::open(store::Db& db, std::int64_t mailbox_id, bool read_only) {
  auto mailbox = store::get_mailbox(db, mailbox_id);
  if (!mailbox.ok()) return fail(mailbox.error());
  auto messages = store::list_messages(db, mailbox_id);
  if (!messages.ok()) return fail(messages.error());
  SelectedView view;
  view.mailbox_ = std::move(*mailbox);
  view.read_only_ = read_only;
  view.messages_ = std::move(*messages);
  std::sort(view.messages_.begin(), view.messages_.end(),
            [](const store::MessageInfo& a, const store::MessageInfo& b) { return a.uid < b.uid; });
  view.highest_modseq_ = view.mailbox_.highest_modseq;
  return view;
}

store::StoreResult<void> SelectedView::refresh(store::Store& store, const UpdateOptions& options, std::string& out) {
  const std::int64_t id = mailbox_.id;
  const std::int64_t since = highest_modseq_;
  auto delta = store.read<Delta>([&](store::Db& db) -> store::StoreResult<Delta> {
    auto mailbox = store::get_mailbox(db, id);
    if (!mailbox.ok()) return fail(mailbox.error());
    Delta d{std::move(*mailbox), {}, {}};
    // The common case (nothing changed since the last refresh) costs this one row.
    if (d.mailbox.highest_modseq == since) return d;
    auto changed = store::changed_since(db, id, since);
    if (!changed.ok()) return fail(changed.error());
    auto expunged = store::expunged_since(db, id, since);
    if (!expunged.ok()) return fail(expunged.error());
    d.changed = std::move(*changed);
    d.expunged = std::move(*expunged);
    return d;
  });
  if (!delta.ok()) return fail(delta.error());

  for (std::uint32_t uid : delta->expunged) {
    if (index_of(uid)) pending_expunges_.insert(uid);
  }
  if (options.allow_expunge && !pending_expunges_.empty()) {
    std::vector<std::uint32_t> uids(pending_expunges_.begin(), pending_expunges_.end());
    remove(uids, options, out);
  }

  std::sort(delta->changed.begin(), delta->changed.end(),
            [](const store::MessageInfo& a, const store::MessageInfo& b) { return a.uid < b.uid; });
  std::uint32_t old_max = max_uid();
  std::size_t old_count = messages_.size();
  for (store::MessageInfo& m : delta->changed) {
    if (auto index = index_of(m.uid)) {
      store::MessageInfo& mine = messages_[*index];
      if (pending_expunges_.count(m.uid) != 0) continue;
      bool flags_changed = !(mine.flags == m.flags);
      bool modseq_changed = mine.modseq != m.modseq;
      mine.flags = m.flags;
      mine.modseq = m.modseq;
      if (flags_changed || (modseq_changed && options.condstore)) {
        out += untagged_fetch(static_cast<std::uint32_t>(*index + 1), mine, options.condstore);
      }
    } else if (m.uid > old_max) {
      messages_.push_back(std::move(m));
    }
  }
  if (messages_.size() != old_count) out += "* " + std::to_string(messages_.size()) + " EXISTS\r\n";
  mailbox_ = std::move(delta->mailbox);
  highest_modseq_ = mailbox_.highest_modseq;
  return {};
}

void SelectedView::apply_flags(const store::MessageInfo& changed) {
  if (auto index = index_of(changed.uid)) {
    messages_[*index].flags = changed.flags;
    messages_[*index].modseq = changed.modseq;
  }
}

void SelectedView::remove(const std::vector<std::uint32_t>& uids, const UpdateOptions& options, std::string& out) {
  std::vector<std::uint32_t> sorted = uids;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::uint32_t> vanished;
  for (std::uint32_t uid : sorted) {
    pending_expunges_.erase(uid);
    auto index = index_of(uid);
    if (!index) continue;
    messages_.erase(messages_.begin() + static_cast<std::ptrdiff_t>(*index));
    // RFC 9051 7.5.1: each EXPUNGE renumbers the messages after it at once.
    if (options.qresync) {
      vanished.push_back(uid);
    } else {
      out += "* " + std::to_string(*index + 1) + " EXPUNGE\r\n";
    }
  }
  // RFC 7162 3.2.10: with QRESYNC enabled, VANISHED replaces EXPUNGE.
  if (!vanished.empty()) out += "* VANISHED " + compress_uids(vanished) + "\r\n";
}

std::optional<std::size_t> SelectedView::index_of(std::uint32_t uid) const {
  auto it = std::lower_bound(messages_.begin(), messages_.end(), uid,
                             [](const store::MessageInfo& m, std::uint32_t u) { return m.uid < u; });
  if (it == messages_.end() || it->uid != uid) return std::nullopt;
  return static_cast<std::size_t>(it - messages_.begin());
}

std::optional<std::vector<std::size_t>> SelectedView::resolve_sequence(
    const SequenceSet& set, const std::vector<std::uint32_t>* saved) const {
  std::vector<std::size_t> out;
  if (set.saved) {
    if (saved) {
      for (std::uint32_t uid : *saved) {
        if (auto index = index_of(uid)) out.push_back(*index);
      }
    }
  } else {
    const std::uint32_t count = exists();
    for (const SeqRange& r : set.ranges) {
      std::uint32_t a = r.first == kLargest ? count : r.first;
      std::uint32_t b = r.last == kLargest ? count : r.last;
      // RFC 9051 6.4: a sequence number beyond the mailbox (or "*" of an empty one) is an error.
      if (count == 0 || a > count || b > count || a == 0 || b == 0) return std::nullopt;
      for (std::uint32_t n = std::min(a, b); n <= std::max(a, b); ++n) out.push_back(n - 1);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::size_t> SelectedView::resolve_uids(const SequenceSet& set,
                                                    const std::vector<std::uint32_t>* saved) const {
  std::vector<std::size_t> out;
  if (set.saved) {
    if (saved) {
      for (std::uint32_t uid : *saved) {
        if (auto index = index_of(uid)) out.push_back(*index);
      }
    }
  } else if (!messages_.empty()) {
    const std::uint32_t largest = max_uid();
    for (const SeqRange& r : set.ranges) {
      std::uint32_t a = r.first == kLargest ? largest : r.first;
      std::uint32_t b = r.last == kLargest ? largest : r.last;
      std::uint32_t lo = std::min(a, b), hi = std::max(a, b);
      auto it = std::lower_bound(messages_.begin(), messages_.end(), lo,
                                 [](const store::MessageInfo& m, std::uint32_t u) { return m.uid < u; });
      for (; it != messages_.end() && it->uid <= hi; ++it) {
        out.push_back(static_cast<std::size_t>(it - messages_.begin()));
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string compress_uids(const std::vector<std::uint32_t>& uids) {
  std::string out;
  std::size_t i = 0;
  while (i < uids.size()) {
    std::size_t j = i;
    while (j + 1 < uids.size() && uids[j + 1] == uids[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(uids[i]);
    if (j > i) out += ":" + std::to_string(uids[j]);
    i = j + 1;
  }
  return out;
}

store::UidSet uid_set_of(const std::vector<std::uint32_t>& uids) {
  std::vector<std::uint32_t> sorted = uids;
  std::sort(sorted.begin(), sorted.end());
  store::UidSet set;
  for (std::uint32_t uid : sorted) {
    if (!set.empty() && set.back().last + 1 == uid) {
      set.back().last = uid;
    } else {
      set.push_back({uid, uid});
    }
  }
  return set;
}

}  // namespace roost::imap
