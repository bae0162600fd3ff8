// Tests for common/dkim/signer, signing_key and header_selection: RFC 8463 Appendix A reproduced
// byte for byte with its Ed25519 key, RSA signatures that OpenSSL's verifier accepts with the key
// taken from the DNS record text, From over-signing, the field's tags and folding, and streaming.
#include "common/dkim/signer.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <map>
#include <memory>
#include <string>

#include "common/dkim/dns_record.h"
#include "common/dkim/header_selection.h"
#include "common/mail/base64.h"

namespace roost::dkim {
namespace {

// RFC 8463 Appendix A.2: the Ed25519 private key (seed) and public key.
constexpr std::string_view kRfc8463Seed = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
constexpr std::string_view kRfc8463PublicKey = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

// RFC 8463 Appendix A.3: the signed message (without its two signatures) ...
constexpr std::string_view kRfc8463Message =
    "From: Joe SixPack <joe@football.example.com>\r\n"
    "To: Suzie Q <suzie@shopping.example.net>\r\n"
    "Subject: Is dinner ready?\r\n"
    "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
    "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
    "\r\n"
    "Hi.\r\n"
    "\r\n"
    "We lost the game.  Are you hungry yet?\r\n"
    "\r\n"
    "Joe.\r\n";
// ... its Ed25519 signature field with the b= value removed, and that value.
constexpr std::string_view kRfc8463UnsignedField =
    "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
    " d=football.example.com; i=@football.example.com;\r\n"
    " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
    " subject : date : message-id : from : subject : date;\r\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
    " b=";
constexpr std::string_view kRfc8463Signature =
    "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==";

// A PKCS#8 PEM for a raw Ed25519 seed (RFC 8410 7: the DER prefix, then the 32 bytes).
std::string ed25519_pem(std::string_view seed_base64) {
  std::string der("\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20", 16);
  der += *mail::base64_decode(seed_base64);
  return "-----BEGIN PRIVATE KEY-----\n" + mail::base64_encode(der) + "\n-----END PRIVATE KEY-----\n";
}

std::string_view header_of(std::string_view message) {
  std::size_t end = header_end(message);
  return end == std::string_view::npos ? message : message.substr(0, end);
}
std::string_view body_of(std::string_view message) {
  std::size_t end = header_end(message);
  return end == std::string_view::npos ? std::string_view() : message.substr(end);
}

// The tags of a signature field, unfolded, whitespace removed (all our values are free of it).
std::map<std::string, std::string> tags_of(std::string_view field) {
  std::string text(field.substr(field.find(':') + 1));
  std::string compact;
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') compact += c;
  }
  std::map<std::string, std::string> tags;
  std::size_t pos = 0;
  while (pos < compact.size()) {
    std::size_t semi = compact.find(';', pos);
    std::string tag = compact.substr(pos, semi == std::string::npos ? std::string::npos : semi - pos);
    std::size_t eq = tag.find('=');
    if (eq != std::string::npos) tags[tag.substr(0, eq)] = tag.substr(eq + 1);
    if (semi == std::string::npos) break;
    pos = semi + 1;
  }
  return tags;
}

std::vector<std::string> split_names(const std::string& h) {
  std::vector<std::string> names;
  std::size_t pos = 0;
  for (;;) {
    std::size_t colon = h.find(':', pos);
    names.push_back(h.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos));
    if (colon == std::string::npos) return names;
    pos = colon + 1;
  }
}

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

// A verifier as RFC 6376 6.1.3 describes it, for RSA: the public key from the record's p= value
// (DER SubjectPublicKeyInfo), the b= value removed from the field, the selected fields hashed.
bool rsa_signature_verifies(const std::string& record_value, std::string_view field, std::string_view message) {
  auto p = record_value.find("p=");
  auto der = mail::base64_decode(record_value.substr(p + 2));
  if (!der) return false;
  const auto* in = reinterpret_cast<const unsigned char*>(der->data());
  std::unique_ptr<EVP_PKEY, PkeyFree> pkey(d2i_PUBKEY(nullptr, &in, static_cast<long>(der->size())));
  if (!pkey) return false;

  auto tags = tags_of(field);
  if (tags["bh"] != mail::base64_encode(body_hash(Canonicalization::relaxed, body_of(message)))) return false;
  auto signature = mail::base64_decode(tags["b"]);
  if (!signature) return false;
  std::size_t bh = field.find("bh=");
  std::size_t b = field.find("b=", field.find(';', bh));
  std::string_view unsigned_field = field.substr(0, b + 2);
  std::string input = header_hash_input(Canonicalization::relaxed, header_of(message), split_names(tags["h"]),
                                        unsigned_field);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pkey.get()) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

