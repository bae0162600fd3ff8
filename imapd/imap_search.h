// SEARCH keys as a tree (RFC 9051 6.4.4, RFC 3501 6.4.4) with CONDSTORE's MODSEQ (RFC 7162 3.1.5)
// and the ESEARCH / SEARCHRES return options (RFC 4731 3.1, RFC 5182 2).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/mail/date.h"
#include "imapd/sequence_set.h"

namespace roost::imap {

enum class SearchReturn { min, max, count, all, save };

struct SearchKey {
  enum class Kind {
    all_of,  // AND of `children` (a parenthesised list, or the top level)
    any_of,  // OR: exactly two `children`
    negate,  // NOT: one child
    all, sequence_set, uid,
    answered, deleted, draft, flagged, seen, recent, new_, old,
    unanswered, undeleted, undraft, unflagged, unseen,
    keyword, unkeyword,                           // `text` holds the flag keyword
    bcc, body, cc, from, subject, text, to,       // `text` holds the string to find
    header,                                       // `field` (upper-cased) and `text`
    before, on, since, sent_before, sent_on, sent_since,  // `date`
    larger, smaller,                              // `number`
    modseq,                                       // `number`; `field`/`text`: entry name and type
  };
  Kind kind = Kind::all;
  std::vector<SearchKey> children;
  SequenceSet set;
  std::string field;
  std::string text;
  mail::CivilDate date;
  std::uint64_t number = 0;
  bool operator==(const SearchKey&) const = default;
};

}  // namespace roost::imap
