// Maildir++ layout (as written by Dovecot and Courier): the root's cur/ and new/ are INBOX, each
// ".Name" directory beside them is a folder, '.' separating hierarchy levels.
#include "admin/maildir_reader.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>

#include <fmt/format.h>

#include "common/mail/mutf7.h"

namespace roost::admin {
namespace {

namespace fs = std::filesystem;

bool is_folder(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "cur", ec) || fs::is_directory(dir / "new", ec);
}

}  // namespace

std::string mailbox_from_maildir_folder(std::string_view folder_name) {
  if (folder_name.starts_with('.')) folder_name.remove_prefix(1);
  // Each '.'-separated level is a name in modified UTF-7 (RFC 3501 5.1.3), as Dovecot writes them.
  std::string out;
  while (true) {
    auto dot = folder_name.find('.');
    auto level = mail::decode_mutf7(folder_name.substr(0, dot));
    if (!level) return {};
    out += *level;
    if (dot == std::string_view::npos) return out;
    out += '/';
    folder_name.remove_prefix(dot + 1);
  }
}

store::Flags flags_from_maildir_name(std::string_view file_name) {
  store::Flags flags;
  auto info = file_name.rfind(":2,");
  if (info == std::string_view::npos) return flags;
  for (char c : file_name.substr(info + 3)) {
    switch (c) {
      case 'F': flags.system |= store::kFlagged; break;
      case 'R': flags.system |= store::kAnswered; break;
      case 'S': flags.system |= store::kSeen; break;
      case 'T': flags.system |= store::kDeleted; break;
      case 'D': flags.system |= store::kDraft; break;
      default: break;  // P (passed) has no IMAP flag; a-z are keywords in dovecot-keywords
    }
  }
  return flags;
}

std::int64_t timestamp_from_maildir_name(std::string_view file_name) {
  std::int64_t value = 0;
  std::size_t i = 0;
  for (; i < file_name.size() && i < 12 && file_name[i] >= '0' && file_name[i] <= '9'; ++i) {
    value = value * 10 + (file_name[i] - '0');
  }
  if (i == 0 || i >= file_name.size() || file_name[i] != '.') return 0;
  return value;
}

Result<std::vector<MaildirFolder>> list_maildir_folders(const std::string& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return fail(fmt::format("{} is not a directory", root));
  if (!is_folder(root)) return fail(fmt::format("{} is not a maildir (it has no cur/ or new/ directory)", root));
  std::vector<MaildirFolder> folders{{root, "INBOX"}};
  std::vector<MaildirFolder> children;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    std::string name = entry.path().filename().string();
    if (!name.starts_with('.') || name == "." || name == ".." || !entry.is_directory(ec)) continue;
    if (!is_folder(entry.path())) continue;
    std::string mailbox = mailbox_from_maildir_folder(name);
    if (mailbox.empty()) return fail(fmt::format("cannot decode the folder name {} (bad modified UTF-7)", name));
    children.push_back({entry.path().string(), std::move(mailbox)});
  }
  if (ec) return fail(fmt::format("cannot list {}: {}", root, ec.message()));
  std::sort(children.begin(), children.end(),
            [](const MaildirFolder& a, const MaildirFolder& b) { return a.mailbox < b.mailbox; });
  folders.insert(folders.end(), children.begin(), children.end());
  return folders;
}

Result<std::vector<std::string>> list_maildir_messages(const MaildirFolder& folder) {
  std::vector<std::string> files;
  for (const char* sub : {"cur", "new"}) {
    fs::path dir = fs::path(folder.path) / sub;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      std::string name = entry.path().filename().string();
      if (name.starts_with('.') || !entry.is_regular_file(ec)) continue;
      names.push_back(std::move(name));
    }
    if (ec) return fail(fmt::format("cannot list {}: {}", dir.string(), ec.message()));
    std::sort(names.begin(), names.end());
    for (auto& name : names) files.push_back((dir / name).string());
  }
  return files;
}

}  // namespace roost::admin
