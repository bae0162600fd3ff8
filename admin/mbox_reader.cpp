// MboxReader (see mbox_reader.h). A message starts at a line beginning "From " at the start of the
// file or after an empty line; that empty line is the separator, not part of the message before.
#include "admin/mbox_reader.h"

#include <sys/stat.h>
#include <time.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "common/base/ascii.h"

namespace roost::admin {
namespace {

bool is_blank(std::string_view line) { return line == "\n" || line == "\r\n"; }

bool is_from_line(std::string_view line) { return line.starts_with("From "); }

// mboxrd: ">From ", ">>From "... (one '>' is taken off on reading, added on writing).
bool is_quoted_from(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && line[i] == '>') ++i;
  return i > 0 && line.substr(i).starts_with("From ");
}

bool header_named(std::string_view line, std::string_view name) {
  return line.size() > name.size() && line[name.size()] == ':' && iequals(line.substr(0, name.size()), name);
}

std::string_view header_value(std::string_view line) {
  auto colon = line.find(':');
  std::string_view v = line.substr(colon + 1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r' || v.back() == ' ')) v.remove_suffix(1);
  return v;
}

}  // namespace

std::int64_t date_from_from_line(std::string_view line) {
  if (!line.starts_with("From ")) return 0;
  line.remove_prefix(5);
  auto space = line.find(' ');
  if (space == std::string_view::npos) return 0;
  std::string rest(line.substr(space + 1));
  struct tm tm {};
  const char* end = ::strptime(rest.c_str(), "%a %b %d %H:%M:%S %Y", &tm);
  if (!end) return 0;
  return static_cast<std::int64_t>(::timegm(&tm));
}

store::Flags flags_from_status(std::string_view status, std::string_view x_status) {
  store::Flags flags;
  if (status.find('R') != std::string_view::npos) flags.system |= store::kSeen;
  for (char c : x_status) {
    switch (c) {
      case 'A': flags.system |= store::kAnswered; break;
      case 'F': flags.system |= store::kFlagged; break;
      case 'T': flags.system |= store::kDraft; break;
      case 'D': flags.system |= store::kDeleted; break;
      default: break;
    }
  }
  return flags;
}

Result<std::unique_ptr<MboxReader>> MboxReader::open(const std::string& path, MboxVariant variant,
                                                     std::int64_t max_message_size) {
  std::FILE* file = std::fopen(path.c_str(), "rbe");
  if (!file) return fail(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  struct stat st {};
  std::int64_t mtime = ::fstat(fileno(file), &st) == 0 ? static_cast<std::int64_t>(st.st_mtime) : 0;
  std::unique_ptr<MboxReader> reader(new MboxReader(file, variant, max_message_size, mtime));
  auto first = reader->read_line();
  if (!first) return fail(first.error());
  if (*first && !is_from_line(reader->line_)) {
    return fail(fmt::format("{} is not an mbox file (it does not start with a \"From \" line)", path));
  }
  reader->have_from_line_ = *first;
  return reader;
}

MboxReader::~MboxReader() { std::fclose(file_); }

Result<bool> MboxReader::read_line() {
  line_.clear();
  line_offset_ = consumed_;
  const auto limit = static_cast<std::size_t>(max_message_size_) + 2;
  for (;;) {
    int c = getc_unlocked(file_);
    if (c == EOF) {
      if (std::ferror(file_)) return fail(fmt::format("cannot read the mbox file: {}", std::strerror(errno)));
      return !line_.empty();
    }
    ++consumed_;
    if (line_.size() < limit) line_ += static_cast<char>(c);
    if (c == '\n') return true;
  }
}

void MboxReader::add_line(MboxMessage& message, std::string_view line) {
  if (message.too_large) return;
  // Room for the line and the CR that may be added.
  if (static_cast<std::int64_t>(message.bytes.size() + line.size() + 1) > max_message_size_) {
    message.too_large = true;
    message.bytes.clear();
    message.bytes.shrink_to_fit();
    return;
  }
  if (line.ends_with('\n') && !line.ends_with("\r\n")) {
    message.bytes.append(line.substr(0, line.size() - 1));
    message.bytes.append("\r\n");  // RFC 5322 2.1: lines end in CRLF
  } else {
    message.bytes.append(line);
  }
}

Result<std::optional<MboxMessage>> MboxReader::next() {
  if (!have_from_line_) return std::optional<MboxMessage>();
  MboxMessage message;
  message.offset = line_offset_;
  message.internal_date = date_from_from_line(line_);
  if (message.internal_date == 0) message.internal_date = file_mtime_;
  have_from_line_ = false;

  bool in_header = true;
  bool skipping_status = false;  // inside a removed Status:/X-Status: field (and its folded lines)
  std::string status, x_status;
  std::string held_blank;  // an empty line that is the separator if a From_ line follows
  for (;;) {
    auto more = read_line();
    if (!more) return fail(more.error());
    if (!*more) break;  // the held blank line was the separator at the end of the file
    std::string_view line = line_;
    if (!held_blank.empty()) {
      if (is_from_line(line)) {
        have_from_line_ = true;
        break;
      }
      add_line(message, held_blank);
      held_blank.clear();
    }
    if (in_header) {
      if (skipping_status && (line.starts_with(' ') || line.starts_with('\t'))) continue;
      skipping_status = false;
      if (header_named(line, "Status")) {
        status = header_value(line);
        skipping_status = true;
        continue;
      }
      if (header_named(line, "X-Status")) {
        x_status = header_value(line);
        skipping_status = true;
        continue;
      }
    }
    if (is_blank(line)) {
      in_header = false;
      held_blank.assign(line);
      continue;
    }
    if (variant_ == MboxVariant::mboxrd && is_quoted_from(line)) line.remove_prefix(1);
    add_line(message, line);
  }
  message.flags = flags_from_status(status, x_status);
  return std::optional<MboxMessage>(std::move(message));
}

}  // namespace roost::admin