const std::string kMessage =
    "Received: from client by mail.example.org\r\n"
    "From: Alice <alice@example.org>\r\n"
    "To: Bob <bob@example.net>\r\n"
    "Subject: Lunch\r\n"
    "   on Friday?\r\n"
    "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
    "Message-ID: <lunch.1@example.org>\r\n"
    "X-Mailer: something\r\n"
    "\r\n"
    "Shall we?  \r\n"
    "\r\n"
    "Alice\r\n"
    "\r\n";

DomainKey generated_key(Algorithm algorithm, std::string domain = "example.org") {
  auto key = SigningKey::generate(algorithm);
  if (!key) std::abort();
  return DomainKey{std::move(domain), "roost202611", std::move(*key)};
}

TEST(DkimSigner, ReproducesRfc8463Ed25519ExampleExactly) {
  auto key = SigningKey::from_pem(ed25519_pem(kRfc8463Seed));
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->algorithm(), Algorithm::ed25519_sha256);
  EXPECT_EQ(key->public_key_base64(), kRfc8463PublicKey);

  EXPECT_EQ(mail::base64_encode(body_hash(Canonicalization::relaxed, body_of(kRfc8463Message))),
            "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
  std::vector<std::string> names{"from", "to", "subject", "date", "message-id", "from", "subject", "date"};
  auto signature = key->sign(header_hash_input(Canonicalization::relaxed, header_of(kRfc8463Message), names,
                                               kRfc8463UnsignedField));
  ASSERT_TRUE(signature.ok());
  EXPECT_EQ(mail::base64_encode(*signature), kRfc8463Signature);
}

TEST(DkimSigner, Ed25519FieldCarriesTheRfc8463Algorithm) {
  DomainKey key = generated_key(Algorithm::ed25519_sha256);
  auto field = sign_message(key, kMessage, 1700000000);
  ASSERT_TRUE(field.ok()) << field.error().message;
  auto tags = tags_of(*field);
  EXPECT_EQ(tags["a"], "ed25519-sha256");
  EXPECT_EQ(mail::base64_decode(tags["b"])->size(), 64u);  // RFC 8032: an Ed25519 signature is 64 bytes
}

TEST(DkimSigner, RsaSignatureVerifiesWithTheKeyFromTheDnsRecord) {
  DomainKey key = generated_key(Algorithm::rsa_sha256);
  auto field = sign_message(key, kMessage, 1700000000);
  ASSERT_TRUE(field.ok()) << field.error().message;
  std::string record = key_record_value(key.key);
  EXPECT_TRUE(rsa_signature_verifies(record, *field, kMessage));
  // A changed body fails the body hash; a changed signed header fails the signature.
  std::string other_subject = kMessage;
  other_subject.replace(other_subject.find("Lunch"), 5, "Lurch");
  EXPECT_FALSE(rsa_signature_verifies(record, *field, other_subject));
  std::string other_body = kMessage;
  other_body.replace(other_body.find("Shall we?"), 9, "Shall we!");
  EXPECT_FALSE(rsa_signature_verifies(record, *field, other_body));
  EXPECT_EQ(mail::base64_decode(tags_of(*field)["b"])->size(), 256u);  // 2048 bits
}

