// Header field splitting and unfolding, and Content-Type / Content-Disposition parameter parsing with
// RFC 2231 continuations.
#include "common/mail/header_fields.h"
#include "common/base/ascii.h"

#include <algorithm>
#include <cstdint>
#include <map>

#include "common/mail/rfc2047.h"

namespace roost::mail {
namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
char lower(char c) { return roost::ascii_lower(c); }
std::string to_lower(std::string_view s) { return roost::ascii_lower(s); }

// A cursor over a structured value: skips CFWS (RFC 5322 3.2.2).
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }
  void advance() { ++pos_; }

  void skip_cfws() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (is_space(c)) {
        ++pos_;
      } else if (c == '(') {
        skip_comment();
      } else {
        break;
      }
    }
  }

  // A comment, nested, with quoted-pairs (RFC 5322 3.2.2); an unclosed one runs to the end.
  void skip_comment() {
    int depth = 0;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '\\') {
        if (pos_ < s_.size()) ++pos_;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')') {
        if (--depth == 0) return;
      }
    }
  }

  // RFC 2045 5.1 token, tolerantly: anything up to whitespace, a comment or one of `stops`.
  std::string_view token(std::string_view stops) {
    std::size_t begin = pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (is_space(c) || c == '(' || stops.find(c) != std::string_view::npos) break;
      ++pos_;
    }
    return s_.substr(begin, pos_ - begin);
  }

  // A quoted-string at the cursor ('"'), unquoted; an unclosed one runs to the end. Folding inside is
  // removed (RFC 5322 3.2.4).
  std::string quoted() {
    std::string out;
    ++pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') break;
      if (c == '\\' && pos_ < s_.size()) {
        out += s_[pos_++];
      } else if (c != '\r' && c != '\n') {
        out += c;
      }
    }
    return out;
  }

  // Skips to just after the next ';' outside quotes and comments.
  void skip_past_semicolon() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '"') {
        quoted();
      } else if (c == '(') {
        skip_comment();
      } else {
        ++pos_;
        if (c == ';') return;
      }
    }
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F || ch == '%' || ch == '\'' || ch == '*') {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

struct Segment {
  std::string value;
  bool extended = false;
};

struct Pending {
  std::size_t order;                        // position of the first occurrence, to keep input order
  std::string plain;                        // a plain "name=value"
  bool has_plain = false;
  std::map<std::uint32_t, Segment> segments;  // RFC 2231 3: name*N[*]
};

constexpr std::uint32_t kMaxSegments = 1000;

}  // namespace

bool header_name_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::vector<HeaderField> split_header_fields(std::string_view header) {
  std::vector<HeaderField> fields;
  std::size_t pos = 0;
  bool current_open = false;  // the last field may take continuation lines
  std::string_view last_eol;
  while (pos < header.size()) {
    std::size_t eol = header.find('\n', pos);
    std::size_t next = eol == std::string_view::npos ? header.size() : eol + 1;
    std::string_view line = header.substr(pos, next - pos);
    std::string_view content = line;
    if (!content.empty() && content.back() == '\n') content.remove_suffix(1);
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    std::string_view line_end = line.substr(content.size());
    if (content.empty()) break;  // RFC 5322 2.1: the empty line ends the header section
    if (is_wsp(content[0])) {
      if (current_open) {
        HeaderField& f = fields.back();
        f.value += last_eol;  // folding is kept in the raw value
        f.value += content;
        f.size = next - f.offset;
        last_eol = line_end;
      }
      pos = next;
      continue;
    }
    std::size_t colon = content.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      current_open = false;
      pos = next;
      continue;
    }
    std::string_view name = content.substr(0, colon);
    while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);
    if (name.empty()) {
      current_open = false;
      pos = next;
      continue;
    }
    HeaderField f;
    f.name = std::string(name);
    f.value = std::string(content.substr(colon + 1));
    f.offset = pos;
    f.size = next - pos;
    fields.push_back(std::move(f));
    current_open = true;
    last_eol = line_end;
    pos = next;
  }
  return fields;
}

std::string unfold_header_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c != '\r' && c != '\n') out += c;
  }
  std::size_t b = 0;
  while (b < out.size() && is_wsp(out[b])) ++b;
  std::size_t e = out.size();
  while (e > b && is_wsp(out[e - 1])) --e;
  return out.substr(b, e - b);
}

const HeaderField* find_header_field(const std::vector<HeaderField>& fields, std::string_view name) {
  for (const auto& f : fields) {
    if (header_name_equals(f.name, name)) return &f;
  }
  return nullptr;
}

const MimeParam* find_param(const std::vector<MimeParam>& params, std::string_view name) {
  for (const auto& p : params) {
    if (header_name_equals(p.name, name)) return &p;
  }
  return nullptr;
}

