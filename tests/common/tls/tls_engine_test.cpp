// Tests for the TLS layer: a client Engine and a server Engine wired to each other in memory, with the
// test certificates in tests/data/tls (see its README). No sockets, no network.
#include "common/tls/tls_engine.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/tls/tls_internal.h"

namespace roost::tls {
namespace {

std::string data_file(const std::string& name) { return std::string(ROOST_TEST_DATA_DIR) + "/tls/" + name; }

std::shared_ptr<ServerContext> server_context(const std::string& cert = "server.pem",
                                              const std::string& key = "server.key") {
  auto loaded = ServerContext::load({data_file(cert), data_file(key)});
  EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().message);
  return loaded.ok() ? *loaded : nullptr;
}

std::shared_ptr<ClientContext> opportunistic_context() {
  auto created = ClientContext::create({});
  EXPECT_TRUE(created.ok());
  return created.ok() ? *created : nullptr;
}

std::shared_ptr<ClientContext> verifying_context() {
  auto created = ClientContext::create({.verify = true, .ca_file = data_file("ca.pem")});
  EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
  return created.ok() ? *created : nullptr;
}

// Two engines and the plaintext each has received.
struct Link {
  std::unique_ptr<Engine> client;
  std::unique_ptr<Engine> server;
  std::string client_received;
  std::string server_received;

  // Moves ciphertext between the engines until neither has anything to send (bounded, so a bug that
  // keeps them talking fails the test instead of hanging it). byte_by_byte feeds and pumps one byte
  // at a time, as a socket that returns the smallest reads would.
  void shuttle(bool byte_by_byte = false) {
    for (int round = 0; round < 1000; ++round) {
      client->pump(client_received);
      server->pump(server_received);
      std::string to_server = client->take_ciphertext();
      std::string to_client = server->take_ciphertext();
      if (to_server.empty() && to_client.empty()) return;
      deliver(*server, to_server, server_received, byte_by_byte);
      deliver(*client, to_client, client_received, byte_by_byte);
    }
    ADD_FAILURE() << "the engines never went quiet";
  }

  static void deliver(Engine& engine, const std::string& bytes, std::string& received, bool byte_by_byte) {
    if (!byte_by_byte) {
      engine.feed(bytes);
      return;
    }
    for (char c : bytes) {
      engine.feed(std::string_view(&c, 1));
      engine.pump(received);
    }
  }
};

Link connect(std::shared_ptr<ClientContext> client_ctx, std::shared_ptr<ServerContext> server_ctx,
             std::string_view host = "localhost") {
  Link link{Engine::client(std::move(client_ctx), host), Engine::server(std::move(server_ctx)), {}, {}};
  link.shuttle();
  return link;
}

std::string pattern(std::size_t size, char seed) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>(seed + (i * 31 + i / 7) % 251);
  return s;
}

TEST(TlsEngine, HandshakeCompletesAndDataFlowsBothWays) {
  Link link = connect(opportunistic_context(), server_context());
  ASSERT_EQ(link.client->state(), Engine::State::open) << link.client->error();
  ASSERT_EQ(link.server->state(), Engine::State::open) << link.server->error();
  EXPECT_TRUE(link.client->handshake_done());

  link.client->write("EHLO client.example\r\n");
  link.shuttle();
  EXPECT_EQ(link.server_received, "EHLO client.example\r\n");

  link.server->write("250 localhost\r\n");
  link.shuttle();
  EXPECT_EQ(link.client_received, "250 localhost\r\n");
}

TEST(TlsEngine, HandshakeAndDataSurviveCiphertextFedOneByteAtATime) {
  Link link{Engine::client(opportunistic_context(), "localhost"), Engine::server(server_context()), {}, {}};
  link.shuttle(/*byte_by_byte=*/true);
  ASSERT_EQ(link.client->state(), Engine::State::open) << link.client->error();
  ASSERT_EQ(link.server->state(), Engine::State::open) << link.server->error();

  link.client->write("a1 LOGIN user pass\r\n");
  link.server->write("* OK ready\r\n");
  link.shuttle(/*byte_by_byte=*/true);
  EXPECT_EQ(link.server_received, "a1 LOGIN user pass\r\n");
  EXPECT_EQ(link.client_received, "* OK ready\r\n");
}

