// roost-imapd: wiring only. Reads the config, opens the store, listens on the [imapd] addresses
// (STARTTLS on imap, implicit TLS on imaps), watches the store for changes and runs until SIGTERM.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/base/config.h"
#include "common/base/daemon_args.h"
#include "common/base/log.h"
#include "common/base/throttle_from_settings.h"
#include "common/net/limits_from_settings.h"
#include "common/net/server.h"
#include "imapd/imap_server.h"
#include "storage/options_from_settings.h"
#include "storage/store.h"

namespace {

using namespace roost;

const DaemonHelp kHelp{
    "roost-imapd", "the Roost IMAP server",
    "  Serves the mailboxes over IMAP4rev1 and IMAP4rev2 on the [imapd] imap addresses (port 143,\n"
    "  STARTTLS; LOGINDISABLED until TLS) and imaps (993, implicit TLS), with IDLE woken by the store's\n"
    "  change notifications, CONDSTORE/QRESYNC, MOVE, UIDPLUS and the other extensions CAPABILITY lists.\n"
    "  Limits: imapd.max_line_length, max_command_size, append_limit (APPENDLIMIT), max_errors,\n"
    "  max_auth_failures, idle_timeout; imapd.worker_threads run the commands against the store."};

imap::ServerConfig server_config(const Settings& settings, const std::string& hostname, bool tls) {
  imap::ServerConfig config;
  config.hostname = hostname;
  config.tls_available = tls;
  config.allow_plaintext_on_loopback = settings.auth.allow_plaintext_on_loopback;
  config.framer.max_line_length = static_cast<std::size_t>(settings.imapd.max_line_length);
  config.framer.max_command_size = static_cast<std::uint64_t>(settings.imapd.max_command_size);
  config.framer.append_limit = static_cast<std::uint64_t>(settings.imapd.append_limit);
  config.session.max_errors = static_cast<std::size_t>(settings.imapd.max_errors);
  config.session.max_auth_failures = static_cast<std::size_t>(settings.imapd.max_auth_failures);
  config.throttle = throttle_limits_from(settings);
  config.worker_threads = static_cast<unsigned>(settings.imapd.worker_threads);
  return config;
}

}  // namespace

int main(int argc, char** argv) {
  log::set_daemon("imapd");
  auto args = parse_daemon_args(argc, argv, kHelp);
  if (!args.config_file) return args.exit_code;
  auto settings = load_config(*args.config_file);
  if (!settings) {
    log::error("cannot load the config").kv("error", settings.error().message);
    return 1;
  }
  log::set_level(settings->log_level);
  const std::string hostname = settings->hostname;  // the machine's name when the config has none

  auto store = store::Store::open(store::options_from(*settings));
  if (!store) {
    log::error("cannot open the mail store")
        .kv("db", settings->db_path())
        .kv("error", store::store_error_name(store.error()));
    return 1;
  }

  int exit_code = 0;
  {
    net::Server server(net::server_options_from(*settings));
    const bool tls = !settings->tls.cert_file.empty();
    if (tls) {
      auto loaded = server.load_tls({settings->tls.cert_file, settings->tls.key_file});
      if (!loaded) {
        log::error("cannot load the TLS certificate").kv("error", loaded.error().message);
        return 1;
      }
    } else if (!settings->imapd.imaps.empty()) {
      log::error("imapd.imaps needs a certificate: set tls.cert_file and tls.key_file, or imapd.imaps = []");
      return 1;
    }

    imap::ImapServer imap(server.loop(), **store, server_config(*settings, hostname, tls));
    // Before the first client: a change committed after a session's SELECT must reach its IDLE.
    imap.start_watching();
    server.on_stop([&imap] { imap.stop_watching(); });

    auto limits = net::limits_from(*settings, settings->imapd.idle_timeout);
    auto add = [&](const std::string& address, bool implicit_tls) -> bool {
      net::ListenerConfig lc;
      lc.name = implicit_tls ? "imaps" : "imap";
      lc.address = address;
      lc.mode = implicit_tls ? net::ListenMode::implicit_tls : (tls ? net::ListenMode::starttls : net::ListenMode::plain);
      lc.limits = limits;
      lc.busy_text = "* BYE Too many connections, try again later\r\n";
      lc.factory = imap.factory(implicit_tls);
      auto listener = server.listen(std::move(lc));
      if (!listener) {
        log::error("cannot listen").kv("addr", address).kv("error", listener.error().message);
        return false;
      }
      return true;
    };
    for (const auto& a : settings->imapd.imap) {
      if (!add(a, false)) return 1;
    }
    for (const auto& a : settings->imapd.imaps) {
      if (!add(a, true)) return 1;
    }
    exit_code = server.run();
    imap.shutdown();
  }
  log::info("stopped");
  return exit_code;
}
