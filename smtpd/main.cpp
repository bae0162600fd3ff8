// roost-smtpd: loads the config, opens the store, starts the MX, submission and submissions
// listeners, and runs until SIGTERM (SIGHUP reloads the certificate). Wiring only.
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <memory>
#include <string>

#include "common/base/config.h"
#include "common/base/daemon_args.h"
#include "common/base/log.h"
#include "common/base/throttle_from_settings.h"
#include "common/base/worker_pool.h"
#include "common/net/limits_from_settings.h"
#include "common/net/server.h"
#include "common/net/loop_post.h"
#include "smtpd/smtp_server.h"
#include "storage/options_from_settings.h"
#include "storage/store.h"

namespace {

using namespace roost;

const DaemonHelp kHelp{
    "roost-smtpd", "the Roost SMTP server: MX, submission and local delivery",
    "  Receives mail for the local domains on the [smtpd] mx addresses (port 25, STARTTLS offered) and\n"
    "  takes mail from authenticated users on submission (587, STARTTLS required before AUTH) and\n"
    "  submissions (465, implicit TLS). Local recipients are stored in their INBOX, mail for other domains\n"
    "  goes into the outbound queue, DKIM-signed when the sender's domain has a key. A message gets 250\n"
    "  only once it is durable in the store ([store], data_dir). Limits: [smtpd] and [limits]."};

int run(int argc, char** argv) {
  auto args = parse_daemon_args(argc, argv, kHelp);
  if (!args.config_file) return args.exit_code;
  log::set_daemon("smtpd");
  const std::string& path = *args.config_file;
  auto settings = load_config(path);
  if (!settings) {
    std::fprintf(stderr, "roost-smtpd: %s\n", settings.error().message.c_str());
    return 1;
  }
  log::set_level(settings->log_level);

  net::Server server(net::server_options_from(*settings));
  bool have_tls = !settings->tls.cert_file.empty();
  if (have_tls) {
    auto loaded = server.load_tls({settings->tls.cert_file, settings->tls.key_file});
    if (!loaded) {
      log::error("cannot load the TLS certificate").kv("error", loaded.error().message);
      return 1;
    }
  }
  net::LoopPost post(server.loop());
  auto store = store::Store::open(store::options_from(*settings));
  if (!store) {
    log::error("cannot open the mail store")
        .kv("path", settings->db_path())
        .kv("error", store::store_error_name(store.error()));
    return 1;
  }
  // Declared after the store: destroyed first, so no lookup runs against a closed store.
  WorkerPool readers(2, 4096);
  smtp::SmtpContext context;
  context.settings = *settings;
  context.throttle = LoginThrottle(throttle_limits_from(*settings));
  context.store = store->get();
  context.readers = &readers;
  context.post = &post;

  struct Plan {
    const char* name;
    const std::vector<std::string>* addresses;
    smtp::ListenerKind kind;
  };
  const Plan plans[] = {
      {"smtp-mx", &settings->smtpd.mx, smtp::ListenerKind::mx},
      {"submission", &settings->smtpd.submission, smtp::ListenerKind::submission},
      {"submissions", &settings->smtpd.submissions, smtp::ListenerKind::submissions},
  };
  auto limits = net::limits_from(*settings, settings->smtpd.idle_timeout);
  for (const auto& plan : plans) {
    for (const auto& address : *plan.addresses) {
      net::ListenerConfig config;
      config.name = plan.name;
      config.address = address;
      config.limits = limits;
      config.busy_text = "421 4.7.0 " + settings->hostname + " Too many connections, try again later\r\n";
      if (plan.kind == smtp::ListenerKind::submissions) {
        if (!have_tls) {
          log::warn("no TLS certificate configured: submissions listener skipped").kv("addr", address);
          continue;
        }
        config.mode = net::ListenMode::implicit_tls;
      } else {
        config.mode = have_tls ? net::ListenMode::starttls : net::ListenMode::plain;
        if (!have_tls && plan.kind == smtp::ListenerKind::submission) {
          log::warn("no TLS certificate configured: submission cannot offer STARTTLS").kv("addr", address);
        }
      }
      config.factory = smtp::smtp_handler_factory(context, plan.kind, have_tls);
      auto listener = server.listen(std::move(config));
      if (!listener) {
        log::error("cannot listen").kv("listener", plan.name).kv("addr", address).kv("error", listener.error().message);
        return 1;
      }
      // The Listener logs its "listening" line with the bound address.
    }
  }
  return server.run();
}

}  // namespace

int main(int argc, char** argv) {
  // Exceptions are for start-up failures only (a loop or handle that cannot be created).
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "roost-smtpd: %s\n", e.what());
    return 1;
  }
}
