// Reading an mbox file one message at a time for `roostctl import mbox`: From_ lines split the
// messages, mboxrd's ">From " quoting is undone, Status:/X-Status: headers become flags and are
// removed, the From_ line's date becomes the internal date. Memory holds one message (at most
// max_message_size bytes) plus a 64 KiB read buffer, whatever the size of the file.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "storage/messages.h"

namespace roost::admin {

// mboxrd quotes every ^>*From line with one more '>', so unquoting is exact; mboxo quotes only
// ^From and cannot be undone safely, so its ">From " lines are kept as they are.
enum class MboxVariant { mboxrd, mboxo };

struct MboxMessage {
  std::string bytes;               // with CRLF line ends (bare LF lines are converted)
  store::Flags flags;
  std::int64_t internal_date = 0;  // from the From_ line; the file's mtime when it has none
  bool too_large = false;          // bytes were dropped: the message is over max_message_size
  std::int64_t offset = 0;         // where its From_ line starts in the file
};

class MboxReader {
 public:
  // An error sentence when the file cannot be opened or does not start with a From_ line.
  static Result<std::unique_ptr<MboxReader>> open(const std::string& path, MboxVariant variant,
                                                  std::int64_t max_message_size);
  ~MboxReader();
  MboxReader(const MboxReader&) = delete;
  MboxReader& operator=(const MboxReader&) = delete;

  // The next message, nullopt at the end of the file; an error sentence on a read error.
  Result<std::optional<MboxMessage>> next();
  std::int64_t bytes_read() const { return consumed_; }

 private:
  MboxReader(std::FILE* file, MboxVariant variant, std::int64_t max_message_size, std::int64_t file_mtime)
      : file_(file), variant_(variant), max_message_size_(max_message_size), file_mtime_(file_mtime) {}
  // Reads one line (with its LF) into line_; false at the end of the file. A line longer than the
  // message limit is cut there (the message is too large anyway).
  Result<bool> read_line();
  void add_line(MboxMessage& message, std::string_view line);

  std::FILE* file_;
  MboxVariant variant_;
  std::int64_t max_message_size_;
  std::int64_t file_mtime_;
  std::string line_;
  bool have_from_line_ = false;  // line_ holds the From_ line of the next message
  std::int64_t consumed_ = 0;
  std::int64_t line_offset_ = 0;
};

// Parses the date of a From_ line ("From sender Sat Jan  3 01:05:34 1996"), read as UTC; 0 if none.
std::int64_t date_from_from_line(std::string_view line);
// Flags from the values of Status: (R seen) and X-Status: (A answered, F flagged, T draft,
// D deleted), the letters Dovecot and mutt write.
store::Flags flags_from_status(std::string_view status, std::string_view x_status);

}  // namespace roost::admin
