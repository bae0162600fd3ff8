// certificate_not_after (see cert_expiry.h). RFC 5280 4.1:
//   Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber INTEGER,
//     signature SEQUENCE, issuer SEQUENCE, validity SEQUENCE { notBefore Time, notAfter Time }, ... } ... }
#include "admin/cert_expiry.h"

#include <time.h>

#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "common/mail/base64.h"

namespace roost::admin {
namespace {

constexpr std::size_t kMaxPemFile = 1 << 20;  // a chain is a few KiB

struct Element {
  unsigned char tag = 0;
  std::string_view content;
  std::string_view rest;  // what follows the element
};

// One DER TLV (definite lengths only, as DER requires).
std::optional<Element> read_element(std::string_view der) {
  if (der.size() < 2) return std::nullopt;
  Element e;
  e.tag = static_cast<unsigned char>(der[0]);
  std::size_t length = static_cast<unsigned char>(der[1]);
  std::size_t header = 2;
  if (length & 0x80) {
    std::size_t bytes = length & 0x7f;
    if (bytes == 0 || bytes > 4 || der.size() < 2 + bytes) return std::nullopt;
    length = 0;
    for (std::size_t i = 0; i < bytes; ++i) length = (length << 8) | static_cast<unsigned char>(der[2 + i]);
    header += bytes;
  }
  if (der.size() - header < length) return std::nullopt;
  e.content = der.substr(header, length);
  e.rest = der.substr(header + length);
  return e;
}

// UTCTime "YYMMDDHHMMSSZ" (years 1950-2049, RFC 5280 4.1.2.5.1) or GeneralizedTime "YYYYMMDDHHMMSSZ".
std::optional<std::int64_t> parse_time(const Element& e) {
  std::string_view t = e.content;
  std::size_t year_digits = e.tag == 0x17 ? 2 : (e.tag == 0x18 ? 4 : 0);
  if (year_digits == 0 || t.size() != year_digits + 11 || t.back() != 'Z') return std::nullopt;
  for (std::size_t i = 0; i + 1 < t.size(); ++i) {
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
  }
  auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) v = v * 10 + (t[at + i] - '0');
    return v;
  };
  struct tm tm {};
  int year = num(0, year_digits);
  if (year_digits == 2) year += year >= 50 ? 1900 : 2000;
  std::size_t p = year_digits;
  tm.tm_year = year - 1900;
  tm.tm_mon = num(p, 2) - 1;
  tm.tm_mday = num(p + 2, 2);
  tm.tm_hour = num(p + 4, 2);
  tm.tm_min = num(p + 6, 2);
  tm.tm_sec = num(p + 8, 2);
  return static_cast<std::int64_t>(::timegm(&tm));
}

std::optional<std::int64_t> not_after_from_der(std::string_view der) {
  auto cert = read_element(der);
  if (!cert || cert->tag != 0x30) return std::nullopt;
  auto tbs = read_element(cert->content);
  if (!tbs || tbs->tag != 0x30) return std::nullopt;
  auto field = read_element(tbs->content);
  if (field && field->tag == 0xa0) field = read_element(field->rest);  // [0] version
  // serialNumber, signature, issuer, then validity.
  for (int i = 0; i < 3 && field; ++i) field = read_element(field->rest);
  if (!field || field->tag != 0x30) return std::nullopt;
  auto not_before = read_element(field->content);
  if (!not_before) return std::nullopt;
  auto not_after = read_element(not_before->rest);
  if (!not_after) return std::nullopt;
  return parse_time(*not_after);
}

}  // namespace

Result<std::int64_t> certificate_not_after_pem(std::string_view pem) {
  constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  auto begin = pem.find(kBegin);
  if (begin == std::string_view::npos) return fail("it holds no PEM certificate");
  auto end = pem.find(kEnd, begin);
  if (end == std::string_view::npos) return fail("its certificate has no END line");
  std::string base64;
  for (char c : pem.substr(begin + kBegin.size(), end - begin - kBegin.size())) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') base64 += c;
  }
  auto der = mail::base64_decode(base64);
  if (!der) return fail("its certificate is not valid base64");
  auto when = not_after_from_der(*der);
  if (!when) return fail("its certificate could not be parsed");
  return *when;
}

Result<std::int64_t> certificate_not_after(const std::string& pem_path) {
  std::ifstream in(pem_path, std::ios::binary);
  if (!in) return fail(fmt::format("cannot read {}", pem_path));
  std::string text(kMaxPemFile, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  auto when = certificate_not_after_pem(text);
  if (!when) return fail(fmt::format("{}: {}", pem_path, when.error().message));
  return when;
}

}  // namespace roost::admin
