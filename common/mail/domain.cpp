// Domain syntax and IDNA conversion (libidn2) for addresses, lookups and display.
#include "common/mail/domain.h"
#include "common/base/ascii.h"

#include <cstdlib>
#include <memory>

#include <idn2.h>

namespace roost::mail {
namespace {

bool is_ascii_text(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

bool is_let_dig(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

using roost::ascii_lower;

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

bool has_ace_prefix(std::string_view label) {
  return label.size() >= 4 && (label[0] == 'x' || label[0] == 'X') && (label[1] == 'n' || label[1] == 'N') &&
         label[2] == '-' && label[3] == '-';
}

}  // namespace

bool is_ascii_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > kMaxDomainLength) return false;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = domain.find('.', start);
    std::string_view label = domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    // RFC 5321 4.1.2: sub-domain = Let-dig [Ldh-str]; Ldh-str ends in a Let-dig.
    if (label.empty() || label.size() > kMaxLabelLength) return false;
    if (!is_let_dig(label.front()) || !is_let_dig(label.back())) return false;
    for (unsigned char c : label) {
      if (!is_let_dig(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

Result<std::string> normalize_domain(std::string_view domain) {
  if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  if (domain.empty()) return fail("the domain is empty");
  if (domain.size() > kMaxDomainLength) return fail("the domain is longer than 255 octets");
  if (domain.find('\0') != std::string_view::npos) return fail("the domain contains a NUL byte");

  std::string ascii;
  if (is_ascii_text(domain)) {
    ascii = ascii_lower(domain);
  } else {
    std::string input(domain);
    char* raw = nullptr;
    int rc = idn2_to_ascii_8z(input.c_str(), &raw, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    std::unique_ptr<char, FreeDeleter> owned(raw);
    if (rc != IDN2_OK || raw == nullptr) {
      return fail(std::string("the domain is not a valid internationalised domain name: ") + idn2_strerror(rc));
    }
    ascii = ascii_lower(raw);
  }
  if (!is_ascii_domain(ascii)) {
    return fail("the domain is not a valid name: labels must be 1-63 letters, digits or hyphens, "
                "not starting or ending with a hyphen, 255 octets in all");
  }
  // A-labels in the input (or produced above) must decode to a valid U-label (RFC 5891 5.4).
  std::size_t start = 0;
  while (start <= ascii.size()) {
    std::size_t dot = ascii.find('.', start);
    std::size_t end = dot == std::string::npos ? ascii.size() : dot;
    std::string label = ascii.substr(start, end - start);
    if (has_ace_prefix(label)) {
      char* raw = nullptr;
      int rc = idn2_to_unicode_8z8z(label.c_str(), &raw, 0);
      std::unique_ptr<char, FreeDeleter> owned(raw);
      if (rc != IDN2_OK) return fail("the domain holds an A-label (xn--) that does not decode");
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return ascii;
}

Result<std::string> domain_to_unicode(std::string_view domain) {
  auto ascii = normalize_domain(domain);
  if (!ascii) return fail(ascii.error().message);
  char* raw = nullptr;
  int rc = idn2_to_unicode_8z8z(ascii->c_str(), &raw, 0);
  std::unique_ptr<char, FreeDeleter> owned(raw);
  if (rc != IDN2_OK || raw == nullptr) {
    return fail(std::string("the domain cannot be shown in Unicode: ") + idn2_strerror(rc));
  }
  return std::string(raw);
}

}  // namespace roost::mail