std::vector<MimeParam> parse_mime_params(std::string_view text) {
  std::vector<std::pair<std::string, Pending>> pending;  // few parameters: a linear search is fine
  Scanner sc(text);
  std::size_t order = 0;
  while (true) {
    sc.skip_cfws();
    if (sc.done()) break;
    if (sc.peek() == ';') {
      sc.advance();
      continue;
    }
    std::string_view raw_name = sc.token("=;\"");
    sc.skip_cfws();
    if (raw_name.empty() || sc.done() || sc.peek() != '=') {
      sc.skip_past_semicolon();
      continue;
    }
    sc.advance();  // '='
    sc.skip_cfws();
    std::string value;
    if (!sc.done() && sc.peek() == '"') {
      value = sc.quoted();
    } else {
      value = std::string(sc.token(";"));
    }
    sc.skip_past_semicolon();

    // RFC 2231 3 and 4: name*, name*N, name*N*.
    std::string name = to_lower(raw_name);
    bool extended = false;
    std::optional<std::uint32_t> index;
    if (!name.empty() && name.back() == '*') {
      extended = true;
      name.pop_back();
    }
    if (auto star = name.rfind('*'); star != std::string::npos) {
      std::string_view digits = std::string_view(name).substr(star + 1);
      bool numeric = !digits.empty() && digits.size() <= 4 &&
                     std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (numeric && !(digits.size() > 1 && digits[0] == '0')) {
        std::uint32_t n = 0;
        for (char c : digits) n = n * 10 + static_cast<std::uint32_t>(c - '0');
        index = n;
        name.resize(star);
      }
    }
    if (name.empty()) continue;
    auto it = std::find_if(pending.begin(), pending.end(), [&](const auto& p) { return p.first == name; });
    if (it == pending.end()) {
      pending.emplace_back(name, Pending{order++, {}, false, {}});
      it = pending.end() - 1;
    }
    Pending& p = it->second;
    if (!index && !extended) {
      if (!p.has_plain) {
        p.plain = std::move(value);
        p.has_plain = true;
      }
    } else {
      std::uint32_t n = index.value_or(0);
      if (n < kMaxSegments && p.segments.find(n) == p.segments.end()) {
        p.segments.emplace(n, Segment{std::move(value), extended});
      }
    }
  }

  std::vector<MimeParam> out;
  for (auto& [name, p] : pending) {
    MimeParam param;
    param.name = name;
    if (!p.segments.empty()) {
      // RFC 2231 3: segments are joined in order, stopping at the first gap. Only the first may carry
      // the charset'language' prefix; plain segments of an extended value are %-encoded so the joined
      // text has one form.
      bool any_extended = p.segments.begin()->second.extended;
      std::uint32_t expect = 0;
      for (auto& [n, seg] : p.segments) {
        if (n != expect) break;
        ++expect;
        if (any_extended && !seg.extended) {
          param.value += percent_encode(seg.value);
        } else {
          param.value += seg.value;
        }
      }
      param.extended = any_extended;
      if (expect == 0 && p.has_plain) {
        param.value = p.plain;
        param.extended = false;
      }
    } else {
      param.value = p.plain;
    }
    out.push_back(std::move(param));
  }
  return out;
}

std::string param_language(const MimeParam& param) {
  if (!param.extended) return "";
  auto q1 = param.value.find('\'');
  if (q1 == std::string::npos) return "";
  auto q2 = param.value.find('\'', q1 + 1);
  if (q2 == std::string::npos) return "";
  return param.value.substr(q1 + 1, q2 - q1 - 1);
}

std::string decode_param_value(const MimeParam& param) {
  if (!param.extended) {
    if (param.value.find("=?") != std::string::npos) return decode_rfc2047(param.value);
    if (is_valid_utf8(param.value)) return param.value;
    return charset_to_utf8("iso-8859-1", param.value).value_or(param.value);
  }
  // RFC 2231 4: charset "'" language "'" %-encoded text. Without the quotes the whole is text.
  std::string_view v = param.value;
  std::string_view charset;
  auto q1 = v.find('\'');
  auto q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
  if (q2 != std::string_view::npos) {
    charset = v.substr(0, q1);
    v = v.substr(q2 + 1);
  }
  std::string bytes;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '%' && i + 2 < v.size() && hex_value(v[i + 1]) >= 0 &&
        hex_value(v[i + 2]) >= 0) {
      bytes += static_cast<char>(hex_value(v[i + 1]) * 16 + hex_value(v[i + 2]));
      i += 2;
    } else {
      bytes += v[i];
    }
  }
  if (charset.empty()) charset = "us-ascii";
  if (auto text = charset_to_utf8(charset, bytes)) return *text;
  return bytes;
}

ContentType parse_content_type(std::string_view value) {
  ContentType ct;
  Scanner sc(value);
  sc.skip_cfws();
  std::string_view type = sc.token("/;\"");
  sc.skip_cfws();
  std::string_view subtype;
  if (!sc.done() && sc.peek() == '/') {
    sc.advance();
    sc.skip_cfws();
    subtype = sc.token("/;\"");
    sc.skip_cfws();
  }
  ct.valid = !type.empty() && !subtype.empty() && (sc.done() || sc.peek() == ';');
  if (ct.valid) {
    ct.type = to_lower(type);
    ct.subtype = to_lower(subtype);
  } else {
    ct.type = "text";
    ct.subtype = "plain";
  }
  // Parameters start at the first ';' even after junk.
  auto semi = value.find(';');
  if (semi != std::string_view::npos) ct.params = parse_mime_params(value.substr(semi));
  return ct;
}

ContentDisposition parse_content_disposition(std::string_view value) {
  ContentDisposition cd;
  Scanner sc(value);
  sc.skip_cfws();
  cd.type = to_lower(sc.token(";\""));
  auto semi = value.find(';');
  if (semi != std::string_view::npos) cd.params = parse_mime_params(value.substr(semi));
  return cd;
}

std::string parse_header_token(std::string_view value) {
  Scanner sc(value);
  sc.skip_cfws();
  return to_lower(sc.token(";\""));
}

std::vector<std::string> parse_content_language(std::string_view value) {
  std::vector<std::string> out;
  Scanner sc(value);
  while (true) {
    sc.skip_cfws();
    if (sc.done()) break;
    if (sc.peek() == ',') {
      sc.advance();
      continue;
    }
    std::string_view tag = sc.token(",\"");
    if (tag.empty()) {
      sc.advance();
      continue;
    }
    out.emplace_back(tag);
  }
  return out;
}

}  // namespace roost::mail
