// Lists printed as aligned columns with a header line, the way `roostctl ... list` shows them.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace roost::admin {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  // Pads every column but the last to its widest cell plus two spaces.
  void print(std::FILE* out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace roost::admin
