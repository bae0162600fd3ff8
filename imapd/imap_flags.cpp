// Flags between the wire and the store.
#include "imapd/imap_flags.h"

#include <utility>

#include "common/base/ascii.h"

namespace roost::imap {
namespace {

struct SystemFlagName {
  const char* name;
  std::uint32_t bit;
};
constexpr SystemFlagName kSystemFlags[] = {
    {"\\Seen", store::kSeen},       {"\\Answered", store::kAnswered}, {"\\Flagged", store::kFlagged},
    {"\\Deleted", store::kDeleted}, {"\\Draft", store::kDraft},
};

}  // namespace

std::optional<store::Flags> flags_from_wire(const std::vector<std::string>& names) {
  store::Flags flags;
  for (const std::string& name : names) {
    if (!name.empty() && name[0] == '\\') {
      if (iequals(name, "\\Recent")) continue;
      bool known = false;
      for (const SystemFlagName& f : kSystemFlags) {
        if (iequals(name, f.name)) {
          flags.system |= f.bit;
          known = true;
        }
      }
      if (!known) return std::nullopt;
      continue;
    }
    if (!store::valid_keyword(name) || name.size() > store::kMaxKeywordLength) return std::nullopt;
    bool duplicate = false;
    for (const std::string& k : flags.keywords) duplicate = duplicate || iequals(k, name);
    if (!duplicate) flags.keywords.push_back(name);
  }
  if (flags.keywords.size() > store::kMaxKeywords) return std::nullopt;
  return flags;
}

std::string render_flags(const store::Flags& flags) {
  std::string out = "(";
  for (const SystemFlagName& f : kSystemFlags) {
    if ((flags.system & f.bit) == 0) continue;
    if (out.size() > 1) out += ' ';
    out += f.name;
  }
  for (const std::string& k : flags.keywords) {
    if (out.size() > 1) out += ' ';
    out += k;
  }
  out += ')';
  return out;
}

std::string render_select_flags(bool read_only) {
  std::string out = "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n";
  // RFC 9051 7.1: "\*" says that new keywords may be created; a read-only mailbox keeps nothing.
  if (read_only) {
    out += "* OK [PERMANENTFLAGS ()] Read-only mailbox\r\n";
  } else {
    out += "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted\r\n";
  }
  return out;
}

}  // namespace roost::imap
