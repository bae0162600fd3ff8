// RFC 5322 3.4 address lists (From, To, Cc, ...) parsed into the four-part form IMAP's ENVELOPE uses
// (RFC 3501 7.4.2): display name, source route, mailbox, host; groups as start and end markers.
// Tolerant of broken lists; sans-I/O, never logs, never fails.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roost::mail {

// Filled in where an address lacks a part, as Dovecot does, so that a host of NIL only ever marks a
// group (RFC 3501 7.4.2).
inline constexpr std::string_view kMissingMailbox = "MISSING_MAILBOX";
inline constexpr std::string_view kMissingDomain = "MISSING_DOMAIN";

// One element of an IMAP address list. A group starts with {name=nullopt, adl=nullopt, mailbox=group
// name, host=nullopt} and ends with all four nullopt (RFC 3501 7.4.2).
struct ImapAddress {
  std::optional<std::string> name;     // display name as written: quotes removed, encoded-words kept;
                                       // a comment stands in when there is no display name
  std::optional<std::string> adl;      // obsolete source route "@a,@b" (RFC 5322 4.4)
  std::optional<std::string> mailbox;  // local part, quotes removed
  std::optional<std::string> host;     // domain (a domain literal keeps its brackets)
  bool is_group_start() const { return !host && mailbox; }
  bool is_group_end() const { return !host && !mailbox; }
  bool operator==(const ImapAddress&) const = default;
};

// Parses an address-list or mailbox-list header value (folding allowed). Groups (RFC 5322 3.4)
// including "undisclosed-recipients:;", obsolete routes and empty list elements (RFC 5322 4.4) are
// understood; a missing ';' closes the group at the end; a missing local part or domain is filled in
// with kMissingMailbox / kMissingDomain; elements that hold no address at all are dropped. Nesting of
// groups is not allowed: a ':' inside a group is skipped. At most `max_addresses` elements are
// returned.
std::vector<ImapAddress> parse_address_list(std::string_view value, std::size_t max_addresses = 10000);

}  // namespace roost::mail
