// Streaming base64 and quoted-printable decoding for FETCH BINARY.
#include "imapd/content_decoder.h"

#include <cstdint>

#include "common/mail/header_fields.h"

namespace roost::imap {

namespace {

int base64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;  // RFC 2045 6.7 (1) asks for upper case; be liberal
  return -1;
}

}  // namespace

ContentEncoding content_encoding(const std::optional<std::string>& cte) {
  if (!cte || cte->empty()) return ContentEncoding::identity;
  const std::string& e = *cte;
  if (mail::header_name_equals(e, "7bit") || mail::header_name_equals(e, "8bit") ||
      mail::header_name_equals(e, "binary")) {
    return ContentEncoding::identity;
  }
  if (mail::header_name_equals(e, "base64")) return ContentEncoding::base64;
  if (mail::header_name_equals(e, "quoted-printable")) return ContentEncoding::quoted_printable;
  return ContentEncoding::unknown;
}

void ContentDecoder::feed(std::string_view in, std::string& out) {
  switch (encoding_) {
    case ContentEncoding::base64:
      feed_base64(in, out);
      return;
    case ContentEncoding::quoted_printable:
      feed_qp(in, out);
      return;
    case ContentEncoding::identity:
    case ContentEncoding::unknown:
      out.append(in);
      return;
  }
}

void ContentDecoder::finish(std::string& out) {
  if (encoding_ == ContentEncoding::quoted_printable) flush_qp_line(out, false);
  // base64: a last group of 2 or 3 characters without padding still carries 1 or 2 bytes.
  if (encoding_ == ContentEncoding::base64 && !base64_done_) {
    if (quad_count_ == 2) out += static_cast<char>((quad_ >> 4) & 0xff);
    if (quad_count_ == 3) {
      out += static_cast<char>((quad_ >> 10) & 0xff);
      out += static_cast<char>((quad_ >> 2) & 0xff);
    }
  }
  quad_ = 0;
  quad_count_ = 0;
}

void ContentDecoder::feed_base64(std::string_view in, std::string& out) {
  for (char ch : in) {
    if (base64_done_) return;
    if (ch == '=') {
      // Padding ends the data (RFC 2045 6.8): flush the partial group.
      if (quad_count_ == 2) out += static_cast<char>((quad_ >> 4) & 0xff);
      if (quad_count_ == 3) {
        out += static_cast<char>((quad_ >> 10) & 0xff);
        out += static_cast<char>((quad_ >> 2) & 0xff);
      }
      quad_ = 0;
      quad_count_ = 0;
      base64_done_ = true;
      return;
    }
    int v = base64_value(static_cast<unsigned char>(ch));
    if (v < 0) continue;
    quad_ = (quad_ << 6) | static_cast<unsigned>(v);
    if (++quad_count_ == 4) {
      out += static_cast<char>((quad_ >> 16) & 0xff);
      out += static_cast<char>((quad_ >> 8) & 0xff);
      out += static_cast<char>(quad_ & 0xff);
      quad_ = 0;
      quad_count_ = 0;
    }
  }
}

void ContentDecoder::feed_qp(std::string_view in, std::string& out) {
  for (char ch : in) {
    qp_line_ += ch;
    if (ch == '\n') {
      flush_qp_line(out, true);
    } else if (qp_line_.size() >= kMaxQpLinePending) {
      // Keep a possible "=XX" or trailing "=" together with the bytes that follow it.
      std::size_t keep = 0;
      for (std::size_t k = 1; k <= 2 && k <= qp_line_.size(); ++k) {
        if (qp_line_[qp_line_.size() - k] == '=') keep = k;
      }
      std::string rest = qp_line_.substr(qp_line_.size() - keep);
      qp_line_.resize(qp_line_.size() - keep);
      flush_qp_line(out, false);
      qp_line_ = std::move(rest);
    }
  }
}

// Decodes qp_line_ (a whole line with its line end when at_line_end, else a piece of one).
void ContentDecoder::flush_qp_line(std::string& out, bool at_line_end) {
  std::string_view line = qp_line_;
  std::string_view eol;
  if (at_line_end) {
    std::size_t cut = line.size() - 1;
    if (cut > 0 && line[cut - 1] == '\r') --cut;
    eol = line.substr(cut);
    line = line.substr(0, cut);
    // RFC 2045 6.7 (3): whitespace at the end of an encoded line is not part of the data.
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  }
  bool soft_break = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c != '=') {
      out += c;
      continue;
    }
    if (i + 1 == line.size()) {
      // RFC 2045 6.7 (5): "=" at the end of a line is a soft line break; at the very end of the
      // data it is dropped too.
      soft_break = true;
      break;
    }
    if (i + 2 < line.size() && hex_value(line[i + 1]) >= 0 && hex_value(line[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(line[i + 1]) * 16 + hex_value(line[i + 2]));
      i += 2;
    } else {
      out += c;  // malformed: kept as written (RFC 2045 6.7 note (2))
    }
  }
  if (!soft_break) out.append(eol);
  qp_line_.clear();
}

}  // namespace roost::imap
