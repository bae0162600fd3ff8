// FETCH / UID FETCH (RFC 9051 6.4.5) with CHANGEDSINCE and VANISHED (RFC 7162 3.1.4, 3.2.6), run in
// bounded steps through FetchJob, and SEARCH / UID SEARCH (RFC 9051 6.4.4) with ESEARCH (RFC 4731) and
// SEARCHRES (RFC 5182). Rendering and evaluation live in imap_fetch and imap_search_eval.
#include <fmt/format.h>

#include <algorithm>

#include "imapd/imap_fetch.h"
#include "imapd/imap_search_eval.h"
#include "imapd/imap_session_impl.h"

namespace roost::imap {
namespace {

// Output a FETCH step may add even when the session's budget is already nearly used, so that every
// call makes progress.
constexpr std::size_t kMinFetchStep = 16 * 1024;

}  // namespace

void Session::Impl::do_fetch(const Command& c, const Fetch& f) {
  // RFC 7162 3.2.6: VANISHED needs QRESYNC enabled.
  if (f.vanished && !qresync) return client_error(bad(c.tag, "QRESYNC is not enabled"));
  auto indexes = resolve(c.tag, f.set, f.uid);
  if (!indexes) return;
  bool wants_modseq = f.changed_since.has_value();
  for (const FetchItem& item : f.items) wants_modseq = wants_modseq || item.kind == FetchItem::Kind::modseq;
  if (wants_modseq) enable_condstore();

  if (f.vanished && f.changed_since) {
    // RFC 7162 3.2.6: first the UIDs of the set expunged since the given modseq.
    const std::int64_t id = view->mailbox_id();
    const auto since = static_cast<std::int64_t>(*f.changed_since);
    auto gone = store.read<std::vector<std::uint32_t>>(
        [&](store::Db& db) { return store::expunged_since(db, id, since); });
    if (!gone.ok()) return store_failure(c.tag, gone.error());
    const std::uint32_t largest = view->mailbox().uidnext > 0 ? view->mailbox().uidnext - 1 : 0;
    std::vector<std::uint32_t> vanished;
    for (std::uint32_t uid : *gone) {
      if (f.set.saved ? false : f.set.contains(uid, largest)) vanished.push_back(uid);
    }
    std::sort(vanished.begin(), vanished.end());
    vanished.erase(std::unique(vanished.begin(), vanished.end()), vanished.end());
    if (!vanished.empty()) out += "* VANISHED (EARLIER) " + compress_uids(vanished) + "\r\n";
  }

  std::vector<std::size_t> chosen;
  auto messages = view->messages();
  for (std::size_t i : *indexes) {
    // Messages expunged elsewhere but still numbered here are left out (RFC 9051 7.5.2 allows it).
    if (view->expunge_pending(messages[i].uid)) continue;
    if (f.changed_since && messages[i].modseq <= static_cast<std::int64_t>(*f.changed_since)) continue;
    chosen.push_back(i);
  }

  // RFC 9051 6.4.5: BODY[] and friends set \Seen, in a read-write mailbox only.
  std::vector<std::uint32_t> seen_now;
  if (fetch_sets_seen(f) && !view->read_only()) {
    std::vector<std::uint32_t> unseen;
    for (std::size_t i : chosen) {
      if ((messages[i].flags.system & store::kSeen) == 0) unseen.push_back(messages[i].uid);
    }
    if (!unseen.empty()) {
      const std::int64_t id = view->mailbox_id();
      const store::UidSet set = uid_set_of(unseen);
      store::Flags seen;
      seen.system = store::kSeen;
      auto result = store.write_sync<store::StoreFlagsResult>(
          [&](store::WriteCtx& w) { return store::store_flags(w, id, set, store::FlagOp::add, seen); });
      if (!result.ok()) return store_failure(c.tag, result.error());
      for (const store::MessageInfo& m : result->changed) {
        view->apply_flags(m);
        seen_now.push_back(m.uid);
      }
      std::sort(seen_now.begin(), seen_now.end());
    }
  }

  std::vector<FetchTarget> targets;
  targets.reserve(chosen.size());
  messages = view->messages();
  for (std::size_t i : chosen) {
    FetchTarget t;
    t.seq = static_cast<std::uint32_t>(i + 1);
    t.info = messages[i];
    t.seen_set = std::binary_search(seen_now.begin(), seen_now.end(), messages[i].uid);
    targets.push_back(std::move(t));
  }
  FetchOptions options;
  options.uid_command = f.uid;
  options.modseq = condstore;
  fetch.emplace(RunningFetch{c.tag, f.uid, std::make_unique<FetchJob>(store, f, std::move(targets), options)});
}

void Session::Impl::continue_fetch(std::size_t output_budget) {
  std::size_t room = output_budget > out.size() ? output_budget - out.size() : 0;
  auto done = fetch->job->run(out, std::max(room, kMinFetchStep));
  if (done.ok() && !*done) return;
  std::string tag = std::move(fetch->tag);
  if (!done.ok()) {
    bool broken = fetch->job->broken();
    bool unknown_cte = fetch->job->unknown_cte();
    fetch.reset();
    // A response cut off inside a literal cannot be finished: the stream is out of step.
    if (broken) return close();
    // RFC 3516 4.1: BINARY cannot decode an unknown Content-Transfer-Encoding.
    if (unknown_cte) return tagged_no(tag, "UNKNOWN-CTE", "Unknown Content-Transfer-Encoding");
    return store_failure(tag, done.error());
  }
  fetch.reset();
  tagged_ok(tag, "FETCH completed");
}

void Session::Impl::do_search(const Command& c, const Search& s) {
  // RFC 9051 6.4.4: an unsupported charset gets BADCHARSET with the ones that work.
  if (s.charset && !search_charset_supported(*s.charset)) {
    return tagged_no(c.tag, "BADCHARSET (US-ASCII UTF-8)", "Unsupported charset");
  }
  SearchContext context;
  context.max_seq = view->exists();
  context.max_uid = view->max_uid();
  context.saved_uids = saved_uids ? &*saved_uids : nullptr;
  context.charset = s.charset;
  auto messages = view->messages();
  auto outcome = search_messages(store, s.key, messages, context);
  if (!outcome.ok()) {
    if (outcome.error() == store::StoreError::invalid) {
      return tagged_no(c.tag, "BADCHARSET (US-ASCII UTF-8)", "Unsupported charset");
    }
    return store_failure(c.tag, outcome.error());
  }
  // RFC 7162 3.1: a SEARCH with a MODSEQ key enables CONDSTORE, whether anything matched or not.
  if (search_uses_modseq(s.key)) enable_condstore();
  Search search = s;
  // RFC 9051 6.4.4: an IMAP4rev2 session gets ESEARCH even without RETURN (as RETURN (ALL)).
  if (rev2 && !search.return_options) search.return_options = std::vector<SearchReturn>{SearchReturn::all};
  if (search.return_options &&
      std::find(search.return_options->begin(), search.return_options->end(), SearchReturn::save) !=
          search.return_options->end()) {
    saved_uids = saved_search_uids(search, *outcome, messages);
  }
  out += render_search_response(c.tag, search, *outcome, messages);
  tagged_ok(c.tag, s.uid ? "UID SEARCH completed" : "SEARCH completed");
}

}  // namespace roost::imap
