// Writing messages as mboxrd for `roostctl export mbox`: a From_ line with the envelope sender and
// the internal date, every ^>*From line quoted with one more '>', the flags as Status:/X-Status:
// header fields, an empty line after each message. A message is fed in chunks of any size (as
// BlobStream reads it), so it is never held whole; mbox_reader.h reads the result back exactly.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "storage/messages.h"

namespace roost::admin {

class MboxWriter {
 public:
  explicit MboxWriter(std::FILE* out) : out_(out) {}
  // Starts a message. `sender` is the envelope sender ("" = MAILER-DAEMON, as for a bounce).
  void begin(std::string_view sender, std::int64_t internal_date, const store::Flags& flags);
  // The next bytes of the raw message.
  void write(std::string_view chunk);
  // Ends the message (newline if missing, then the separating empty line).
  void end();
  // False once a write to the file failed.
  bool ok() const { return std::ferror(out_) == 0; }

 private:
  void put(std::string_view bytes);
  void put_char(char c);
  void put_status_fields(std::string_view eol);
  // Writes what the start of the line held back while deciding whether it is a From line.
  void release_line_start();

  std::FILE* out_;
  std::string status_;    // "RO" / "O"
  std::string x_status_;  // "AFTD" letters, may be empty
  bool in_header_ = true;
  bool at_line_start_ = true;
  bool deciding_ = true;         // at a line start: still reading ">>>From " or a blank line
  std::int64_t quotes_ = 0;      // '>' seen at this line start
  std::size_t from_matched_ = 0; // bytes of "From " matched after them
  bool held_cr_ = false;         // a CR at a header line start (maybe the blank line ending the header)
  char last_ = '\n';
};

// The address of the first Return-Path: field in `header_bytes` (RFC 5321 4.4), "" if none or <>.
std::string return_path_of(std::string_view header_bytes);

}  // namespace roost::admin
