// ENVELOPE / BODY / BODYSTRUCTURE rendering (RFC 3501 7.4.2, 9 formal syntax).
#include "common/mail/mime_imap.h"

namespace roost::mail {
namespace {

constexpr std::string_view kEmptyBody = R"x(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0))x";
constexpr std::string_view kEmptyBodyExtended =
    R"x(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL))x";

void append_params(std::string& out, const std::vector<MimeParam>& params) {
  if (params.empty()) {
    out += "NIL";
    return;
  }
  out += '(';
  bool first = true;
  for (const auto& p : params) {
    if (!first) out += ' ';
    first = false;
    append_imap_string(out, p.extended ? p.name + "*" : p.name);
    out += ' ';
    append_imap_string(out, p.value);
  }
  out += ')';
}

void append_address_list(std::string& out, const std::vector<ImapAddress>& list) {
  if (list.empty()) {
    out += "NIL";
    return;
  }
  out += '(';
  for (const auto& a : list) {
    out += '(';
    append_imap_nstring(out, a.name);
    out += ' ';
    append_imap_nstring(out, a.adl);
    out += ' ';
    append_imap_nstring(out, a.mailbox);
    out += ' ';
    append_imap_nstring(out, a.host);
    out += ')';
  }
  out += ')';
}

// body-fld-dsp, body-fld-lang, body-fld-loc.
void append_extension_tail(std::string& out, const MimePart& p) {
  out += ' ';
  if (p.disposition) {
    out += '(';
    append_imap_string(out, *p.disposition);
    out += ' ';
    append_params(out, p.disposition_params);
    out += ')';
  } else {
    out += "NIL";
  }
  out += ' ';
  if (p.language.empty()) {
    out += "NIL";
  } else {
    out += '(';
    for (std::size_t i = 0; i < p.language.size(); ++i) {
      if (i) out += ' ';
      append_imap_string(out, p.language[i]);
    }
    out += ')';
  }
  out += ' ';
  append_imap_nstring(out, p.location);
}

void render_part(std::string& out, const MimePart& p, bool extended) {
  out += '(';
  if (p.is_multipart()) {
    // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
    if (p.children.empty()) {
      out += extended ? kEmptyBodyExtended : kEmptyBody;
    }
    for (const auto& c : p.children) render_part(out, c, extended);
    out += ' ';
    append_imap_string(out, p.subtype);
    if (extended) {
      out += ' ';
      append_params(out, p.params);
      append_extension_tail(out, p);
    }
    out += ')';
    return;
  }
  // body-type-1part: type subtype params id description encoding size ...
  append_imap_string(out, p.type);
  out += ' ';
  append_imap_string(out, p.subtype);
  out += ' ';
  if (p.params.empty() && p.type == "text") {
    out += R"(("charset" "us-ascii"))";
  } else {
    append_params(out, p.params);
  }
  out += ' ';
  append_imap_nstring(out, p.id);
  out += ' ';
  append_imap_nstring(out, p.description);
  out += ' ';
  append_imap_string(out, p.encoding ? *p.encoding : std::string("7bit"));
  out += ' ';
  out += std::to_string(p.body_size);
  if (p.has_message()) {
    // body-type-msg: ... SP envelope SP body SP body-fld-lines
    const MimePart& inner = p.children[0];
    out += ' ';
    out += render_envelope(inner.envelope ? *inner.envelope : Envelope{});
    out += ' ';
    // The enclosed message's body: its multipart, or its single part.
    render_part(out, inner, extended);
    out += ' ';
    out += std::to_string(p.body_lines);
  } else if (p.type == "text") {
    out += ' ';
    out += std::to_string(p.body_lines);
  }
  if (extended) {
    out += ' ';
    append_imap_nstring(out, p.md5);
    append_extension_tail(out, p);
  }
  out += ')';
}

}  // namespace

void append_imap_string(std::string& out, std::string_view s) {
  bool quotable = s.size() <= 1024;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || c == '\r' || c == '\n') {
      quotable = false;
      break;
    }
  }
  if (quotable) {
    out += '"';
    for (char c : s) {
      if (c == '\0') continue;
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
    return;
  }
  std::size_t nuls = 0;
  for (char c : s) nuls += c == '\0';
  out += '{';
  out += std::to_string(s.size() - nuls);
  out += "}\r\n";
  for (char c : s) {
    if (c != '\0') out += c;
  }
}

void append_imap_nstring(std::string& out, const std::optional<std::string>& s) {
  if (!s) {
    out += "NIL";
  } else {
    append_imap_string(out, *s);
  }
}

std::string render_envelope(const Envelope& e) {
  std::string out = "(";
  append_imap_nstring(out, e.date);
  out += ' ';
  append_imap_nstring(out, e.subject);
  for (const auto* list : {&e.from, &e.sender, &e.reply_to, &e.to, &e.cc, &e.bcc}) {
    out += ' ';
    append_address_list(out, *list);
  }
  out += ' ';
  append_imap_nstring(out, e.in_reply_to);
  out += ' ';
  append_imap_nstring(out, e.message_id);
  out += ')';
  return out;
}

std::string render_body_structure(const MimePart& part, bool extended) {
  std::string out;
  render_part(out, part, extended);
  return out;
}

}  // namespace roost::mail
