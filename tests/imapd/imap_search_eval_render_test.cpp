// SEARCH / ESEARCH responses byte for byte (RFC 9051 7.3.4, RFC 3501 7.2.5, RFC 4731, RFC 5182,
// RFC 7162 3.1.5) and what SEARCHRES saves.
#include <gtest/gtest.h>

#include "imapd/imap_command.h"
#include "imapd/imap_search_eval.h"

namespace roost::imap {
namespace {

// A view of 10 messages: UIDs 11, 12, ... 20 (seq n has UID n + 10), modseq 100 + n.
std::vector<store::MessageInfo> make_view() {
  std::vector<store::MessageInfo> view;
  for (std::uint32_t n = 1; n <= 10; ++n) {
    store::MessageInfo info;
    info.uid = n + 10;
    info.modseq = 100 + n;
    view.push_back(info);
  }
  return view;
}

Search parse_search(const std::string& args) {
  std::string text = "t1 " + args;
  auto command = parse_command(RawCommand{"t1", text});
  EXPECT_TRUE(command.ok()) << text;
  return command.ok() ? std::get<Search>(command->body) : Search{};
}

std::string render(const std::string& command, std::vector<std::uint32_t> seqs, std::uint64_t modseq = 0) {
  auto view = make_view();
  SearchOutcome outcome{std::move(seqs), modseq};
  return render_search_response("t1", parse_search(command), outcome, view);
}

TEST(SearchRender, PlainSearchListsNumbers) {
  EXPECT_EQ(render("SEARCH ALL", {2, 5, 9}), "* SEARCH 2 5 9\r\n");
  EXPECT_EQ(render("UID SEARCH ALL", {2, 5, 9}), "* SEARCH 12 15 19\r\n");
  EXPECT_EQ(render("SEARCH ALL", {}), "* SEARCH\r\n");
}

TEST(SearchRender, PlainSearchWithModseqKey) {
  EXPECT_EQ(render("SEARCH MODSEQ 104", {4, 7}, 107), "* SEARCH 4 7 (MODSEQ 107)\r\n");
  // RFC 7162 3.1.5: nothing found, no MODSEQ.
  EXPECT_EQ(render("SEARCH MODSEQ 200", {}, 0), "* SEARCH\r\n");
}

TEST(SearchRender, EsearchReturnsRequestedItems) {
  EXPECT_EQ(render("SEARCH RETURN (MIN MAX COUNT ALL) ALL", {2, 3, 4, 7}),
            "* ESEARCH (TAG \"t1\") MIN 2 MAX 7 COUNT 4 ALL 2:4,7\r\n");
  EXPECT_EQ(render("UID SEARCH RETURN (ALL) ALL", {2, 3, 4, 7}), "* ESEARCH (TAG \"t1\") UID ALL 12:14,17\r\n");
  EXPECT_EQ(render("SEARCH RETURN (COUNT) ALL", {1, 2}), "* ESEARCH (TAG \"t1\") COUNT 2\r\n");
  EXPECT_EQ(render("UID SEARCH RETURN (MAX MIN) ALL", {5}), "* ESEARCH (TAG \"t1\") UID MIN 15 MAX 15\r\n");
}

TEST(SearchRender, EmptyReturnListMeansAll) {
  EXPECT_EQ(render("SEARCH RETURN () ALL", {1, 2, 3, 9, 10}), "* ESEARCH (TAG \"t1\") ALL 1:3,9:10\r\n");
}

TEST(SearchRender, NothingFoundKeepsOnlyCount) {
  EXPECT_EQ(render("SEARCH RETURN (MIN MAX ALL) ALL", {}), "* ESEARCH (TAG \"t1\")\r\n");
  EXPECT_EQ(render("UID SEARCH RETURN (MIN COUNT) ALL", {}), "* ESEARCH (TAG \"t1\") UID COUNT 0\r\n");
}

TEST(SearchRender, SaveAloneSendsNothing) {
  EXPECT_EQ(render("SEARCH RETURN (SAVE) ALL", {1, 2}), "");
  EXPECT_EQ(render("SEARCH RETURN (SAVE MIN) ALL", {4, 6}), "* ESEARCH (TAG \"t1\") MIN 4\r\n");
}

TEST(SearchRender, EsearchModseqFollowsTheReportedMessages) {
  EXPECT_EQ(render("SEARCH RETURN (ALL) MODSEQ 1", {2, 6}, 106), "* ESEARCH (TAG \"t1\") ALL 2,6 MODSEQ 106\r\n");
  EXPECT_EQ(render("SEARCH RETURN (MIN) MODSEQ 1", {2, 6}, 106), "* ESEARCH (TAG \"t1\") MIN 2 MODSEQ 102\r\n");
  EXPECT_EQ(render("SEARCH RETURN (COUNT) MODSEQ 1", {2, 6}, 106), "* ESEARCH (TAG \"t1\") COUNT 2 MODSEQ 106\r\n");
}

TEST(SearchRender, SavedUidsFollowMinMaxRule) {
  auto view = make_view();
  SearchOutcome outcome{{2, 5, 9}, 0};
  EXPECT_EQ(saved_search_uids(parse_search("SEARCH RETURN (SAVE) ALL"), outcome, view),
            (std::vector<std::uint32_t>{12, 15, 19}));
  EXPECT_EQ(saved_search_uids(parse_search("SEARCH RETURN (SAVE MIN) ALL"), outcome, view),
            (std::vector<std::uint32_t>{12}));
  EXPECT_EQ(saved_search_uids(parse_search("SEARCH RETURN (SAVE MIN MAX) ALL"), outcome, view),
            (std::vector<std::uint32_t>{12, 19}));
  EXPECT_EQ(saved_search_uids(parse_search("SEARCH RETURN (SAVE MAX COUNT) ALL"), outcome, view),
            (std::vector<std::uint32_t>{12, 15, 19}));
}

TEST(SearchRender, ModseqKeyFoundAtAnyDepth) {
  EXPECT_TRUE(search_uses_modseq(parse_search("SEARCH MODSEQ 5").key));
  EXPECT_TRUE(search_uses_modseq(parse_search("SEARCH OR SEEN NOT (FLAGGED MODSEQ 5)").key));
  EXPECT_FALSE(search_uses_modseq(parse_search("SEARCH OR SEEN NOT (FLAGGED LARGER 5)").key));
}

}  // namespace
}  // namespace roost::imap
