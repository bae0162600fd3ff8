// SEARCH and ESEARCH responses (RFC 9051 7.3.4, RFC 3501 7.2.5, RFC 4731 3.1, RFC 5182 2.1,
// RFC 7162 3.1.5) for a SEARCH outcome.
#include <algorithm>

#include "imapd/imap_search_eval.h"
#include "imapd/selected_view.h"

namespace roost::imap {
namespace {

bool has_option(const std::vector<SearchReturn>& options, SearchReturn option) {
  return std::find(options.begin(), options.end(), option) != options.end();
}

// The numbers the response shows: sequence numbers, or the UIDs of those messages for UID SEARCH.
// Both are ascending since the view is in UID order.
std::vector<std::uint32_t> shown_numbers(bool uid, const SearchOutcome& outcome,
                                         std::span<const store::MessageInfo> view) {
  if (!uid) return outcome.seqs;
  return outcome_uids(outcome, view);
}

std::string quoted_tag(const std::string& tag) {
  // A tag is an astring without '"' or '\\' in practice; escape them anyway (RFC 9051 9 quoted).
  std::string out = "\"";
  for (char c : tag) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

}  // namespace

std::vector<std::uint32_t> outcome_uids(const SearchOutcome& outcome, std::span<const store::MessageInfo> view) {
  std::vector<std::uint32_t> uids;
  uids.reserve(outcome.seqs.size());
  for (std::uint32_t seq : outcome.seqs) {
    if (seq >= 1 && seq <= view.size()) uids.push_back(view[seq - 1].uid);
  }
  return uids;
}

std::vector<std::uint32_t> saved_search_uids(const Search& search, const SearchOutcome& outcome,
                                             std::span<const store::MessageInfo> view) {
  auto uids = outcome_uids(outcome, view);
  if (!search.return_options) return uids;
  const auto& options = *search.return_options;
  bool min = has_option(options, SearchReturn::min);
  bool max = has_option(options, SearchReturn::max);
  // RFC 5182 2.1: with MIN and/or MAX but neither ALL nor COUNT, only those messages are saved.
  if ((min || max) && !has_option(options, SearchReturn::all) && !has_option(options, SearchReturn::count) &&
      !uids.empty()) {
    std::vector<std::uint32_t> kept;
    if (min) kept.push_back(uids.front());
    if (max && (!min || uids.back() != uids.front())) kept.push_back(uids.back());
    return kept;
  }
  return uids;
}

std::string render_search_response(const std::string& tag, const Search& search, const SearchOutcome& outcome,
                                   std::span<const store::MessageInfo> view) {
  auto numbers = shown_numbers(search.uid, outcome, view);
  if (!search.return_options) {
    std::string out = "* SEARCH";
    for (std::uint32_t n : numbers) out += ' ' + std::to_string(n);
    // RFC 7162 3.1.5: the highest mod-sequence of the messages found; none when nothing matched.
    if (outcome.highest_modseq != 0 && !numbers.empty()) {
      out += " (MODSEQ " + std::to_string(outcome.highest_modseq) + ')';
    }
    return out + "\r\n";
  }
  std::vector<SearchReturn> options = *search.return_options;
  bool save = has_option(options, SearchReturn::save);
  std::erase(options, SearchReturn::save);
  if (options.empty()) {
    if (save) return {};  // RFC 5182 2.1: SAVE alone sends no ESEARCH response
    options.push_back(SearchReturn::all);  // RFC 4731 3.1: "RETURN ()" is RETURN (ALL)
  }
  std::string out = "* ESEARCH (TAG " + quoted_tag(tag) + ')';
  if (search.uid) out += " UID";
  // RFC 4731 3.1: MIN, MAX and ALL are left out when nothing matched; COUNT is always given.
  if (has_option(options, SearchReturn::min) && !numbers.empty()) out += " MIN " + std::to_string(numbers.front());
  if (has_option(options, SearchReturn::max) && !numbers.empty()) out += " MAX " + std::to_string(numbers.back());
  if (has_option(options, SearchReturn::count)) out += " COUNT " + std::to_string(numbers.size());
  if (has_option(options, SearchReturn::all) && !numbers.empty()) out += " ALL " + compress_uids(numbers);
  // RFC 4731 3.2: with a MODSEQ key, the highest mod-sequence of the messages reported: all matches
  // for ALL or COUNT, else only the MIN and/or MAX message.
  if (outcome.highest_modseq != 0 && !numbers.empty()) {
    std::uint64_t modseq = outcome.highest_modseq;
    if (!has_option(options, SearchReturn::all) && !has_option(options, SearchReturn::count)) {
      modseq = 0;
      auto modseq_of = [&](std::uint32_t seq) {
        return seq >= 1 && seq <= view.size() ? static_cast<std::uint64_t>(view[seq - 1].modseq) : 0;
      };
      if (has_option(options, SearchReturn::min)) modseq = std::max(modseq, modseq_of(outcome.seqs.front()));
      if (has_option(options, SearchReturn::max)) modseq = std::max(modseq, modseq_of(outcome.seqs.back()));
    }
    if (modseq != 0) out += " MODSEQ " + std::to_string(modseq);
  }
  return out + "\r\n";
}

}  // namespace roost::imap
