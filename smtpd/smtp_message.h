// What the SMTP server reads from and adds to a message's header section: the From: addresses,
// whether Message-ID and Date are present, the Received count, and the header fields it prepends
// (Received, RFC 5321 4.4; Message-ID and Date for submission, RFC 6409 8.2 and 8.3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace roost::smtp {

struct HeaderFacts {
  bool has_message_id = false;
  bool has_date = false;
  std::size_t received_count = 0;
  std::size_t from_fields = 0;
  // The addr-specs of every From: field, in order, as written (unparsed: the caller validates).
  std::vector<std::string> from_addresses;
  bool from_unparsable = false;  // a From: field from which no address could be taken
};

// Scans the header section (up to the first empty line or the end). Folded fields are unfolded
// (RFC 5322 2.2.3). Field names are case-insensitive.
HeaderFacts inspect_headers(std::string_view message);

// The addr-specs of an RFC 5322 3.4 address-list / mailbox-list: "A <a@x>, b@y (c)" -> a@x, b@y.
// Display names, quoted strings, comments and group syntax are skipped.
std::vector<std::string> extract_addresses(std::string_view field_value);

struct ReceivedInfo {
  std::string helo;          // what the client said in EHLO/HELO (already sanitised)
  std::string peer_ip;       // "192.0.2.1" or "2001:db8::1"
  std::string peer_name;     // reverse DNS name, may be empty
  std::string hostname;      // ours
  std::string protocol;      // RFC 3848 / RFC 6531 "with" keyword: ESMTP, ESMTPSA, UTF8SMTPS...
  std::string id;            // the transaction id
  std::string tls_version;   // empty without TLS
  std::string tls_cipher;
  std::string user;          // the authenticated user, empty to leave it out
  std::string for_address;   // the single recipient, empty when there were several
  std::string date;          // RFC 5322 date-time
};

// "Received: from helo (name [ip])\r\n\tby host (Roost) with ESMTPS id X\r\n\t(...)\r\n\tfor <a>; date\r\n"
std::string received_field(const ReceivedInfo& info);

}  // namespace roost::smtp
