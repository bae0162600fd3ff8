// Reading a Maildir++ tree for `roostctl import maildir`: its folders with their mailbox names, the
// message files of each folder in delivery order, and the flags and date each file carries.
// Nothing here touches the store.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "storage/messages.h"

namespace roost::admin {

struct MaildirFolder {
  std::string path;     // the folder's directory (holding cur/ and new/)
  std::string mailbox;  // "INBOX" for the root, ".Archive.2023" -> "Archive/2023"
};

// The root (INBOX) and every Maildir++ subfolder (a directory ".Name" holding cur/) of `root`,
// INBOX first, the rest by name. An error sentence when `root` is not a maildir.
Result<std::vector<MaildirFolder>> list_maildir_folders(const std::string& root);

// The message files of a folder (cur/ then new/, each sorted by name, which starts with the
// delivery time), as full paths. Hidden files are skipped.
Result<std::vector<std::string>> list_maildir_messages(const MaildirFolder& folder);

// A Maildir++ folder name to a mailbox name: leading '.', '.' as the hierarchy separator, and IMAP's
// modified UTF-7 (RFC 3501 5.1.3) decoded to UTF-8. Empty when the name cannot be decoded.
std::string mailbox_from_maildir_folder(std::string_view folder_name);

// Flags from the info part of a file name ("1700000000.M1P2.host:2,FRS"): F flagged, R answered,
// S seen, T deleted, D draft; P and lower-case (keyword) letters are ignored.
store::Flags flags_from_maildir_name(std::string_view file_name);

// The delivery time a maildir file name starts with ("1700000000.M1P2.host"), or 0.
std::int64_t timestamp_from_maildir_name(std::string_view file_name);

}  // namespace roost::admin
