// Typed IMAP commands and the per-command argument grammar (RFC 9051, RFC 3501 and the extensions
// Roost serves: IDLE, UIDPLUS, MOVE, LITERAL+, NAMESPACE, ID, ENABLE, SPECIAL-USE, CONDSTORE,
// QRESYNC, ESEARCH, SEARCHRES, SASL-IR, UNSELECT, CHILDREN, LIST-EXTENDED, LIST-STATUS, STATUS=SIZE,
// APPENDLIMIT, BINARY, QUOTA, COMPRESS=DEFLATE). Pure functions over a framed command; no state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/base/result.h"
#include "common/mail/date.h"
#include "imapd/imap_parser.h"
#include "imapd/imap_reply.h"
#include "imapd/imap_search.h"
#include "imapd/sequence_set.h"

namespace roost::imap {

// Mailbox names are as sent (astring, "INBOX" not yet folded); mailbox_from_wire decodes them once
// the session knows whether UTF-8 is enabled.
struct Capability {
  bool operator==(const Capability&) const = default;
};
struct Noop {
  bool operator==(const Noop&) const = default;
};
struct Logout {
  bool operator==(const Logout&) const = default;
};
struct StartTls {
  bool operator==(const StartTls&) const = default;
};
struct Namespace {
  bool operator==(const Namespace&) const = default;
};
struct Idle {
  bool operator==(const Idle&) const = default;
};
struct Check {
  bool operator==(const Check&) const = default;
};
struct Close {
  bool operator==(const Close&) const = default;
};
struct Unselect {
  bool operator==(const Unselect&) const = default;
};
struct Authenticate {
  std::string mechanism;  // upper-cased
  std::optional<std::string> initial_response;  // SASL-IR (RFC 4959 3): base64, "=" for empty
  bool operator==(const Authenticate&) const = default;
};
struct Login {
  std::string user;
  std::string password;
  bool operator==(const Login&) const = default;
};
struct Enable {
  std::vector<std::string> capabilities;  // upper-cased
  bool operator==(const Enable&) const = default;
};
struct QresyncParams {  // RFC 7162 3.2.5
  std::uint32_t uidvalidity = 0;
  std::uint64_t modseq = 0;
  std::optional<SequenceSet> known_uids;
  std::optional<std::pair<SequenceSet, SequenceSet>> seq_match;  // known sequence set, known UIDs
  bool operator==(const QresyncParams&) const = default;
};
struct Select {
  std::string mailbox;
  bool read_only = false;  // EXAMINE
  bool condstore = false;  // (CONDSTORE), RFC 7162 3.1.8
  std::optional<QresyncParams> qresync;
  bool operator==(const Select&) const = default;
};
struct Create {
  std::string mailbox;
  std::vector<std::string> special_use;  // (USE (\Drafts ...)), RFC 6154 3
  bool operator==(const Create&) const = default;
};
struct Delete {
  std::string mailbox;
  bool operator==(const Delete&) const = default;
};
struct Rename {
  std::string from;
  std::string to;
  bool operator==(const Rename&) const = default;
};
struct Subscribe {
  std::string mailbox;
  bool subscribe = true;  // false: UNSUBSCRIBE
  bool operator==(const Subscribe&) const = default;
};

enum class StatusItem { messages, uidnext, uidvalidity, unseen, deleted, size, recent, highestmodseq, appendlimit };

struct List {
  bool lsub = false;
  // LIST-EXTENDED selection options (RFC 5258 3.1, RFC 6154 3).
  bool subscribed = false;
  bool remote = false;
  bool recursive_match = false;
  bool special_use = false;
  std::string reference;
  std::vector<std::string> patterns;  // one, or several in parentheses (RFC 5258 3)
  // Return options (RFC 5258 3.2, RFC 5819, RFC 6154).
  bool return_subscribed = false;
  bool return_children = false;
  bool return_special_use = false;
  std::optional<std::vector<StatusItem>> return_status;
  bool operator==(const List&) const = default;
};
struct Status {
  std::string mailbox;
  std::vector<StatusItem> items;
  bool operator==(const Status&) const = default;
};
struct AppendMessage {
  std::vector<std::string> flags;
  std::optional<mail::DateTime> internal_date;
  std::string data;
  bool binary = false;  // literal8 (RFC 3516 4.3)
  bool operator==(const AppendMessage&) const = default;
};
struct Append {
  std::string mailbox;
  std::vector<AppendMessage> messages;  // more than one only with MULTIAPPEND (RFC 3502)
  bool operator==(const Append&) const = default;
};
struct Expunge {
  std::optional<SequenceSet> uids;  // UID EXPUNGE (RFC 4315 2.1)
  bool operator==(const Expunge&) const = default;
};
struct Search {
  bool uid = false;
  std::optional<std::string> charset;
  // ESEARCH RETURN options (RFC 4731 3.1, RFC 5182 2): present when RETURN was given, even empty.
  std::optional<std::vector<SearchReturn>> return_options;
  SearchKey key;  // the top level is an AND of the keys given
  bool operator==(const Search&) const = default;
};

struct Partial {
  std::uint32_t offset = 0;
  std::uint32_t length = 0;  // nz-number
  bool operator==(const Partial&) const = default;
};
// section-spec (RFC 9051 9): part numbers, then an optional text part.
struct BodySection {
  enum class Text { none, header, header_fields, header_fields_not, text, mime };
  std::vector<std::uint32_t> part;
  Text text = Text::none;
  std::vector<std::string> fields;  // upper-cased header names for HEADER.FIELDS [.NOT]
  bool operator==(const BodySection&) const = default;
};
struct FetchItem {
  enum class Kind {
    envelope, flags, internal_date, rfc822, rfc822_header, rfc822_size, rfc822_text, body_structure_basic,
    body_structure, uid, modseq, body_section, binary, binary_size,
  };
  Kind kind = Kind::flags;
  bool peek = false;                 // BODY.PEEK / BINARY.PEEK
  BodySection section;               // body_section, binary (part only), binary_size
  std::optional<Partial> partial;    // <offset.length>
  bool operator==(const FetchItem&) const = default;
};
struct Fetch {
  bool uid = false;
  SequenceSet set;
  std::vector<FetchItem> items;  // macros (ALL, FAST, FULL) expanded
  std::optional<std::uint64_t> changed_since;  // RFC 7162 3.1.4
  bool vanished = false;                       // RFC 7162 3.2.6: UID FETCH with CHANGEDSINCE only
  bool operator==(const Fetch&) const = default;
};
struct Store {
  enum class Mode { replace, add, remove };
  bool uid = false;
  SequenceSet set;
  std::optional<std::uint64_t> unchanged_since;  // RFC 7162 3.1.3
  Mode mode = Mode::replace;
  bool silent = false;
  std::vector<std::string> flags;
  bool operator==(const Store&) const = default;
};
struct Copy {
  bool uid = false;
  bool move = false;  // MOVE (RFC 6851)
  SequenceSet set;
  std::string mailbox;
  bool operator==(const Copy&) const = default;
};
struct Id {
  std::vector<std::pair<std::string, std::optional<std::string>>> params;  // empty for NIL
  bool operator==(const Id&) const = default;
};
struct GetQuota {
  std::string root;
  bool operator==(const GetQuota&) const = default;
};
struct GetQuotaRoot {
  std::string mailbox;
  bool operator==(const GetQuotaRoot&) const = default;
};
struct Compress {
  std::string mechanism;  // upper-cased; only DEFLATE is offered (RFC 4978 3)
  bool operator==(const Compress&) const = default;
};

using CommandBody = std::variant<Capability, Noop, Logout, StartTls, Namespace, Idle, Check, Close, Unselect,
                                 Authenticate, Login, Enable, Select, Create, Delete, Rename, Subscribe, List,
                                 Status, Append, Expunge, Search, Fetch, Store, Copy, Id, GetQuota,
                                 GetQuotaRoot, Compress>;

struct Command {
  std::string tag;
  CommandBody body;
};

struct GrammarLimits {
  std::size_t max_depth = 16;           // parentheses and NOT/OR nesting in one command
  std::size_t max_items = 1000;         // entries in a list, FETCH items, search keys
};

// Parses one framed command. Errors are the reply to send: "tag BAD reason" (untagged "* BAD" when
// no valid tag was sent). Command names are case-insensitive; every separator is exactly one SP.
Result<Command, Reply> parse_command(const RawCommand& raw, const GrammarLimits& limits = {});

}  // namespace roost::imap
