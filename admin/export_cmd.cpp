// roostctl export mbox USER [--mailbox NAME] FILE: one mailbox as an mboxrd file (or "-" for
// stdout), streamed message by message in chunks, with flags and internal dates, so that
// `roostctl import mbox` brings back the same bytes.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "admin/arguments.h"
#include "admin/cli.h"
#include "admin/mbox_writer.h"
#include "admin/progress.h"
#include "admin/session.h"
#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/mailboxes.h"

namespace roost::admin {
namespace {

constexpr std::size_t kExportChunk = 64 * 1024;

struct ExportArgs {
  std::string user;
  std::string mailbox = "INBOX";
  std::string file;
};

// The output: stdout for "-", else a new file with mode 0600 (mail is private; an existing file is
// never overwritten).
Result<std::FILE*> open_output(const std::string& file) {
  if (file == "-") return stdout;
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return fail(fmt::format("{} exists already; give a new file name", file));
    return fail(fmt::format("cannot create {}: {}", file, std::strerror(errno)));
  }
  std::FILE* out = ::fdopen(fd, "wb");
  if (!out) {
    ::close(fd);
    return fail(fmt::format("cannot write {}", file));
  }
  return out;
}

Status write_message(Session& s, MboxWriter& writer, const store::MessageInfo& m, std::string& chunk) {
  auto stream = store::BlobStream::open(s.db(), m.blob_id);
  if (!stream.ok()) return fail(s.describe(stream.error()));
  std::int64_t offset = 0;
  bool begun = false;
  for (;;) {
    auto got = (*stream)->read(offset, chunk);
    if (!got.ok()) return fail(s.describe(got.error()));
    std::string_view piece(chunk.data(), *got);
    if (!begun) {
      // The sender for the From_ line: the Return-Path smtpd recorded, within the first chunk.
      writer.begin(return_path_of(piece), m.internal_date, m.flags);
      begun = true;
    }
    if (*got == 0) break;
    writer.write(piece);
    offset += static_cast<std::int64_t>(*got);
  }
  writer.end();
  return {};
}

Status export_mbox(const Cli& cli, const ExportArgs& args) {
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  auto account = s.find_user(args.user);
  if (!account) return fail(account.error());
  auto name = store::normalize_mailbox_name(args.mailbox);
  if (!name.ok()) return fail(fmt::format("'{}' is not a valid mailbox name", args.mailbox));
  auto mailbox = store::find_mailbox(s.db(), account->id, *name);
  if (!mailbox) {
    if (mailbox.error() == store::StoreError::not_found) {
      return fail(fmt::format("{} has no mailbox {}; see 'roostctl mailbox list {}'", account->address(), *name,
                              account->address()));
    }
    return fail(s.describe(mailbox.error()));
  }
  // One read transaction for the whole export: the file is the mailbox as it was at one moment,
  // even if a client expunges meanwhile.
  auto snapshot = store::Txn::begin(s.db(), store::Txn::Kind::read);
  if (!snapshot) return fail(s.describe(snapshot.error()));
  auto messages = store::list_messages(s.db(), mailbox->id);
  if (!messages) return fail(s.describe(messages.error()));

  auto out = open_output(args.file);
  if (!out) return fail(out.error());
  const bool to_file = *out != stdout;
  MboxWriter writer(*out);
  Progress progress("messages", to_file ? stderr : nullptr);
  std::string chunk(kExportChunk, '\0');
  std::int64_t written = 0;
  Status st;
  for (const auto& m : *messages) {
    st = write_message(s, writer, m, chunk);
    if (!st || !writer.ok()) break;
    progress.update(++written);
  }
  progress.finish();
  bool write_failed = !writer.ok() || std::fflush(*out) != 0;
  if (to_file) write_failed = (std::fclose(*out) != 0) || write_failed;
  if (st && write_failed) st = fail(fmt::format("cannot write {}: {}", args.file, std::strerror(errno)));
  if (!st) {
    if (to_file) ::unlink(args.file.c_str());
    return st;
  }
  std::fprintf(to_file ? stdout : stderr, "exported %lld messages of %s %s\n", static_cast<long long>(written),
               account->address().c_str(), name->c_str());
  return {};
}

}  // namespace

void add_export_commands(CLI::App& app, Cli& cli) {
  auto* exp = app.add_subcommand("export", "Export an account's mail");
  exp->require_subcommand(1);
  auto& args = cli.keep<ExportArgs>();

  auto* mbox = exp->add_subcommand(
      "mbox", "Write one mailbox as an mboxrd file with its flags (Status/X-Status) and dates");
  mbox->add_option("user", args.user, "The account's address, e.g. alice@example.org")->required();
  mbox->add_option("file", args.file, "A new file (mode 0600), or - for stdout")->required();
  mbox->add_option("--mailbox", args.mailbox, "The mailbox to export (default INBOX)")->type_name("NAME");
  add_common_options(*mbox, cli);
  mbox->callback([&cli, &args] { cli.action = [&cli, &args] { return export_mbox(cli, args); }; });
}

}  // namespace roost::admin
