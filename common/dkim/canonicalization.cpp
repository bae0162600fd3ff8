// DKIM header and body canonicalisation, RFC 6376 3.4.
#include "common/dkim/canonicalization.h"

#include "common/base/ascii.h"

namespace roost::dkim {
namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::string_view canonicalization_name(Canonicalization c) {
  return c == Canonicalization::relaxed ? "relaxed" : "simple";
}

std::string canonical_header_field(Canonicalization c, std::string_view raw_field) {
  std::string out;
  out.reserve(raw_field.size() + 2);
  if (c == Canonicalization::simple) {
    // RFC 6376 3.4.1: no change at all, except that our input may use bare LF for CRLF.
    for (std::size_t i = 0; i < raw_field.size(); ++i) {
      char ch = raw_field[i];
      if (ch == '\n' && (i == 0 || raw_field[i - 1] != '\r')) out += '\r';
      out += ch;
    }
    if (!out.ends_with("\r\n")) out += "\r\n";
    return out;
  }
  // RFC 6376 3.4.2.
  std::size_t colon = raw_field.find(':');
  std::string_view name = raw_field.substr(0, colon == std::string_view::npos ? raw_field.size() : colon);
  while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);
  out = roost::ascii_lower(name);
  out += ':';
  if (colon != std::string_view::npos) {
    bool wsp = false;
    bool started = false;
    for (char ch : raw_field.substr(colon + 1)) {
      if (ch == '\r' || ch == '\n') continue;  // unfolding: line ends go, the WSP after them stays
      if (is_wsp(ch)) {
        wsp = true;
        continue;
      }
      if (wsp && started) out += ' ';
      wsp = false;
      started = true;
      out += ch;
    }
  }
  out += "\r\n";
  return out;
}

void BodyCanonicalizer::update(std::string_view chunk) {
  for (char c : chunk) {
    if (cr_pending_) {
      cr_pending_ = false;
      if (c == '\n') {
        end_line();
        continue;
      }
      ordinary_byte('\r');  // a CR not followed by LF is an ordinary byte of the line
    }
    if (c == '\r') {
      cr_pending_ = true;
    } else if (c == '\n') {
      end_line();  // a bare LF ends a line as CRLF would
    } else {
      ordinary_byte(c);
    }
  }
  if (!out_.empty()) {
    sink_(out_);
    out_.clear();
  }
}

void BodyCanonicalizer::ordinary_byte(char c) {
  if (relaxed_ && is_wsp(c)) {
    // RFC 6376 3.4.4: WSP runs become one SP, and WSP at the end of a line goes.
    wsp_pending_ = true;
    return;
  }
  flush_line_ends();
  if (wsp_pending_) {
    out_ += ' ';
    wsp_pending_ = false;
  }
  out_ += c;
  any_content_ = true;
}

void BodyCanonicalizer::end_line() {
  wsp_pending_ = false;
  ++line_ends_pending_;
}

void BodyCanonicalizer::flush_line_ends() {
  for (; line_ends_pending_ > 0; --line_ends_pending_) out_ += "\r\n";
}

void BodyCanonicalizer::finish() {
  if (cr_pending_) {
    cr_pending_ = false;
    ordinary_byte('\r');
  }
  // The line ends still pending are the end of the last line plus the empty lines after it: one CRLF
  // ends the last line (added when it had none), the empty lines go (RFC 6376 3.4.3, 3.4.4). An empty
  // body is one CRLF in simple form and nothing in relaxed form.
  if (any_content_ || !relaxed_) out_ += "\r\n";
  line_ends_pending_ = 0;
  wsp_pending_ = false;
  if (!out_.empty()) sink_(out_);
  out_.clear();
}

std::string canonical_body(Canonicalization c, std::string_view body) {
  std::string out;
  BodyCanonicalizer canon(c, [&out](std::string_view piece) { out.append(piece); });
  canon.update(body);
  canon.finish();
  return out;
}

}  // namespace roost::dkim
