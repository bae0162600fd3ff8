// Rendering of IMAP status responses.
#include "imapd/imap_reply.h"

namespace roost::imap {
namespace {

std::string clean(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) out += c;
  }
  return out;
}

const char* condition_name(Condition c) {
  switch (c) {
    case Condition::ok: return "OK";
    case Condition::no: return "NO";
    case Condition::bad: return "BAD";
    case Condition::bye: return "BYE";
  }
  return "BAD";
}

}  // namespace

std::string Reply::render() const {
  std::string out = tag.empty() ? std::string("*") : clean(tag);
  out += ' ';
  out += condition_name(condition);
  if (!code.empty()) out += " [" + clean(code) + "]";
  out += ' ';
  out += text.empty() ? std::string("Done") : clean(text);
  out += "\r\n";
  return out;
}

Reply bad(std::string_view tag, std::string_view text) {
  return Reply{std::string(tag.empty() ? "*" : tag), Condition::bad, "", clean(text)};
}

Reply no(std::string_view tag, std::string_view code, std::string_view text) {
  return Reply{std::string(tag.empty() ? "*" : tag), Condition::no, std::string(code), clean(text)};
}

}  // namespace roost::imap
