// The IMAP ENVELOPE of a message (RFC 3501 7.4.2), built from its header fields at delivery so FETCH
// never reads the header again. Sans-I/O, never logs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/mail/header_address.h"
#include "common/mail/header_fields.h"

namespace roost::mail {

// Strings are the header values unfolded (CR and LF removed, leading whitespace trimmed) with
// encoded-words kept: IMAP clients decode them. nullopt is NIL (the field is absent); an empty address
// list is NIL too.
struct Envelope {
  std::optional<std::string> date;
  std::optional<std::string> subject;
  std::vector<ImapAddress> from;
  std::vector<ImapAddress> sender;    // RFC 3501 7.4.2: the From list when absent or empty
  std::vector<ImapAddress> reply_to;  // likewise
  std::vector<ImapAddress> to;
  std::vector<ImapAddress> cc;
  std::vector<ImapAddress> bcc;
  std::optional<std::string> in_reply_to;
  std::optional<std::string> message_id;
  bool operator==(const Envelope&) const = default;
};

// Builds the envelope from a message's header fields; the first occurrence of each field counts.
Envelope build_envelope(const std::vector<HeaderField>& fields);

}  // namespace roost::mail
