// Domain names in mail: syntax checks (RFC 5321 4.1.2 Domain), normalisation to the ASCII lookup form
// (A-labels via IDNA, RFC 5890/5891) and the reverse, U-labels for display.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace roost::mail {

constexpr std::size_t kMaxDomainLength = 255;  // RFC 5321 4.5.3.1.2
constexpr std::size_t kMaxLabelLength = 63;    // RFC 1035 2.3.4

// True when `domain` is an ASCII RFC 5321 Domain: dot-separated labels of letters, digits and hyphens,
// not starting or ending with a hyphen, 1..63 octets each, at most 255 in total, no trailing dot.
bool is_ascii_domain(std::string_view domain);

// The form a domain is compared and looked up in: one trailing dot stripped, ASCII lower-cased,
// U-labels converted to A-labels (libidn2, NFC input, UTS #46 non-transitional), lengths checked.
// "Bücher.Example." -> "xn--bcher-kva.example". A-labels in the input must decode.
// The error is a sentence naming the problem.
Result<std::string> normalize_domain(std::string_view domain);

// The display form: A-labels converted to U-labels ("xn--bcher-kva.example" -> "bücher.example"),
// ASCII lower-cased. Errors when the input is not a valid domain.
Result<std::string> domain_to_unicode(std::string_view domain);

}  // namespace roost::mail
