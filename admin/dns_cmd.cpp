// roostctl dns DOMAIN: every DNS record to publish for a domain served here (MX, SPF, DKIM, DMARC)
// and what the reverse (PTR) records of the server's addresses should say, in zone-file form with one
// line of explanation each.
#include <arpa/inet.h>

#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "admin/arguments.h"
#include "admin/cli.h"
#include "admin/session.h"
#include "common/dkim/dns_record.h"
#include "common/dkim/key_store.h"
#include "storage/accounts.h"

namespace roost::admin {
namespace {

// A starting TTL: short enough to fix a mistake within the hour.
constexpr int kRecordTtl = 3600;

struct DnsArgs {
  std::string domain;
};

// The reverse-lookup name of a literal address (RFC 1035 3.5, RFC 3596 2.5), or "" for a wildcard
// listener (0.0.0.0, ::) or a host name, whose address we cannot know here.
std::string reverse_name(std::string_view listen) {
  std::string host;
  if (listen.starts_with('[')) {
    host = std::string(listen.substr(1, listen.find(']') - 1));
  } else {
    host = std::string(listen.substr(0, listen.rfind(':')));
  }
  unsigned char bytes[16];
  if (::inet_pton(AF_INET, host.c_str(), bytes) == 1) {
    if (bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0 && bytes[3] == 0) return {};
    return fmt::format("{}.{}.{}.{}.in-addr.arpa.", bytes[3], bytes[2], bytes[1], bytes[0]);
  }
  if (::inet_pton(AF_INET6, host.c_str(), bytes) == 1) {
    bool unspecified = true;
    for (unsigned char b : bytes) unspecified = unspecified && b == 0;
    if (unspecified) return {};
    std::string name;
    for (int i = 15; i >= 0; --i) {
      name += fmt::format("{:x}.{:x}.", bytes[i] & 0x0f, bytes[i] >> 4);
    }
    return name + "ip6.arpa.";
  }
  return {};
}

Status dns_records(const Cli& cli, const DnsArgs& args) {
  auto session = Session::open(cli);
  if (!session) return fail(session.error());
  auto& s = **session;
  auto domain = normalize_domain_arg(args.domain);
  if (!domain) return fail(domain.error());
  if (auto found = store::find_domain(s.db(), *domain); !found) {
    if (found.error() == store::StoreError::not_found) {
      return fail(fmt::format("there is no domain {}: add it first with 'roostctl domain add {}'", *domain, *domain));
    }
    return fail(s.describe(found.error()));
  }
  const std::string& host = s.settings().hostname;
  const std::string& d = *domain;

  std::printf("; DNS records for %s, to publish in its zone (TTL %d to start with).\n", d.c_str(), kRecordTtl);
  std::printf("; MX: mail for %s is delivered to this server, %s (which needs A/AAAA records).\n", d.c_str(),
              host.c_str());
  std::printf("%s. %d IN MX 10 %s.\n", d.c_str(), kRecordTtl, host.c_str());
  std::printf("; SPF (RFC 7208): only the MX hosts of %s send its mail; receivers refuse mail from elsewhere.\n",
              d.c_str());
  std::printf("%s. %d IN TXT \"v=spf1 mx -all\"\n", d.c_str(), kRecordTtl);

  auto key = dkim::load_active_key(s.settings().data_dir, d);
  if (key) {
    std::string value = dkim::key_record_value(key->key);
    std::printf("; DKIM (RFC 6376): the public key (selector %s) that outgoing mail is signed with.\n",
                key->selector.c_str());
    std::printf("%s. %d IN TXT %s\n", dkim::key_record_name(key->selector, d).c_str(), kRecordTtl,
                dkim::zone_txt_strings(value).c_str());
  } else if (key.error().kind == dkim::KeyErrorKind::no_key) {
    std::printf("; DKIM: %s has no signing key yet: run 'roostctl dkim keygen %s', then this again.\n", d.c_str(),
                d.c_str());
  } else {
    return fail(key.error().message);
  }

  std::printf("; DMARC (RFC 7489): mail that fails SPF and DKIM goes to spam; reports go to postmaster.\n");
  std::printf("_dmarc.%s. %d IN TXT \"v=DMARC1; p=quarantine; rua=mailto:postmaster@%s\"\n", d.c_str(), kRecordTtl,
              d.c_str());

  std::printf("; PTR: the reverse record of each public address of %s should name it (set by whoever provides\n"
              ";      the address); receivers distrust servers whose PTR does not match their name.\n",
              host.c_str());
  bool any = false;
  for (const auto& listen : s.settings().smtpd.mx) {
    std::string reverse = reverse_name(listen);
    if (reverse.empty()) continue;
    std::printf("%s %d IN PTR %s.\n", reverse.c_str(), kRecordTtl, host.c_str());
    any = true;
  }
  if (!any) {
    std::printf(";      <reversed address>.in-addr.arpa. IN PTR %s.  (smtpd.mx listens on every address)\n",
                host.c_str());
  }
  return {};
}

}  // namespace

void add_dns_command(CLI::App& app, Cli& cli) {
  auto& args = cli.keep<DnsArgs>();
  auto* dns = app.add_subcommand("dns", "Print the DNS records to publish for a domain (MX, SPF, DKIM, DMARC, PTR)");
  dns->add_option("domain", args.domain, "The domain, e.g. example.org")->required();
  add_common_options(*dns, cli);
  dns->callback([&cli, &args] { cli.action = [&cli, &args] { return dns_records(cli, args); }; });
}

}  // namespace roost::admin