TEST(TlsEngine, WriteBeforeHandshakeIsBufferedAndDeliveredOnceOpen) {
  Link link{Engine::client(opportunistic_context(), "localhost"), Engine::server(server_context()), {}, {}};
  link.client->write("early from client");
  link.server->write("early from server");
  EXPECT_EQ(link.client->state(), Engine::State::handshaking);
  EXPECT_FALSE(link.client->handshake_done());
  link.shuttle();
  ASSERT_EQ(link.client->state(), Engine::State::open) << link.client->error();
  EXPECT_EQ(link.server_received, "early from client");
  EXPECT_EQ(link.client_received, "early from server");
}

TEST(TlsEngine, LargePayloadCrossesBothWays) {
  Link link = connect(opportunistic_context(), server_context());
  ASSERT_EQ(link.client->state(), Engine::State::open) << link.client->error();
  const std::string up = pattern(1 << 20, 'a');
  const std::string down = pattern(1 << 20, 'Z');
  link.client->write(up);
  link.server->write(down);
  link.shuttle();
  EXPECT_EQ(link.server_received.size(), up.size());
  EXPECT_TRUE(link.server_received == up);
  EXPECT_EQ(link.client_received.size(), down.size());
  EXPECT_TRUE(link.client_received == down);
}

TEST(TlsEngine, VersionAndCipherAreKnownOnlyAfterHandshake) {
  Link link{Engine::client(opportunistic_context(), "localhost"), Engine::server(server_context()), {}, {}};
  EXPECT_EQ(link.client->version(), "");
  EXPECT_EQ(link.client->cipher(), "");
  link.shuttle();
  ASSERT_EQ(link.client->state(), Engine::State::open) << link.client->error();
  for (Engine* engine : {link.client.get(), link.server.get()}) {
    EXPECT_TRUE(engine->version() == "TLSv1.2" || engine->version() == "TLSv1.3") << engine->version();
    EXPECT_FALSE(engine->cipher().empty());
  }
  EXPECT_EQ(link.client->cipher(), link.server->cipher());
}

TEST(TlsEngine, Tls12ClientGetsEcdheAeadCipher) {
  auto client_ctx = opportunistic_context();
  ASSERT_EQ(SSL_CTX_set_max_proto_version(client_ctx->impl().ctx.get(), TLS1_2_VERSION), 1);
  Link link = connect(client_ctx, server_context());
  ASSERT_EQ(link.client->state(), Engine::State::open) << link.client->error();
  EXPECT_EQ(link.server->version(), "TLSv1.2");
  const std::string cipher = link.server->cipher();
  EXPECT_EQ(cipher.rfind("ECDHE-", 0), 0u) << cipher;
  EXPECT_TRUE(cipher.find("GCM") != std::string::npos || cipher.find("CHACHA20") != std::string::npos)
      << cipher;
}

TEST(TlsEngine, ServerRefusesTls12ClientOfferingOnlyCbcCiphers) {
  auto client_ctx = opportunistic_context();
  SSL_CTX* ctx = client_ctx->impl().ctx.get();
  ASSERT_EQ(SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION), 1);
  ASSERT_EQ(SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA"), 1);
  Link link = connect(client_ctx, server_context());
  EXPECT_EQ(link.server->state(), Engine::State::failed);
  EXPECT_NE(link.server->error().find("no shared cipher"), std::string::npos) << link.server->error();
  EXPECT_EQ(link.client->state(), Engine::State::failed);
}

TEST(TlsEngine, ServerRefusesClientLimitedToTls11) {
  auto client_ctx = opportunistic_context();
  SSL_CTX* ctx = client_ctx->impl().ctx.get();
  ASSERT_EQ(SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION), 1);
  ASSERT_EQ(SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION), 1);
#ifndef ROOST_TLS_BORINGSSL
  // OpenSSL 3 refuses to offer TLS 1.1 at all above security level 0; lower it so the refusal under
  // test is the server's.
  SSL_CTX_set_security_level(ctx, 0);
  ASSERT_EQ(SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0"), 1);
#endif
  Link link = connect(client_ctx, server_context());
  EXPECT_EQ(link.server->state(), Engine::State::failed);
  EXPECT_NE(link.server->error().find("unsupported protocol"), std::string::npos) << link.server->error();
  EXPECT_EQ(link.client->state(), Engine::State::failed);
  EXPECT_FALSE(link.client->error().empty());
}

