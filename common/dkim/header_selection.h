// Which header fields a DKIM signature covers: the names we sign (h=, with From over-signed) and,
// for a list of names, the field instances a verifier will take (RFC 6376 5.4.2: bottom-up).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace roost::dkim {

// The fields worth protecting, in h= order: the ones a reader sees or a client threads by. Trace and
// list fields (Received, List-*) are left out since relays add them legitimately.
inline constexpr std::string_view kSignedFieldNames[] = {
    "From",        "To",          "Cc",         "Subject",       "Date",         "Message-ID",
    "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Reply-To", "In-Reply-To", "References"};

// The h= names for a header section: each name of kSignedFieldNames as often as it occurs (so every
// instance is covered), then "From" once more. RFC 6376 8.15: the extra name matches no field, so a
// verifier fails a message to which a second From was added. Empty when the header has no From
// (RFC 6376 5.4: From must be signed).
std::vector<std::string> signed_field_names(std::string_view header);

// The raw fields (each with its final line end) a verifier hashes for `names`, in order: the n-th
// occurrence of a name takes the n-th instance from the bottom; names with no instance left are
// skipped (they hash as the null string, RFC 6376 5.4.2).
std::vector<std::string_view> select_fields(std::string_view header, const std::vector<std::string>& names);

// Where the header section ends: the offset of the first byte after the empty line (CRLF or bare LF)
// that ends it, or npos when it has not ended (the whole input is header).
std::size_t header_end(std::string_view message);

}  // namespace roost::dkim
