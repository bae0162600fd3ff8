// The DNS TXT record that publishes a DKIM public key (RFC 6376 3.6.1, 3.6.2.1; RFC 8463 4.2), in the
// forms an admin pastes: the owner name, the record text, and the zone-file character strings.
#pragma once

#include <string>
#include <string_view>

#include "common/dkim/signing_key.h"

namespace roost::dkim {

// RFC 1035 3.3: one character-string of a TXT record holds at most 255 bytes.
inline constexpr std::size_t kMaxTxtStringLength = 255;

// "<selector>._domainkey.<domain>" (RFC 6376 3.6.2.1).
std::string key_record_name(std::string_view selector, std::string_view domain);

// "v=DKIM1; k=rsa; p=<base64>" or "v=DKIM1; k=ed25519; p=<base64>".
std::string key_record_value(const SigningKey& key);

// The record text as zone-file character strings: "\"...\"" when it fits one string, else
// "( \"...\" \"...\" )" with strings of at most 255 bytes, which resolvers join back into one text
// (RFC 6376 3.6.2.2). '"' and '\' are escaped.
std::string zone_txt_strings(std::string_view text);

}  // namespace roost::dkim