TEST(TlsEngine, VerifyingClientAcceptsCertificateSignedByCa) {
  Link link = connect(verifying_context(), server_context(), "localhost");
  EXPECT_EQ(link.client->state(), Engine::State::open) << link.client->error();
  EXPECT_EQ(link.server->state(), Engine::State::open) << link.server->error();
}

TEST(TlsEngine, VerifyingClientAcceptsHostNameWithTrailingDot) {
  Link link = connect(verifying_context(), server_context(), "localhost.");
  EXPECT_EQ(link.client->state(), Engine::State::open) << link.client->error();
}

TEST(TlsEngine, VerifyingClientAcceptsIpAddressListedInCertificate) {
  Link v4 = connect(verifying_context(), server_context(), "127.0.0.1");
  EXPECT_EQ(v4.client->state(), Engine::State::open) << v4.client->error();
  Link v6 = connect(verifying_context(), server_context(), "::1");
  EXPECT_EQ(v6.client->state(), Engine::State::open) << v6.client->error();
}

TEST(TlsEngine, VerifyingClientRejectsWrongHostName) {
  Link link = connect(verifying_context(), server_context(), "wrong.example");
  EXPECT_EQ(link.client->state(), Engine::State::failed);
  // The error names the check that failed, not only "certificate verify failed".
  EXPECT_NE(link.client->error().find("ostname mismatch"), std::string::npos) << link.client->error();
  // The client's alert reaches the server, which fails too rather than waiting.
  EXPECT_EQ(link.server->state(), Engine::State::failed);
  EXPECT_FALSE(link.server->error().empty());
}

TEST(TlsEngine, VerifyingClientRejectsIpAddressNotInCertificate) {
  Link link = connect(verifying_context(), server_context(), "192.0.2.1");
  EXPECT_EQ(link.client->state(), Engine::State::failed);
}

TEST(TlsEngine, VerifyingClientRejectsCertificateNotSignedByCa) {
  Link link = connect(verifying_context(), server_context("selfsigned.pem", "selfsigned.key"), "localhost");
  EXPECT_EQ(link.client->state(), Engine::State::failed);
  EXPECT_FALSE(link.client->error().empty());
}

TEST(TlsEngine, VerifyingClientWithoutHostNameFails) {
  auto engine = Engine::client(verifying_context(), "");
  EXPECT_EQ(engine->state(), Engine::State::failed);
  EXPECT_NE(engine->error().find("host name"), std::string::npos) << engine->error();
  std::string out;
  EXPECT_EQ(engine->pump(out), Engine::State::failed);
  EXPECT_FALSE(engine->has_ciphertext());
}

TEST(TlsEngine, OpportunisticClientAcceptsSelfSignedCertificate) {
  Link link = connect(opportunistic_context(), server_context("selfsigned.pem", "selfsigned.key"),
                      "mx.elsewhere.example");
  EXPECT_EQ(link.client->state(), Engine::State::open) << link.client->error();
  EXPECT_EQ(link.server->state(), Engine::State::open) << link.server->error();
}

TEST(TlsEngine, SessionKeepsItsContextAfterReloadReplacesIt) {
  auto first = server_context();
  auto server = Engine::server(first);
  first.reset();  // a reload drops the old context while this session still runs
  auto reloaded = server_context("server2.pem", "server2.key");
  ASSERT_NE(reloaded, nullptr);

  Link old_session{Engine::client(verifying_context(), "localhost"), std::move(server), {}, {}};
  old_session.shuttle();
  EXPECT_EQ(old_session.client->state(), Engine::State::open) << old_session.client->error();
  Link new_session = connect(verifying_context(), reloaded);
  EXPECT_EQ(new_session.client->state(), Engine::State::open) << new_session.client->error();
}

TEST(TlsContext, LoadFailsNamingMissingCertificateFile) {
  const std::string cert = data_file("no-such-cert.pem");
  auto loaded = ServerContext::load({cert, data_file("server.key")});
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find(cert), std::string::npos) << loaded.error().message;
}

