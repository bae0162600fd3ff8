// Header sections (RFC 5322 2.2): splitting into fields with their offsets, unfolding, and the
// structured MIME fields Content-Type and Content-Disposition with their parameters (RFC 2045 5.1,
// RFC 2183, RFC 2231). Tolerant of real-world mail: bare LF, 8-bit bytes, lines without a colon,
// comments, broken quoting. Sans-I/O, never logs, never fails: bad input gives the best reading.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roost::mail {

struct HeaderField {
  std::string name;         // as written, without the whitespace some mailers put before the ':'
  std::string value;        // everything after the ':' up to the field's last line end; folding (CRLF
                            // or LF before whitespace) kept, the final line end not
  std::size_t offset = 0;   // first byte of the field within the header section
  std::size_t size = 0;     // bytes of the field including its final line end
  bool operator==(const HeaderField&) const = default;
};

// Splits a header section (the bytes up to and including the empty line, or all of it when there is
// none) into fields. Continuation lines join the field before them; a continuation line before the
// first field and lines without a ':' are skipped (RFC 5322 3.6.8 makes no room for them).
std::vector<HeaderField> split_header_fields(std::string_view header);

// RFC 5322 2.2.3: unfolding removes each CRLF (or bare LF) that is followed by whitespace. Leading
// whitespace and trailing whitespace and line ends are also removed.
std::string unfold_header_value(std::string_view value);

// ASCII case-insensitive comparison, for field and parameter names.
bool header_name_equals(std::string_view a, std::string_view b);

// The first field named `name` (any case), or nullptr.
const HeaderField* find_header_field(const std::vector<HeaderField>& fields, std::string_view name);

// One parameter of Content-Type or Content-Disposition after RFC 2231 continuations are joined.
struct MimeParam {
  std::string name;       // lower-cased, without the RFC 2231 "*", "*N" or "*N*" suffixes
  std::string value;      // unquoted; for an extended value (below) the joined "charset'lang'%XX" text
  bool extended = false;  // RFC 2231 4: the value carries a charset and is %-encoded; IMAP shows the
                          // parameter as "name*" with the value as it is here
  bool operator==(const MimeParam&) const = default;
};

// The parameter's value as UTF-8: RFC 2231 values are %-decoded and converted from their charset (kept
// as written when the charset is unknown); others have RFC 2047 encoded-words decoded, which RFC 2047
// 5 forbids in parameters but many mailers write in filenames.
std::string decode_param_value(const MimeParam& param);
// The RFC 2231 language of an extended value ("en" in "us-ascii'en'..."), or "".
std::string param_language(const MimeParam& param);

// The first parameter named `name` (lower-case), or nullptr.
const MimeParam* find_param(const std::vector<MimeParam>& params, std::string_view name);

// Parses ";"-separated parameters (RFC 2045 5.1 parameter, RFC 2231 3 and 4 continuations and
// charsets), as found after the type. Comments and whitespace are skipped; an unquoted value runs to
// the next ';' or whitespace; a parameter without '=' is dropped; duplicates keep the first.
std::vector<MimeParam> parse_mime_params(std::string_view text);

struct ContentType {
  std::string type;     // lower-cased; "text" when invalid or absent
  std::string subtype;  // lower-cased; "plain" when invalid or absent
  std::vector<MimeParam> params;
  bool valid = false;   // the value held a type "/" subtype
  bool operator==(const ContentType&) const = default;
};
// RFC 2045 5.1. An invalid value gives text/plain (RFC 2045 5.2) with whatever parameters parse.
ContentType parse_content_type(std::string_view value);

struct ContentDisposition {
  std::string type;  // lower-cased ("inline", "attachment", ...); "" when missing
  std::vector<MimeParam> params;
  bool operator==(const ContentDisposition&) const = default;
};
// RFC 2183 2.
ContentDisposition parse_content_disposition(std::string_view value);

// The first token of a structured value with comments and whitespace removed, lower-cased:
// Content-Transfer-Encoding (RFC 2045 6.1). "" when there is none.
std::string parse_header_token(std::string_view value);

// Content-Language (RFC 3282): the language tags, comments removed.
std::vector<std::string> parse_content_language(std::string_view value);

}  // namespace roost::mail
