// MboxWriter (see mbox_writer.h).
#include "admin/mbox_writer.h"

#include <time.h>

#include "common/base/ascii.h"

namespace roost::admin {
namespace {
constexpr std::string_view kFrom = "From ";
}

std::string return_path_of(std::string_view header) {
  for (std::size_t start = 0; start < header.size();) {
    auto end = header.find('\n', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view line = header.substr(start, end - start);
    if (line.empty() || line == "\r") break;  // end of the header
    if (line.size() > 12 && iequals(line.substr(0, 12), "Return-Path:")) {
      auto open = line.find('<'), close = line.rfind('>');
      std::string_view address =
          (open != std::string_view::npos && close != std::string_view::npos && close > open)
              ? line.substr(open + 1, close - open - 1)
              : line.substr(12);
      std::string out;
      for (char c : address) {
        if (c == ' ' || c == '\t' || c == '\r' || static_cast<unsigned char>(c) < 0x20) continue;
        out += c;
      }
      return out;
    }
    start = end + 1;
  }
  return {};
}

void MboxWriter::put(std::string_view bytes) { std::fwrite(bytes.data(), 1, bytes.size(), out_); }

void MboxWriter::put_char(char c) {
  putc_unlocked(c, out_);
  last_ = c;
}

void MboxWriter::begin(std::string_view sender, std::int64_t internal_date, const store::Flags& flags) {
  // The From_ line's date is asctime's form, in UTC ("Sat Jan  3 01:05:34 1996").
  time_t t = static_cast<time_t>(internal_date);
  struct tm tm {};
  ::gmtime_r(&t, &tm);
  char date[64];
  std::strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y", &tm);
  put("From ");
  put(sender.empty() ? std::string_view("MAILER-DAEMON") : sender);
  put(" ");
  put(date);
  put("\n");
  // Status: R = read, O = old (no longer new); X-Status letters as Dovecot writes them.
  status_ = (flags.system & store::kSeen) ? "RO" : "O";
  x_status_.clear();
  if (flags.system & store::kAnswered) x_status_ += 'A';
  if (flags.system & store::kFlagged) x_status_ += 'F';
  if (flags.system & store::kDraft) x_status_ += 'T';
  if (flags.system & store::kDeleted) x_status_ += 'D';
  in_header_ = true;
  at_line_start_ = true;
  deciding_ = true;
  quotes_ = 0;
  from_matched_ = 0;
  held_cr_ = false;
  last_ = '\n';
}

void MboxWriter::put_status_fields(std::string_view eol) {
  put("Status: ");
  put(status_);
  put(eol);
  if (!x_status_.empty()) {
    put("X-Status: ");
    put(x_status_);
    put(eol);
  }
}

void MboxWriter::release_line_start() {
  for (std::int64_t i = 0; i < quotes_; ++i) put_char('>');
  for (std::size_t i = 0; i < from_matched_; ++i) put_char(kFrom[i]);
  if (held_cr_) put_char('\r');
  quotes_ = 0;
  from_matched_ = 0;
  held_cr_ = false;
  deciding_ = false;
}

void MboxWriter::write(std::string_view chunk) {
  for (char c : chunk) {
    if (deciding_) {
      if (held_cr_) {
        if (c == '\n') {  // "\r\n" alone: the empty line that ends the header
          held_cr_ = false;
          put_status_fields("\r\n");
          in_header_ = false;
          put_char('\r');
          put_char('\n');
          continue;  // the next line starts: still deciding
        }
        release_line_start();
      } else if (from_matched_ == 0 && c == '>') {
        ++quotes_;
        continue;
      } else if (c == kFrom[from_matched_]) {
        if (++from_matched_ == kFrom.size()) {
          put_char('>');  // mboxrd: one more '>' on every ^>*From line
          release_line_start();
        }
        continue;
      } else if (in_header_ && quotes_ == 0 && from_matched_ == 0 && c == '\r') {
        held_cr_ = true;
        continue;
      } else if (in_header_ && quotes_ == 0 && from_matched_ == 0 && c == '\n') {
        put_status_fields("\n");
        in_header_ = false;
        put_char('\n');
        continue;
      } else {
        release_line_start();
      }
    }
    put_char(c);
    if (c == '\n') deciding_ = true;
  }
}

void MboxWriter::end() {
  if (deciding_) release_line_start();
  if (last_ != '\n') put_char('\n');
  if (in_header_) put_status_fields("\n");  // a message without a body: the fields go last
  put("\n");
}

}  // namespace roost::admin
