// roost-pop3d: wiring only. Reads the config, opens the store, listens on the [pop3d] addresses
// (STLS on pop3, implicit TLS on pop3s) and runs until SIGTERM.
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
#include "pop3d/pop3_server.h"
#include "storage/options_from_settings.h"
#include "storage/store.h"

namespace {

using namespace roost;

const DaemonHelp kHelp{
    "roost-pop3d", "the Roost POP3 server",
    "  Serves INBOX over POP3 (RFC 1939) on the [pop3d] pop3 addresses (port 110, STLS) and pop3s (995,\n"
    "  implicit TLS), with USER/PASS and AUTH PLAIN/LOGIN only over TLS (unless\n"
    "  auth.allow_plaintext_on_loopback), stable UIDLs, and deletions committed at QUIT."};

}  // namespace

int main(int argc, char** argv) {
  log::set_daemon("pop3d");
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
    } else if (!settings->pop3d.pop3s.empty()) {
      log::error("pop3d.pop3s needs a certificate: set tls.cert_file and tls.key_file, or pop3d.pop3s = []");
      return 1;
    }

    pop3::ServerConfig config;
    config.hostname = hostname;
    config.tls_available = tls;
    config.allow_plaintext_on_loopback = settings->auth.allow_plaintext_on_loopback;
    config.mark_seen = settings->pop3d.mark_seen;
    config.session.max_errors = static_cast<std::size_t>(settings->pop3d.max_errors);
    config.session.max_auth_failures = static_cast<std::size_t>(settings->pop3d.max_auth_failures);
    config.throttle = throttle_limits_from(*settings);
    pop3::Pop3Server pop3(server.loop(), **store, config);

    auto limits = net::limits_from(*settings, settings->pop3d.idle_timeout);
    auto add = [&](const std::string& address, bool implicit_tls) -> bool {
      net::ListenerConfig lc;
      lc.name = implicit_tls ? "pop3s" : "pop3";
      lc.address = address;
      lc.mode = implicit_tls ? net::ListenMode::implicit_tls : (tls ? net::ListenMode::starttls : net::ListenMode::plain);
      lc.limits = limits;
      lc.busy_text = "-ERR [SYS/TEMP] Too many connections\r\n";
      lc.factory = pop3.factory(implicit_tls);
      auto listener = server.listen(std::move(lc));
      if (!listener) {
        log::error("cannot listen").kv("addr", address).kv("error", listener.error().message);
        return false;
      }
      return true;
    };
    for (const auto& a : settings->pop3d.pop3) {
      if (!add(a, false)) return 1;
    }
    for (const auto& a : settings->pop3d.pop3s) {
      if (!add(a, true)) return 1;
    }
    exit_code = server.run();
    pop3.shutdown();
  }
  log::info("stopped");
  return exit_code;
}
