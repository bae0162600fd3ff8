// roostctl import maildir|mbox: moves an existing archive into an account (migrating from Postfix +
// Dovecot, or from any program that keeps maildirs or mbox files). Streams one message at a time;
// running the same import again adds nothing (see import_sink.h).
#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "admin/arguments.h"
#include "admin/cli.h"
#include "admin/import_sink.h"
#include "admin/maildir_reader.h"
#include "admin/mbox_reader.h"
#include "admin/session.h"

namespace roost::admin {
namespace {

struct ImportArgs {
  std::string source;
  std::string user;
  std::string mailbox = "INBOX";
  std::string max_message_size;  // empty = [smtpd] max_message_size
  bool mboxo = false;
};

// The size limit of one message: --max-message-size, else what smtpd accepts.
Result<std::int64_t> message_limit(const Session& session, const ImportArgs& args) {
  if (args.max_message_size.empty()) return session.settings().smtpd.max_message_size;
  auto size = parse_size(args.max_message_size);
  if (!size || *size <= 0) {
    return fail(fmt::format("--max-message-size {} is not a size (e.g. 50M)", args.max_message_size));
  }
  return *size;
}

void print_summary(const ImportSink& sink) {
  const auto& c = sink.counts();
  std::printf("imported %lld messages (%sB) into %lld mailboxes of %s; %lld already there, %lld too large\n",
              static_cast<long long>(c.imported), format_size(c.bytes).c_str(),
              static_cast<long long>(c.mailboxes), sink.address().c_str(),
              static_cast<long long>(c.already_there), static_cast<long long>(c.too_large));
}

// Dovecot keeps a maildir message's INTERNALDATE as the file's mtime; the delivery time at the start
// of the name is the fallback for a file whose mtime is unusable.
std::int64_t maildir_internal_date(const std::string& path, const struct stat& st) {
  if (st.st_mtime > 0) return static_cast<std::int64_t>(st.st_mtime);
  auto slash = path.rfind('/');
  return timestamp_from_maildir_name(std::string_view(path).substr(slash + 1));
}

Result<std::string> read_whole_file(const std::string& path, std::int64_t size) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in.read(bytes.data(), size)) return fail(fmt::format("cannot read {}", path));
  return bytes;
}

Status import_maildir(const Cli& cli, const ImportArgs& args) {
  auto folders = list_maildir_folders(args.source);
  if (!folders) return fail(folders.error());
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto limit = message_limit(**session, args);
  if (!limit) return fail(limit.error());
  auto sink = ImportSink::open(**session, args.user);
  if (!sink) return fail(sink.error());

  for (const auto& folder : *folders) {
    auto files = list_maildir_messages(folder);
    if (!files) return fail(files.error());
    if (auto st = (*sink)->select_mailbox(folder.mailbox); !st) return st;
    for (const auto& path : *files) {
      struct stat st {};
      if (::stat(path.c_str(), &st) != 0) continue;  // moved by a client meanwhile: a maildir allows it
      // Checked before reading (nothing over the limit is loaded) and again once LFs became CRLF.
      if (st.st_size > *limit) {
        (*sink)->skip_too_large(path, st.st_size);
        continue;
      }
      auto bytes = read_whole_file(path, st.st_size);
      if (!bytes) return fail(bytes.error());
      std::string message = with_crlf_line_ends(*bytes);
      if (static_cast<std::int64_t>(message.size()) > *limit) {
        (*sink)->skip_too_large(path, static_cast<std::int64_t>(message.size()));
        continue;
      }
      auto slash = path.rfind('/');
      auto flags = flags_from_maildir_name(std::string_view(path).substr(slash + 1));
      if (auto added = (*sink)->add(std::move(message), flags, maildir_internal_date(path, st)); !added) {
        return added;
      }
    }
  }
  if (auto st = (*sink)->finish(); !st) return st;
  print_summary(**sink);
  return {};
}

Status import_mbox(const Cli& cli, const ImportArgs& args) {
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto limit = message_limit(**session, args);
  if (!limit) return fail(limit.error());
  auto reader = MboxReader::open(args.source, args.mboxo ? MboxVariant::mboxo : MboxVariant::mboxrd, *limit);
  if (!reader) return fail(reader.error());
  auto sink = ImportSink::open(**session, args.user);
  if (!sink) return fail(sink.error());
  if (auto st = (*sink)->select_mailbox(args.mailbox); !st) return st;
  for (;;) {
    auto message = (*reader)->next();
    if (!message) return fail(message.error());
    if (!*message) break;
    if ((*message)->too_large) {
      (*sink)->skip_too_large(fmt::format("the message at byte {} of {}", (*message)->offset, args.source),
                              (*reader)->bytes_read() - (*message)->offset);
      continue;
    }
    if (auto st = (*sink)->add(std::move((*message)->bytes), (*message)->flags, (*message)->internal_date); !st) {
      return st;
    }
  }
  if (auto st = (*sink)->finish(); !st) return st;
  print_summary(**sink);
  return {};
}

void add_size_option(CLI::App& sub, ImportArgs& args) {
  sub.add_option("--max-message-size", args.max_message_size,
                 "Skip messages larger than this (default: [smtpd] max_message_size)")
      ->type_name("SIZE");
}

}  // namespace

void add_import_commands(CLI::App& app, Cli& cli) {
  auto* import = app.add_subcommand("import", "Import mail from a maildir or an mbox file into an account");
  import->require_subcommand(1);
  auto& args = cli.keep<ImportArgs>();

  auto* maildir = import->add_subcommand(
      "maildir",
      "Import a Maildir++ tree (INBOX from cur/ and new/, folders from .Name directories) with its flags and "
      "dates; running it again adds nothing");
  maildir->add_option("path", args.source, "The maildir, e.g. /home/alice/Maildir")->required();
  maildir->add_option("user", args.user, "The account's address, e.g. alice@example.org")->required();
  add_size_option(*maildir, args);
  add_common_options(*maildir, cli);
  maildir->callback([&cli, &args] { cli.action = [&cli, &args] { return import_maildir(cli, args); }; });

  auto* mbox = import->add_subcommand(
      "mbox",
      "Import an mbox file (mboxrd; Status/X-Status become flags, the From_ line date the internal date); "
      "running it again adds nothing");
  mbox->add_option("file", args.source, "The mbox file")->required();
  mbox->add_option("user", args.user, "The account's address, e.g. alice@example.org")->required();
  mbox->add_option("--mailbox", args.mailbox, "The mailbox to fill (created if missing; default INBOX)")
      ->type_name("NAME");
  mbox->add_flag("--mboxo", args.mboxo, "The file is mboxo: keep \">From \" lines as they are");
  add_size_option(*mbox, args);
  add_common_options(*mbox, cli);
  mbox->callback([&cli, &args] { cli.action = [&cli, &args] { return import_mbox(cli, args); }; });
}

}  // namespace roost::admin
