// Column alignment for roostctl's lists. Widths count UTF-8 characters, not bytes, so U-label
// domains and mailbox names line up.
#include "admin/table.h"

#include <algorithm>

namespace roost::admin {
namespace {

std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

void print_row(std::FILE* out, const std::vector<std::string>& row, const std::vector<std::size_t>& widths) {
  std::string line;
  for (std::size_t i = 0; i < row.size(); ++i) {
    line += row[i];
    if (i + 1 < row.size()) line.append(widths[i] - display_width(row[i]) + 2, ' ');
  }
  line += '\n';
  std::fputs(line.c_str(), out);
}

}  // namespace

void Table::print(std::FILE* out) const {
  std::vector<std::size_t> widths(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);
  print_row(out, header_, widths);
  for (const auto& row : rows_) print_row(out, row, widths);
}

}  // namespace roost::admin
