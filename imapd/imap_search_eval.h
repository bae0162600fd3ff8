// SEARCH evaluation (RFC 9051 6.4.4, RFC 3501 6.4.4, RFC 7162 3.1.5) over a session's view of a
// mailbox, and the rendering of its result as SEARCH or ESEARCH (RFC 4731) responses.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "imapd/imap_command.h"
#include "imapd/imap_search.h"
#include "storage/messages.h"
#include "storage/store.h"

namespace roost::imap {

struct SearchContext {
  std::uint32_t max_seq = 0;  // the value of "*" for sequence numbers (messages in the view)
  std::uint32_t max_uid = 0;  // the value of "*" for UIDs (the highest UID in the view; 0 when empty)
  const std::vector<std::uint32_t>* saved_uids = nullptr;  // SEARCHRES "$" (RFC 5182) as UIDs; null: none saved
  std::optional<std::string> charset;  // from SEARCH CHARSET; only US-ASCII and UTF-8 are accepted
};

struct SearchOutcome {
  std::vector<std::uint32_t> seqs;   // matching messages, ascending sequence numbers (index in view + 1)
  std::uint64_t highest_modseq = 0;  // of the matching messages, when the key used MODSEQ (RFC 7162 3.1.5)
};

// True when the key uses MODSEQ anywhere: the SEARCH is then a CONDSTORE enabling command (RFC 7162
// 3.1) and reports the highest mod-sequence of what it finds.
bool search_uses_modseq(const SearchKey& key);

// True when `charset` (as given to SEARCH CHARSET) is one the search accepts: US-ASCII or UTF-8.
bool search_charset_supported(std::string_view charset);

// Errors: store::StoreError::invalid for an unknown charset (the session answers
// NO [BADCHARSET (UTF-8 US-ASCII)]). `view` is the session's messages in sequence order. Reads headers
// and bodies from the store only for the keys that need them; runs on a worker thread.
store::StoreResult<SearchOutcome> search_messages(store::Store& store, const SearchKey& key,
                                                  std::span<const store::MessageInfo> view,
                                                  const SearchContext& context);

// The untagged response(s): "* SEARCH 2 5 9\r\n" (with " (MODSEQ n)" when highest_modseq is set), or for
// ESEARCH (return_options given, RFC 4731) "* ESEARCH (TAG \"a1\") UID MIN 2 MAX 9 COUNT 3 ALL 2,5,9\r\n".
// With SAVE only, nothing is sent (RFC 5182 2.1). Numbers are UIDs when `search.uid`.
std::string render_search_response(const std::string& tag, const Search& search, const SearchOutcome& outcome,
                                   std::span<const store::MessageInfo> view);

// The UIDs of the outcome's messages, ascending.
std::vector<std::uint32_t> outcome_uids(const SearchOutcome& outcome, std::span<const store::MessageInfo> view);
// What SEARCHRES SAVE keeps as "$" (RFC 5182 2.1): the UIDs of every match, or with RETURN (MIN) /
// (MAX) / (MIN MAX) and neither ALL nor COUNT, only the UIDs those report.
std::vector<std::uint32_t> saved_search_uids(const Search& search, const SearchOutcome& outcome,
                                             std::span<const store::MessageInfo> view);

}  // namespace roost::imap