TEST(DkimSigner, FieldHasTheAgreedTagsAndTheBodyHash) {
  DomainKey key = generated_key(Algorithm::ed25519_sha256);
  auto field = sign_message(key, kMessage, 1700000000);
  ASSERT_TRUE(field.ok());
  EXPECT_TRUE(field->starts_with("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.org;"));
  auto tags = tags_of(*field);
  EXPECT_EQ(tags["v"], "1");
  EXPECT_EQ(tags["c"], "relaxed/relaxed");
  EXPECT_EQ(tags["d"], "example.org");
  EXPECT_EQ(tags["s"], "roost202611");
  EXPECT_EQ(tags["t"], "1700000000");
  EXPECT_EQ(tags["h"], "From:To:Subject:Date:Message-ID:From");
  EXPECT_EQ(tags.count("l"), 0u);
  EXPECT_EQ(tags["bh"], mail::base64_encode(body_hash(Canonicalization::relaxed, body_of(kMessage))));
}

TEST(DkimSigner, FieldIsFoldedWithCrlfWithinSeventyEightColumns) {
  DomainKey key = generated_key(Algorithm::rsa_sha256);
  std::string message =
      "From: a@example.org\r\nTo: b@example.net\r\nCc: c@example.net\r\nSubject: s\r\nDate: d\r\n"
      "Message-ID: <m@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n"
      "Content-Transfer-Encoding: 8bit\r\nReply-To: r@example.org\r\nIn-Reply-To: <p@x>\r\n"
      "References: <p@x>\r\n\r\nbody\r\n";
  auto field = sign_message(key, message, 1700000000);
  ASSERT_TRUE(field.ok());
  ASSERT_TRUE(field->ends_with("\r\n"));
  std::size_t lines = 0;
  std::size_t pos = 0;
  while (pos < field->size()) {
    std::size_t crlf = field->find("\r\n", pos);
    ASSERT_NE(crlf, std::string::npos);
    std::string_view line = std::string_view(*field).substr(pos, crlf - pos);
    EXPECT_LE(line.size(), kFoldColumn) << line;
    EXPECT_EQ(line.find('\n'), std::string_view::npos);
    if (lines++ > 0) {
      EXPECT_EQ(line.front(), ' ') << "a continuation line starts with whitespace";
    }
    pos = crlf + 2;
  }
  EXPECT_GT(lines, 4u);
  EXPECT_EQ(tags_of(*field)["h"],
            "From:To:Cc:Subject:Date:Message-ID:MIME-Version:Content-Type:Content-Transfer-Encoding:Reply-To:"
            "In-Reply-To:References:From");
  EXPECT_TRUE(rsa_signature_verifies(key_record_value(key.key), *field, message));
}

TEST(DkimSigner, FromIsOverSignedSoAnAddedFromBreaksTheSignature) {
  EXPECT_EQ(signed_field_names("Received: x\r\nFrom: a@example.org\r\nX-Other: y\r\nTo: b@example.net\r\n"),
            (std::vector<std::string>{"From", "To", "From"}));
  // The second "From" selects nothing in the signed message (RFC 6376 5.4.2) ...
  std::vector<std::string> names{"From", "To", "From"};
  auto selected = select_fields("From: a@example.org\r\nTo: b@example.net\r\n", names);
  EXPECT_EQ(selected, (std::vector<std::string_view>{"From: a@example.org\r\n", "To: b@example.net\r\n"}));

  // ... so a From added on the way, above or below the real one, makes verification fail.
  DomainKey key = generated_key(Algorithm::rsa_sha256);
  auto field = sign_message(key, kMessage, 1700000000);
  ASSERT_TRUE(field.ok());
  std::string record = key_record_value(key.key);
  ASSERT_TRUE(rsa_signature_verifies(record, *field, kMessage));
  EXPECT_FALSE(rsa_signature_verifies(record, *field, "From: Mallory <boss@example.org>\r\n" + kMessage));
  std::string below = kMessage;
  below.insert(below.find("\r\n\r\n") + 2, "From: Mallory <boss@example.org>\r\n");
  EXPECT_FALSE(rsa_signature_verifies(record, *field, below));
}

TEST(DkimSigner, EveryInstanceOfARepeatedFieldIsSignedBottomUp) {
  std::string header = "To: first@example.net\r\nFrom: a@example.org\r\nTo: second@example.net\r\n";
  auto names = signed_field_names(header);
  EXPECT_EQ(names, (std::vector<std::string>{"From", "To", "To", "From"}));
  auto selected = select_fields(header, names);
  EXPECT_EQ(selected, (std::vector<std::string_view>{"From: a@example.org\r\n", "To: second@example.net\r\n",
                                                     "To: first@example.net\r\n"}));
}