TEST(TlsContext, LoadFailsNamingMissingKeyFile) {
  const std::string key = data_file("no-such-key.pem");
  auto loaded = ServerContext::load({data_file("server.pem"), key});
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find(key), std::string::npos) << loaded.error().message;
}

TEST(TlsContext, LoadFailsNamingKeyThatDoesNotMatchCertificate) {
  const std::string key = data_file("server2.key");
  auto loaded = ServerContext::load({data_file("server.pem"), key});
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find(key), std::string::npos) << loaded.error().message;
}

TEST(TlsContext, LoadFailsNamingCertificateFileThatIsNotPem) {
  const std::string cert = data_file("README.md");
  auto loaded = ServerContext::load({cert, data_file("server.key")});
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find(cert), std::string::npos) << loaded.error().message;
}

TEST(TlsContext, LoadAcceptsSecondCertificateForReload) {
  EXPECT_NE(server_context("server2.pem", "server2.key"), nullptr);
}

TEST(TlsContext, VerifyingClientFailsNamingMissingCaFile) {
  const std::string ca = data_file("no-such-ca.pem");
  auto created = ClientContext::create({.verify = true, .ca_file = ca});
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.error().message.find(ca), std::string::npos) << created.error().message;
}

TEST(TlsEngine, GarbageInputFailsServerWithError) {
  auto server = Engine::server(server_context());
  server->feed("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
  std::string out;
  EXPECT_EQ(server->pump(out), Engine::State::failed);
  EXPECT_EQ(server->state(), Engine::State::failed);
  EXPECT_FALSE(server->error().empty());
  EXPECT_TRUE(out.empty());
  // Further input is ignored rather than reviving the session.
  server->feed("more garbage");
  EXPECT_EQ(server->pump(out), Engine::State::failed);
}

TEST(TlsEngine, GarbageAfterHandshakeFailsTheReader) {
  Link link = connect(opportunistic_context(), server_context());
  ASSERT_EQ(link.server->state(), Engine::State::open);
  link.server->feed(std::string("\x17\x03\x03\x00\x20", 5) + std::string(32, 'x'));  // a forged record
  std::string out;
  EXPECT_EQ(link.server->pump(out), Engine::State::failed);
  EXPECT_FALSE(link.server->error().empty());
  EXPECT_TRUE(out.empty());
}

TEST(TlsEngine, ShutdownIsSeenAsClosedByPeer) {
  Link link = connect(opportunistic_context(), server_context());
  ASSERT_EQ(link.server->state(), Engine::State::open);
  link.client->write("QUIT\r\n");
  link.client->shutdown();
  link.client->write("dropped after shutdown");
  link.shuttle();
  EXPECT_EQ(link.server_received, "QUIT\r\n");
  EXPECT_EQ(link.server->state(), Engine::State::closed);
  EXPECT_TRUE(link.server->handshake_done());
  std::string out;
  EXPECT_EQ(link.server->pump(out), Engine::State::closed);

  // The server answers with its own close_notify, which the client sees as closed too.
  link.server->shutdown();
  link.shuttle();
  EXPECT_EQ(link.client->state(), Engine::State::closed);
}

TEST(TlsEngine, ShutdownBeforeHandshakeSendsNothingAndDropsBufferedWrites) {
  auto client = Engine::client(opportunistic_context(), "localhost");
  client->write("never sent");
  client->shutdown();
  EXPECT_FALSE(client->has_ciphertext());
}

TEST(TlsEngine, ClientSendsHelloOnFirstPump) {
  auto client = Engine::client(opportunistic_context(), "localhost");
  EXPECT_FALSE(client->has_ciphertext());
  std::string out;
  EXPECT_EQ(client->pump(out), Engine::State::handshaking);
  EXPECT_TRUE(client->has_ciphertext());
  std::string hello = client->take_ciphertext();
  ASSERT_FALSE(hello.empty());
  EXPECT_EQ(hello[0], '\x16');  // a handshake record
  EXPECT_FALSE(client->has_ciphertext());
  EXPECT_TRUE(client->take_ciphertext().empty());
}

}  // namespace
}  // namespace roost::tls
