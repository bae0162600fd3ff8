// LIST and LSUB (RFC 9051 6.3.9, RFC 3501 6.3.8-9) with LIST-EXTENDED selection and return options
// (RFC 5258), LIST-STATUS (RFC 5819), SPECIAL-USE (RFC 6154) and CHILDREN (RFC 3348) attributes.
#include <fmt/format.h>

#include <map>

#include "common/base/ascii.h"
#include "imapd/imap_session_impl.h"
#include "imapd/mailbox_name.h"
#include "storage/mailboxes.h"

namespace roost::imap {
namespace {

// RFC 9051 6.3.9: "*" matches any characters, "%" any but the hierarchy delimiter.
bool wildcard_match(std::string_view pattern, std::string_view name) {
  // can[j]: the pattern so far matches name[0, j). Quadratic in the worst case, never exponential.
  std::vector<char> can(name.size() + 1, 0), next(name.size() + 1, 0);
  can[0] = 1;
  for (char p : pattern) {
    std::fill(next.begin(), next.end(), 0);
    if (p == '*' || p == '%') {
      bool reach = false;
      for (std::size_t j = 0; j <= name.size(); ++j) {
        reach = reach || can[j];
        next[j] = reach;
        if (p == '%' && j < name.size() && name[j] == store::kHierarchyDelimiter) reach = can[j + 1] != 0;
      }
    } else {
      for (std::size_t j = 0; j < name.size(); ++j) {
        if (can[j] && name[j] == p) next[j + 1] = 1;
      }
    }
    can.swap(next);
  }
  return can[name.size()] != 0;
}

// "inbox", "Inbox/x*" -> "INBOX", "INBOX/x*": INBOX is case-insensitive (RFC 9051 5.1).
std::string fold_inbox(std::string pattern) {
  std::size_t end = pattern.find(store::kHierarchyDelimiter);
  std::string_view first = std::string_view(pattern).substr(0, end);
  if (iequals(first, "INBOX")) pattern.replace(0, first.size(), "INBOX");
  return pattern;
}

struct Entry {
  bool exists = false;
  bool noselect = false;
  bool has_children = false;
  bool subscribed = false;
  bool child_subscribed = false;  // a subscribed mailbox below it (RECURSIVEMATCH, RFC 5258 3.5)
  std::int64_t id = 0;
  std::string special_use;
  std::optional<store::MailboxStatus> status;
};

struct Listing {
  std::map<std::string, Entry> entries;
};

}  // namespace

void Session::Impl::do_list(const Command& c, const List& l) {
  // RFC 9051 6.3.9: an empty pattern asks for the delimiter and the root.
  if (!l.lsub && l.patterns.size() == 1 && l.patterns.front().empty()) {
    out += "* LIST (\\Noselect) \"/\" \"\"\r\n";
    return tagged_ok(c.tag, "LIST completed");
  }
  std::vector<std::string> patterns;
  for (const std::string& p : l.patterns) {
    auto decoded = mailbox_from_wire(l.reference + p, utf8_names());
    if (!decoded) return client_error(bad(c.tag, "Invalid mailbox pattern"));
    patterns.push_back(fold_inbox(std::move(*decoded)));
  }
  const std::int64_t account = account_id;
  const bool want_status = l.return_status.has_value();
  auto listing = store.read<Listing>([&](store::Db& db) -> store::StoreResult<Listing> {
    Listing out;
    auto mailboxes = store::list_mailboxes(db, account);
    if (!mailboxes.ok()) return fail(mailboxes.error());
    for (store::Mailbox& m : *mailboxes) {
      Entry& e = out.entries[m.name];
      e.exists = true;
      e.noselect = m.noselect;
      e.has_children = m.has_children;
      e.subscribed = m.subscribed;
      e.id = m.id;
      e.special_use = m.special_use;
      if (want_status && !m.noselect) {
        auto st = store::mailbox_status(db, m.id);
        if (!st.ok()) return fail(st.error());
        e.status = *st;
      }
    }
    auto subscriptions = store::list_subscriptions(db, account);
    if (!subscriptions.ok()) return fail(subscriptions.error());
    for (const std::string& name : *subscriptions) {
      out.entries[name].subscribed = true;
      // Every parent learns that it has a subscribed child.
      for (std::size_t slash = name.find(store::kHierarchyDelimiter); slash != std::string::npos;
           slash = name.find(store::kHierarchyDelimiter, slash + 1)) {
        auto parent = out.entries.find(name.substr(0, slash));
        if (parent != out.entries.end()) parent->second.child_subscribed = true;
      }
    }
    return out;
  });
  if (!listing.ok()) return store_failure(c.tag, listing.error());

  const bool subscribed_only = l.lsub || l.subscribed;
  const char* response = l.lsub ? "LSUB" : "LIST";
  for (const auto& [name, e] : listing->entries) {
    bool matched = false;
    for (const std::string& p : patterns) matched = matched || wildcard_match(p, name);
    if (!matched) continue;
    bool childinfo = false;
    bool lsub_parent = false;
    if (subscribed_only && !e.subscribed) {
      if (l.lsub) {
        // RFC 3501 6.3.9: "%" lists the unsubscribed parent of a subscribed mailbox as \Noselect.
        bool percent = false;
        for (const std::string& p : patterns) percent = percent || p.find('%') != std::string::npos;
        if (!(percent && e.child_subscribed)) continue;
        lsub_parent = true;
      } else {
        // RFC 5258 3.5: with RECURSIVEMATCH, a parent of a subscribed mailbox is listed with CHILDINFO.
        if (!(l.recursive_match && e.child_subscribed)) continue;
        childinfo = true;
      }
    }
    if (!subscribed_only && !e.exists) continue;
    if (l.special_use && e.special_use.empty()) continue;

    std::vector<std::string> attrs;
    if (!e.exists || lsub_parent) {
      attrs.push_back(l.lsub ? "\\Noselect" : "\\NonExistent");
    } else {
      if (e.noselect) attrs.push_back("\\Noselect");
      if (!l.lsub) attrs.push_back(e.has_children ? "\\HasChildren" : "\\HasNoChildren");
      if (!e.special_use.empty()) attrs.push_back(e.special_use);
    }
    if (!l.lsub && e.subscribed && (l.subscribed || l.return_subscribed)) attrs.push_back("\\Subscribed");
    std::string joined;
    for (const std::string& a : attrs) joined += (joined.empty() ? "" : " ") + a;
    std::string wire = quoted(mailbox_to_wire(name, utf8_names()));
    out += fmt::format("* {} ({}) \"/\" {}", response, joined, wire);
    if (childinfo) out += " (\"CHILDINFO\" (\"SUBSCRIBED\"))";
    out += "\r\n";
    // RFC 5819: STATUS follows the LIST response of each selectable mailbox.
    if (want_status && e.status) {
      out += fmt::format("* STATUS {} ({})\r\n", wire, status_items(*e.status, *l.return_status));
    }
  }
  tagged_ok(c.tag, l.lsub ? "LSUB completed" : "LIST completed");
}

}  // namespace roost::imap
