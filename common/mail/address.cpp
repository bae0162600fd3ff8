// Parser for SMTP envelope paths and ESMTP parameters (RFC 5321 4.1.2, RFC 6531 3.3).
#include "common/mail/address.h"
#include "common/base/ascii.h"

#include <arpa/inet.h>

#include <cstring>

#include "common/mail/domain.h"

namespace roost::mail {
namespace {

using Kind = AddressError::Kind;

Failure<AddressError> error(Kind kind, std::string message) { return fail(AddressError{kind, std::move(message)}); }

bool is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

// RFC 5321 4.1.2 atext (from RFC 5322 3.2.3).
bool is_atext(unsigned char c) {
  return is_alpha(c) || is_digit(c) || std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
}

// RFC 5321 4.1.2 qtextSMTP: %d32-33 / %d35-91 / %d93-126.
bool is_qtext(unsigned char c) { return c == 32 || c == 33 || (c >= 35 && c <= 91) || (c >= 93 && c <= 126); }

// Length of the well-formed UTF-8 sequence (RFC 3629 section 4) starting at s[pos] (a byte >= 0x80),
// or 0 when it is not well-formed.
std::size_t utf8_sequence_length(std::string_view s, std::size_t pos) {
  auto at = [&](std::size_t i) -> int { return pos + i < s.size() ? static_cast<unsigned char>(s[pos + i]) : -1; };
  auto cont = [&](std::size_t i, int lo = 0x80, int hi = 0xBF) { int c = at(i); return c >= lo && c <= hi; };
  int c = at(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

using roost::iequals;

using roost::ascii_lower;

std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Checks an 8-bit byte at s[pos]: allowed only with SMTPUTF8 and as well-formed UTF-8.
// Returns the sequence length, or an error.
Result<std::size_t, AddressError> check_eight_bit(std::string_view s, std::size_t pos, const ParseOptions& options) {
  if (!options.smtputf8) {
    return error(Kind::needs_smtputf8, "the address holds non-ASCII characters but SMTPUTF8 was not given");
  }
  std::size_t n = utf8_sequence_length(s, pos);
  if (n == 0) return error(Kind::bad_utf8, "the address holds bytes that are not valid UTF-8");
  return n;
}

// The canonical text of an address literal for lookups: "[192.0.2.1]", "[IPv6:2001:db8::1]".
std::string canonical_literal(std::string_view literal) {
  std::string_view inner = literal.substr(1, literal.size() - 2);
  char buf[INET6_ADDRSTRLEN] = {};
  if (inner.size() > 5 && iequals(inner.substr(0, 5), "IPv6:")) {
    std::string text(inner.substr(5));
    in6_addr a6{};
    if (inet_pton(AF_INET6, text.c_str(), &a6) == 1 && inet_ntop(AF_INET6, &a6, buf, sizeof buf) != nullptr) {
      return std::string("[IPv6:") + buf + "]";
    }
  }
  return ascii_lower(literal);
}

class PathParser {
 public:
  PathParser(std::string_view text, ParseOptions options) : s_(text), options_(options) {}

  // Mailbox = Local-part "@" ( Domain / address-literal ), ending at the end of the text.
  Result<Address, AddressError> mailbox() {
    Address a;
    if (auto r = local_part(a); !r) return fail(r.error());
    if (!eat('@')) {
      if (pos_ == s_.size()) return error(Kind::syntax, "the address has no '@' and domain");
      return error(Kind::syntax, "the local part holds a character that needs quoting");
    }
    if (pos_ < s_.size() && s_[pos_] == '[') {
      if (auto r = address_literal(a); !r) return fail(r.error());
    } else {
      auto d = domain();
      if (!d) return fail(d.error());
      a.domain = std::move(d.value().text);
      a.needs_smtputf8 = a.needs_smtputf8 || d.value().non_ascii;
    }
    if (pos_ != s_.size()) {
      if (s_[pos_] == '@') return error(Kind::syntax, "the address holds more than one '@'");
      return error(Kind::syntax, "the domain is followed by unexpected characters");
    }
    return a;
  }

  // A-d-l = At-domain *( "," At-domain ); At-domain = "@" Domain. Parsed for syntax, then ignored.
  Result<void, AddressError> route() {
    while (true) {
      if (!eat('@')) return error(Kind::syntax, "the source route is malformed");
      auto d = domain();
      if (!d) return fail(d.error());
      if (eat(':')) return Ok{};
      if (!eat(',')) return error(Kind::syntax, "the source route is malformed");
    }
  }

  std::size_t position() const { return pos_; }

 private:
  struct DomainText {
    std::string text;
    bool non_ascii = false;
  };

  bool eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  Result<void, AddressError> local_part(Address& a) {
    std::size_t start = pos_;
    if (eat('"')) {
      a.quoted = true;
      while (true) {
        if (pos_ >= s_.size()) return error(Kind::syntax, "the quoted local part is not closed");
        unsigned char c = s_[pos_];
        if (c == '"') {
          ++pos_;
          break;
        }
        if (c == '\\') {
          // quoted-pairSMTP = %d92 %d32-126 (RFC 5321 4.1.2)
          if (pos_ + 1 >= s_.size()) return error(Kind::syntax, "the quoted local part is not closed");
          unsigned char q = s_[pos_ + 1];
          if (q < 32 || q > 126) return error(Kind::syntax, "the local part holds an invalid quoted character");
          a.local += static_cast<char>(q);
          pos_ += 2;
          continue;
        }
        if (c >= 0x80) {
          auto n = check_eight_bit(s_, pos_, options_);
          if (!n) return fail(n.error());
          a.local.append(s_.substr(pos_, *n));
          a.needs_smtputf8 = true;
          pos_ += *n;
          continue;
        }
        if (!is_qtext(c)) return error(Kind::syntax, "the quoted local part holds a control character");
        a.local += static_cast<char>(c);
        ++pos_;
      }
    } else {
      // Dot-string = Atom *("." Atom)
      bool atom_empty = true;
      while (pos_ < s_.size()) {
        unsigned char c = s_[pos_];
        if (c == '.') {
          if (atom_empty) return error(Kind::syntax, "the local part has an empty dot-separated part");
          atom_empty = true;
          ++pos_;
          continue;
        }
        if (c >= 0x80) {
          auto n = check_eight_bit(s_, pos_, options_);
          if (!n) return fail(n.error());
          a.needs_smtputf8 = true;
          pos_ += *n;
          atom_empty = false;
          continue;
        }
        if (!is_atext(c)) break;
        atom_empty = false;
        ++pos_;
      }
      if (pos_ == start) return error(Kind::syntax, "the local part is empty");
      if (atom_empty) return error(Kind::syntax, "the local part has an empty dot-separated part");
      a.local = std::string(s_.substr(start, pos_ - start));
    }
    a.local_raw = std::string(s_.substr(start, pos_ - start));
    if (a.local_raw.size() > kMaxLocalPartLength) {
      return error(Kind::local_part_too_long, "the local part is longer than 64 octets");
    }
    return Ok{};
  }

  // Domain = sub-domain *("." sub-domain); with SMTPUTF8, sub-domain =/ U-label (RFC 6531 3.3).
  Result<DomainText, AddressError> domain() {
    std::size_t start = pos_;
    bool non_ascii = false;
    while (pos_ < s_.size()) {
      unsigned char c = s_[pos_];
      if (c >= 0x80) {
        auto n = check_eight_bit(s_, pos_, options_);
        if (!n) return fail(n.error());
        non_ascii = true;
        pos_ += *n;
        continue;
      }
      if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '.') break;
      ++pos_;
    }
    std::string_view text = s_.substr(start, pos_ - start);
    if (text.empty()) return error(Kind::syntax, "the domain is missing");
    if (text.size() > kMaxDomainLength) return error(Kind::bad_domain, "the domain is longer than 255 octets");
    if (text.back() == '.' || text.front() == '.' || text.find("..") != std::string_view::npos) {
      return error(Kind::bad_domain, "the domain has an empty label");
    }
    if (non_ascii) {
      // U-labels are validated (and their A-label lengths checked) by IDNA.
      auto normal = normalize_domain(text);
      if (!normal) return error(Kind::bad_domain, normal.error().message);
    } else if (!is_ascii_domain(text)) {
      return error(Kind::bad_domain,
                   "the domain is not valid: labels are 1-63 letters, digits or hyphens, "
                   "not starting or ending with a hyphen");
    }
    return DomainText{std::string(text), non_ascii};
  }

  // address-literal = "[" ( IPv4-address-literal / IPv6-address-literal / General-address-literal ) "]"
  Result<void, AddressError> address_literal(Address& a) {
    std::size_t start = pos_;
    std::size_t close = s_.find(']', pos_);
    if (close == std::string_view::npos) return error(Kind::syntax, "the address literal has no closing ']'");
    std::string_view inner = s_.substr(start + 1, close - start - 1);
    if (inner.size() > 5 && iequals(inner.substr(0, 5), "IPv6:")) {
      std::string text(inner.substr(5));
      in6_addr a6{};
      if (inet_pton(AF_INET6, text.c_str(), &a6) != 1) {
        return error(Kind::bad_address_literal, "the address literal is not a valid IPv6 address");
      }
    } else {
      for (unsigned char c : inner) {
        if (!is_digit(c) && c != '.') {
          return error(Kind::bad_address_literal, "the address literal is not a supported IP address");
        }
      }
      std::string text(inner);
      in_addr a4{};
      if (inet_pton(AF_INET, text.c_str(), &a4) != 1) {
        return error(Kind::bad_address_literal, "the address literal is not a valid IPv4 address");
      }
    }
    pos_ = close + 1;
    a.domain = std::string(s_.substr(start, pos_ - start));
    a.domain_is_literal = true;
    return Ok{};
  }

  std::string_view s_;
  ParseOptions options_;
  std::size_t pos_ = 0;
};

Result<Address, AddressError> parse_path(std::string_view path, ParseOptions options, bool forward) {
  if (path.size() < 2 || path.front() != '<' || path.back() != '>') {
    return error(Kind::syntax, "the path must be enclosed in '<' and '>'");
  }
  std::string_view inner = path.substr(1, path.size() - 2);
  if (inner.empty()) {
    if (forward) return error(Kind::syntax, "the recipient is empty");
    Address a;
    a.null_path = true;
    return a;
  }
  // RFC 5321 4.1.1.3: "<Postmaster>" without a domain, matched case-insensitively.
  if (forward && iequals(inner, "postmaster")) {
    Address a;
    a.local = std::string(inner);
    a.local_raw = a.local;
    a.postmaster = true;
    return a;
  }
  bool routed = false;
  if (inner.front() == '@') {
    // RFC 5321 4.1.2 / Appendix C: a source route is accepted but ignored.
    PathParser route_parser(inner, options);
    if (auto r = route_parser.route(); !r) return fail(r.error());
    inner.remove_prefix(route_parser.position());
    routed = true;
  }
  PathParser parser(inner, options);
  auto a = parser.mailbox();
  if (!a) {
    if (a.error().kind == Kind::syntax && inner.find_first_of("<>") != std::string_view::npos) {
      return error(Kind::syntax, "the path has unbalanced angle brackets");
    }
    return a;
  }
  a->source_route = routed;
  return a;
}

}  // namespace

bool is_dot_string(std::string_view local, bool utf8) {
  bool atom_empty = true;
  for (std::size_t i = 0; i < local.size(); ++i) {
    unsigned char c = local[i];
    if (c == '.') {
      if (atom_empty) return false;
      atom_empty = true;
    } else if (c >= 0x80) {
      if (!utf8) return false;
      std::size_t n = utf8_sequence_length(local, i);
      if (n == 0) return false;
      i += n - 1;
      atom_empty = false;
    } else if (is_atext(c)) {
      atom_empty = false;
    } else {
      return false;
    }
  }
  return !atom_empty;
}

std::string Address::to_string() const {
  if (null_path) return {};
  if (postmaster && domain.empty()) return local;
  std::string out;
  if (is_dot_string(local, true)) {
    out = local;
  } else {
    out += '"';
    for (char c : local) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '@';
  out += domain;
  return out;
}

std::string Address::to_path() const { return "<" + to_string() + ">"; }

std::string Address::ascii_domain() const {
  if (domain.empty()) return {};
  if (domain_is_literal) return canonical_literal(domain);
  auto normal = normalize_domain(domain);
  return normal ? std::move(normal.value()) : ascii_lower(domain);
}

std::string Address::lookup_key() const {
  if (null_path) return {};
  if (postmaster && domain.empty()) return "postmaster";
  return ascii_lower(local) + "@" + ascii_domain();
}

bool Address::local_part_has_routing_chars() const {
  return local.find_first_of("%!@") != std::string::npos;
}

Result<Address, AddressError> parse_reverse_path(std::string_view path, ParseOptions options) {
  return parse_path(path, options, false);
}

Result<Address, AddressError> parse_forward_path(std::string_view path, ParseOptions options) {
  return parse_path(path, options, true);
}

Result<Address, AddressError> parse_mailbox(std::string_view mailbox, ParseOptions options) {
  return PathParser(mailbox, options).mailbox();
}

Result<PathArgs, AddressError> split_path_args(std::string_view args) {
  std::size_t pos = 0;
  while (pos < args.size() && args[pos] == ' ') ++pos;
  if (pos == args.size() || args[pos] != '<') return error(Kind::syntax, "the path must start with '<'");
  std::size_t start = pos++;
  bool in_quotes = false;
  for (; pos < args.size(); ++pos) {
    char c = args[pos];
    if (in_quotes) {
      if (c == '\\') {
        ++pos;  // the quoted-pair's second character, whatever it is
      } else if (c == '"') {
        in_quotes = false;
      }
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == '<') {
      return error(Kind::syntax, "the path has unbalanced angle brackets");
    } else if (c == '>') {
      break;
    }
  }
  if (pos >= args.size()) return error(Kind::syntax, "the path has unbalanced angle brackets");
  PathArgs out;
  out.path = args.substr(start, pos - start + 1);
  ++pos;
  if (pos < args.size() && args[pos] != ' ') {
    return error(Kind::syntax, "the path must be followed by a space before parameters");
  }
  while (pos < args.size() && args[pos] == ' ') ++pos;
  out.params = args.substr(pos);
  return out;
}

Result<std::vector<EsmtpParam>, AddressError> parse_esmtp_params(std::string_view text) {
  std::vector<EsmtpParam> params;
  std::size_t pos = 0;
  while (true) {
    while (pos < text.size() && text[pos] == ' ') ++pos;
    if (pos == text.size()) break;
    std::size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(pos, end - pos);
    pos = end;
    std::size_t eq = item.find('=');
    std::string_view keyword = item.substr(0, eq);
    // esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
    if (keyword.empty() || !(is_alpha(keyword[0]) || is_digit(keyword[0]))) {
      return error(Kind::bad_parameter, "a parameter keyword must start with a letter or digit");
    }
    for (unsigned char c : keyword) {
      if (!is_alpha(c) && !is_digit(c) && c != '-') {
        return error(Kind::bad_parameter, "a parameter keyword holds an invalid character");
      }
    }
    EsmtpParam param{ascii_upper(keyword), std::nullopt};
    if (eq != std::string_view::npos) {
      std::string_view value = item.substr(eq + 1);
      // esmtp-value = 1*(%d33-60 / %d62-126)
      if (value.empty()) return error(Kind::bad_parameter, "a parameter has '=' but no value");
      for (unsigned char c : value) {
        if (c < 33 || c > 126 || c == '=') {
          return error(Kind::bad_parameter, "a parameter value holds an invalid character");
        }
      }
      param.value = std::string(value);
    }
    params.push_back(std::move(param));
  }
  return params;
}

}  // namespace roost::mail