TEST(DkimSigner, MessageWithoutFromIsRefused) {
  DomainKey key = generated_key(Algorithm::ed25519_sha256);
  auto field = sign_message(key, "To: b@example.net\r\nSubject: x\r\n\r\nbody\r\n", 1700000000);
  ASSERT_FALSE(field.ok());
  EXPECT_NE(field.error().message.find("From"), std::string::npos);
}

TEST(DkimSigner, StreamedSigningEqualsWholeSigningAtEveryCut) {
  // Ed25519 is deterministic (RFC 8032), so equal inputs give equal fields.
  DomainKey key = generated_key(Algorithm::ed25519_sha256);
  auto whole = sign_message(key, kMessage, 1700000000);
  ASSERT_TRUE(whole.ok());
  for (std::size_t cut = 0; cut <= kMessage.size(); ++cut) {
    MessageSigner signer(key, 1700000000);
    signer.update(std::string_view(kMessage).substr(0, cut));
    signer.update(std::string_view(kMessage).substr(cut));
    auto streamed = signer.finish();
    ASSERT_TRUE(streamed.ok());
    EXPECT_EQ(*streamed, *whole) << "cut at " << cut;
  }
  MessageSigner bytewise(key, 1700000000);
  for (char c : kMessage) bytewise.update(std::string_view(&c, 1));
  EXPECT_EQ(*bytewise.finish(), *whole);
}

TEST(DkimSigner, MessageWithoutBodyHashesTheEmptyBody) {
  // No empty line: everything is header (RFC 5322 3.5 makes the body optional).
  EXPECT_EQ(header_end("From: a@example.org\r\nSubject: x\r\n"), std::string_view::npos);
  EXPECT_EQ(header_end("From: a@example.org\n\nbody"), 21u);
  EXPECT_EQ(header_end("From: a@example.org\r\n\r\nbody"), 23u);
  DomainKey key = generated_key(Algorithm::ed25519_sha256);
  for (std::string_view message : {"From: a@example.org\r\nSubject: x\r\n", "From: a@example.org\r\nSubject: x\r\n\r\n"}) {
    auto field = sign_message(key, message, 1700000000);
    ASSERT_TRUE(field.ok());
    EXPECT_EQ(tags_of(*field)["bh"], "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=") << message;
    EXPECT_EQ(tags_of(*field)["h"], "From:Subject:From");
  }
}

TEST(DkimSigner, BareLfMessageSignsLikeItsCrlfForm) {
  DomainKey key = generated_key(Algorithm::ed25519_sha256);
  std::string lf = kMessage;
  for (std::size_t at; (at = lf.find("\r\n")) != std::string::npos;) lf.replace(at, 2, "\n");
  auto from_lf = sign_message(key, lf, 1700000000);
  auto from_crlf = sign_message(key, kMessage, 1700000000);
  ASSERT_TRUE(from_lf.ok() && from_crlf.ok());
  EXPECT_EQ(*from_lf, *from_crlf);
}

TEST(DkimSigningKey, PemRoundTripKeepsTheKey) {
  for (auto algorithm : {Algorithm::rsa_sha256, Algorithm::ed25519_sha256}) {
    auto key = SigningKey::generate(algorithm);
    ASSERT_TRUE(key.ok());
    auto pem = key->private_pem();
    ASSERT_TRUE(pem.ok());
    EXPECT_TRUE(pem->starts_with("-----BEGIN PRIVATE KEY-----\n"));
    auto again = SigningKey::from_pem(*pem);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->algorithm(), algorithm);
    EXPECT_EQ(again->public_key_base64(), key->public_key_base64());
  }
}

TEST(DkimSigningKey, GarbageIsRefusedWithoutQuotingIt) {
  auto key = SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXNlY3JldA==\n-----END PRIVATE KEY-----\n");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().message.find("c2VjcmV0"), std::string::npos);
  EXPECT_FALSE(SigningKey::from_pem(std::string(kMaxKeyFileSize + 1, 'A')).ok());
}

}  // namespace
}  // namespace roost::dkim
