// Header inspection and the header fields roost-smtpd adds to accepted messages.
#include "smtpd/smtp_message.h"

#include "smtpd/smtp_parser.h"

namespace roost::smtp {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Removes comments (RFC 5322 3.2.2, nested) outside quoted strings and collapses the rest.
std::string strip_comments(std::string_view s) {
  std::string out;
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size() && (quoted || depth > 0)) {
      if (depth == 0) {
        out += c;
        out += s[i + 1];
      }
      ++i;
      continue;
    }
    if (depth > 0) {
      if (c == '(') ++depth;
      if (c == ')') --depth;
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (!quoted && c == '(') {
      depth = 1;
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::vector<std::string> extract_addresses(std::string_view field_value) {
  std::string text = strip_comments(field_value);
  std::vector<std::string> out;
  std::string item;
  bool quoted = false;
  bool angle = false;
  auto flush = [&] {
    std::string_view v = trim(item);
    std::size_t open = v.rfind('<');
    if (open != std::string_view::npos) {
      std::size_t close = v.find('>', open);
      if (close != std::string_view::npos) v = trim(v.substr(open + 1, close - open - 1));
    } else if (std::size_t colon = v.find(':'); colon != std::string_view::npos && v.find('"') == std::string_view::npos) {
      v = trim(v.substr(colon + 1));  // group syntax "name: a@b" (RFC 5322 3.4)
    }
    if (!v.empty() && v.back() == ';') v.remove_suffix(1);
    v = trim(v);
    if (!v.empty()) out.emplace_back(v);
    item.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && quoted && i + 1 < text.size()) {
      item += c;
      item += text[++i];
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (!quoted && c == '<') angle = true;
    if (!quoted && c == '>') angle = false;
    if (!quoted && !angle && c == ',') {
      flush();
      continue;
    }
    item += c;
  }
  flush();
  return out;
}

HeaderFacts inspect_headers(std::string_view message) {
  HeaderFacts facts;
  std::string field;  // the current field, unfolded
  auto finish = [&] {
    if (field.empty()) return;
    std::size_t colon = field.find(':');
    if (colon != std::string::npos) {
      std::string_view name = trim(std::string_view(field).substr(0, colon));
      std::string_view value = std::string_view(field).substr(colon + 1);
      if (iequals(name, "Message-ID")) facts.has_message_id = true;
      if (iequals(name, "Date")) facts.has_date = true;
      if (iequals(name, "Received")) ++facts.received_count;
      if (iequals(name, "From")) {
        ++facts.from_fields;
        auto addresses = extract_addresses(value);
        if (addresses.empty()) facts.from_unparsable = true;
        for (auto& a : addresses) facts.from_addresses.push_back(std::move(a));
      }
    }
    field.clear();
  };
  std::size_t pos = 0;
  while (pos < message.size()) {
    std::size_t end = message.find('\n', pos);
    std::string_view line = message.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? message.size() : end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // the end of the header section
    if (line.front() == ' ' || line.front() == '\t') {
      field += line;  // RFC 5322 2.2.3: unfolding removes the CRLF only
      continue;
    }
    finish();
    field = std::string(line);
  }
  finish();
  return facts;
}

std::string received_field(const ReceivedInfo& info) {
  // RFC 5321 4.4: "from" with the EHLO name and the address the connection came from, "by" with our
  // name, "with" the protocol (RFC 3848), "id", an optional "for" clause, then "; date-time".
  std::string out = "Received: from " + (info.helo.empty() ? std::string("unknown") : info.helo) + " (";
  if (!info.peer_name.empty()) out += info.peer_name + " ";
  out += "[" + info.peer_ip + "])\r\n\tby " + info.hostname + " (Roost) with " + info.protocol + " id " + info.id;
  if (!info.tls_version.empty()) {
    out += "\r\n\t(using " + info.tls_version;
    if (!info.tls_cipher.empty()) out += " with cipher " + info.tls_cipher;
    out += ")";
  }
  if (!info.user.empty()) out += "\r\n\t(authenticated user " + info.user + ")";
  if (!info.for_address.empty()) out += "\r\n\tfor <" + info.for_address + ">";
  out += "; " + info.date + "\r\n";
  return out;
}

}  // namespace roost::smtp
