// roostctl init: writes the commented config file, creates the data directory (mode 0700) and the
// database with its schema, and says what to do next.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "admin/arguments.h"
#include "admin/cli.h"
#include "admin/session.h"
#include "storage/options_from_settings.h"
#include "common/base/config.h"
#include "storage/store.h"

namespace roost::admin {
namespace {

constexpr const char* kDefaultDataDir = "/var/lib/roost";
constexpr const char* kDefaultConfig = "/etc/roost/roost.toml";

struct InitArgs {
  std::string data_dir;
  std::string hostname;
  bool force = false;
};

std::string errno_text(int err) { return std::strerror(err); }

// mkdir -p: missing parents get 0755, the last component `mode`. Existing directories are left as
// they are.
Status make_dirs(const std::filesystem::path& dir, mode_t mode) {
  std::filesystem::path partial;
  for (auto it = dir.begin(); it != dir.end(); ++it) {
    partial /= *it;
    bool last = std::next(it) == dir.end();
    if (::mkdir(partial.c_str(), last ? mode : 0755) != 0 && errno != EEXIST) {
      return fail(fmt::format("cannot create the directory {}: {}", partial.string(), errno_text(errno)));
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return fail(fmt::format("{} exists but is not a directory", dir.string()));
  }
  return {};
}

// Writes the file through a temporary in the same directory and a rename, so a crash leaves the
// old file or the new one, never half of one.
Status write_file_atomically(const std::string& path, const std::string& text, mode_t mode) {
  std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return fail(fmt::format("cannot write {}: {}", path, errno_text(errno)));
  ::fchmod(fd, mode);  // whatever the umask
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail(fmt::format("cannot write {}: {}", path, errno_text(err)));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail(fmt::format("cannot write {}: {}", path, errno_text(err)));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail(fmt::format("cannot write {}: {}", path, errno_text(err)));
  }
  return {};
}

std::string system_hostname() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) == 0 && buf[0] != '\0') return buf;
  return "localhost";
}

Status init(const Cli& cli, const InitArgs& args) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // Absolute, so the ROOST_CONFIG line printed at the end works from any directory.
  const std::string config = fs::absolute(config_path(cli.config_file), ec).lexically_normal().string();
  if (ec) return fail(fmt::format("cannot resolve the config path {}: {}", config_path(cli.config_file), ec.message()));

  std::string hostname = args.hostname.empty() ? system_hostname() : args.hostname;
  if (!args.hostname.empty()) {
    auto h = normalize_domain_arg(args.hostname);
    if (!h) return fail(fmt::format("--hostname: {}", h.error().message));
    hostname = *h;
  }
  fs::path data_dir = fs::absolute(args.data_dir.empty() ? kDefaultDataDir : args.data_dir, ec);
  if (ec) return fail(fmt::format("cannot resolve the data directory {}: {}", args.data_dir, ec.message()));
  data_dir = data_dir.lexically_normal();
  if (!data_dir.has_filename()) data_dir = data_dir.parent_path();  // "/srv/roost/" -> "/srv/roost"

  struct stat st {};
  bool config_exists = ::stat(config.c_str(), &st) == 0;
  if (config_exists && !args.force) {
    return fail(fmt::format(
        "the config file {} exists already; keep it, or run 'roostctl init --force' to overwrite it (the "
        "database is kept)",
        config));
  }

  // The data directory and the database first: if they fail, no config points at nothing.
  bool data_dir_existed = ::stat(data_dir.c_str(), &st) == 0;
  if (auto made = make_dirs(data_dir, 0700); !made) return made;
  if (::stat(data_dir.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    if (::chmod(data_dir.c_str(), 0700) != 0) {
      return fail(fmt::format("{} is open to other users and cannot be made private: {}", data_dir.string(),
                              errno_text(errno)));
    }
  }
  std::string rendered = example_config(hostname, data_dir.string());
  auto settings = parse_config(rendered, config);
  if (!settings) return fail(fmt::format("the config to write is invalid: {}", settings.error().message));
  auto options = store::options_from(*settings);
  bool db_existed = ::stat(options.db_path.c_str(), &st) == 0;
  const std::string db_path = options.db_path;
  {
    auto store = store::Store::open(std::move(options));
    if (!store) return fail(describe_store_error(store.error(), db_path));
  }

  fs::path config_dir = fs::path(config).parent_path();
  if (!config_dir.empty()) {
    if (auto made = make_dirs(fs::absolute(config_dir, ec), 0755); !made) return made;
  }
  if (auto written = write_file_atomically(config, rendered, 0640); !written) return written;

  std::printf("Wrote %s (hostname %s).\n", config.c_str(), hostname.c_str());
  std::printf("%s %s (mode 0700) %s the database %s.\n", data_dir_existed ? "Using" : "Created",
              data_dir.c_str(), db_existed ? "and kept" : "with", db_path.c_str());
  std::printf("\nNext:\n");
  if (config != kDefaultConfig) {
    std::printf("  -  Commands and daemons read %s unless told otherwise: export ROOST_CONFIG=%s\n"
                "     (or pass --config %s).\n",
                kDefaultConfig, config.c_str(), config.c_str());
  }
  std::printf("  1. Set tls.cert_file and tls.key_file in %s (e.g. certbot's fullchain.pem and privkey.pem).\n",
              config.c_str());
  std::printf("  2. Add a domain:  roostctl domain add example.org\n");
  std::printf("  3. Add a user:    roostctl user add alice@example.org\n");
  std::printf("  4. Point the domain's MX record at %s and start roost-smtpd, roost-imapd and roost-pop3d.\n",
              hostname.c_str());
  return {};
}

}  // namespace

void add_init_command(CLI::App& app, Cli& cli) {
  auto& args = cli.keep<InitArgs>();
  auto* init_cmd = app.add_subcommand(
      "init", "Write a commented config file with every key, create the data directory and the database");
  init_cmd
      ->add_option("--data-dir", args.data_dir, fmt::format("Where the database lives (default: {})", kDefaultDataDir))
      ->type_name("DIR");
  init_cmd->add_option("--hostname", args.hostname, "This server's host name (default: the system's)")
      ->type_name("NAME");
  init_cmd->add_flag("--force", args.force, "Overwrite an existing config file (the database is always kept)");
  add_common_options(*init_cmd, cli);
  init_cmd->callback([&cli, &args] { cli.action = [&cli, &args] { return init(cli, args); }; });
}

}  // namespace roost::admin
