// Binary encoding of ParsedMessage and Envelope: LEB128 integers, length-prefixed strings, a presence
// byte for optional strings.
#include "common/mail/mime_codec.h"

namespace roost::mail {
namespace {

constexpr std::size_t kMaxDecodeDepth = 1000;  // above any parser limit a store would configure

class Writer {
 public:
  void u64(std::uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7F) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }
  void str(std::string_view s) {
    u64(s.size());
    out_ += s;
  }
  void opt(const std::optional<std::string>& s) {
    u64(s ? 1 : 0);
    if (s) str(*s);
  }
  void params(const std::vector<MimeParam>& ps) {
    u64(ps.size());
    for (const auto& p : ps) {
      str(p.name);
      str(p.value);
      u64(p.extended ? 1 : 0);
    }
  }
  void addresses(const std::vector<ImapAddress>& list) {
    u64(list.size());
    for (const auto& a : list) {
      opt(a.name);
      opt(a.adl);
      opt(a.mailbox);
      opt(a.host);
    }
  }
  void envelope(const Envelope& e) {
    opt(e.date);
    opt(e.subject);
    addresses(e.from);
    addresses(e.sender);
    addresses(e.reply_to);
    addresses(e.to);
    addresses(e.cc);
    addresses(e.bcc);
    opt(e.in_reply_to);
    opt(e.message_id);
  }
  void part(const MimePart& p) {
    str(p.type);
    str(p.subtype);
    params(p.params);
    opt(p.id);
    opt(p.description);
    opt(p.encoding);
    opt(p.md5);
    opt(p.disposition);
    params(p.disposition_params);
    u64(p.language.size());
    for (const auto& l : p.language) str(l);
    opt(p.location);
    u64(p.header_offset);
    u64(p.header_size);
    u64(p.body_offset);
    u64(p.body_size);
    u64(p.body_lines);
    u64(p.envelope ? 1 : 0);
    if (p.envelope) envelope(*p.envelope);
    u64(p.children.size());
    for (const auto& c : p.children) part(c);
  }
  std::string take() { return std::move(out_); }
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return in_.empty(); }

  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return fail_zero();
      auto b = static_cast<unsigned char>(in_[0]);
      in_.remove_prefix(1);
      if (shift == 63 && b > 1) return fail_zero();
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    return fail_zero();
  }
  // A count of items each taking at least `min_bytes`: more than the bytes left is corrupt.
  std::size_t count(std::size_t min_bytes) {
    std::uint64_t n = u64();
    if (n > in_.size() / min_bytes) return static_cast<std::size_t>(fail_zero());
    return static_cast<std::size_t>(n);
  }
  std::string str() {
    std::uint64_t n = u64();
    if (n > in_.size()) {
      fail_zero();
      return {};
    }
    std::string s(in_.substr(0, n));
    in_.remove_prefix(n);
    return s;
  }
  bool flag() {
    std::uint64_t v = u64();
    if (v > 1) fail_zero();
    return v == 1;
  }
  std::optional<std::string> opt() {
    if (!flag()) return std::nullopt;
    return str();
  }
  std::vector<MimeParam> params() {
    std::vector<MimeParam> ps(count(3));
    for (auto& p : ps) {
      p.name = str();
      p.value = str();
      p.extended = flag();
    }
    return ps;
  }
  std::vector<ImapAddress> addresses() {
    std::vector<ImapAddress> list(count(4));
    for (auto& a : list) {
      a.name = opt();
      a.adl = opt();
      a.mailbox = opt();
      a.host = opt();
    }
    return list;
  }
  Envelope envelope() {
    Envelope e;
    e.date = opt();
    e.subject = opt();
    e.from = addresses();
    e.sender = addresses();
    e.reply_to = addresses();
    e.to = addresses();
    e.cc = addresses();
    e.bcc = addresses();
    e.in_reply_to = opt();
    e.message_id = opt();
    return e;
  }
  void part(MimePart& p, std::size_t depth) {
    if (depth > kMaxDecodeDepth) {
      ok_ = false;
      return;
    }
    p.type = str();
    p.subtype = str();
    p.params = params();
    p.id = opt();
    p.description = opt();
    p.encoding = opt();
    p.md5 = opt();
    p.disposition = opt();
    p.disposition_params = params();
    p.language.resize(count(1));
    for (auto& l : p.language) l = str();
    p.location = opt();
    p.header_offset = u64();
    p.header_size = u64();
    p.body_offset = u64();
    p.body_size = u64();
    p.body_lines = u64();
    if (flag()) p.envelope = envelope();
    if (!ok_) return;
    p.children.resize(count(18));
    for (auto& c : p.children) {
      part(c, depth + 1);
      if (!ok_) return;
    }
  }

 private:
  std::uint64_t fail_zero() {
    ok_ = false;
    in_ = {};
    return 0;
  }
  std::string_view in_;
  bool ok_ = true;
};

constexpr std::string_view kMessageMagic = "RMP";
constexpr std::string_view kEnvelopeMagic = "RME";

bool check_magic(std::string_view& blob, std::string_view magic) {
  if (blob.size() < 4 || blob.substr(0, 3) != magic ||
      static_cast<unsigned char>(blob[3]) != kMimeFormatVersion) {
    return false;
  }
  blob.remove_prefix(4);
  return true;
}

}  // namespace

std::string encode_parsed_message(const ParsedMessage& m) {
  Writer w;
  w.out_ += kMessageMagic;
  w.out_ += static_cast<char>(kMimeFormatVersion);
  w.u64(m.size);
  w.u64((m.depth_limited ? 1 : 0) | (m.parts_limited ? 2 : 0) | (m.header_truncated ? 4 : 0));
  w.part(m.root);
  return w.take();
}

Result<ParsedMessage> decode_parsed_message(std::string_view blob) {
  if (!check_magic(blob, kMessageMagic)) return fail("not a parsed-message blob of this version");
  Reader r(blob);
  ParsedMessage m;
  m.size = r.u64();
  std::uint64_t flags = r.u64();
  m.depth_limited = flags & 1;
  m.parts_limited = flags & 2;
  m.header_truncated = flags & 4;
  r.part(m.root, 0);
  if (!r.ok() || !r.at_end()) return fail("corrupt parsed-message blob");
  return m;
}

std::string encode_envelope(const Envelope& envelope) {
  Writer w;
  w.out_ += kEnvelopeMagic;
  w.out_ += static_cast<char>(kMimeFormatVersion);
  w.envelope(envelope);
  return w.take();
}

Result<Envelope> decode_envelope(std::string_view blob) {
  if (!check_magic(blob, kEnvelopeMagic)) return fail("not an envelope blob of this version");
  Reader r(blob);
  Envelope e = r.envelope();
  if (!r.ok() || !r.at_end()) return fail("corrupt envelope blob");
  return e;
}

}  // namespace roost::mail
