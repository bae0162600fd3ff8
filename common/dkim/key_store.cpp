// Key files under the data directory: created with their final mode (no chmod after the secret is
// written), read with a size bound, the active selector replaced by rename.
#include "common/dkim/key_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <openssl/crypto.h>

namespace roost::dkim {
namespace {

constexpr std::size_t kMaxDomainLength = 253;
constexpr std::string_view kKeySuffix = ".pem";
constexpr std::string_view kActiveFile = "active";

KeyError error(KeyErrorKind kind, std::string message) { return KeyError{kind, std::move(message)}; }

KeyError io_error(std::string_view what, const std::string& path) {
  return error(KeyErrorKind::io, fmt::format("cannot {} {}: {}", what, path, std::strerror(errno)));
}

bool valid_dns_name(std::string_view name, std::size_t max_length) {
  if (name.empty() || name.size() > max_length) return false;
  std::size_t label = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '.') {
      if (label == 0 || name[i - 1] == '-') return false;
      label = 0;
      continue;
    }
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (label == 0 && c == '-') || ++label > 63) return false;
  }
  return label > 0 && name.back() != '-';
}

KeyResult<void> check_names(std::string_view domain, std::string_view selector) {
  if (!valid_key_domain(domain)) return fail(error(KeyErrorKind::invalid, fmt::format("'{}' is not a domain name", domain)));
  if (!valid_selector(selector)) {
    return fail(error(KeyErrorKind::invalid,
                      fmt::format("'{}' is not a valid selector (letters, digits, '-' and dots; labels up to 63)", selector)));
  }
  return Ok{};
}

// Reads a whole small file; no_key when it does not exist.
KeyResult<std::string> read_small_file(const std::string& path, std::size_t max_size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return fail(error(KeyErrorKind::no_key, fmt::format("there is no {}", path)));
    return fail(io_error("open", path));
  }
  std::string data;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto e = io_error("read", path);
      ::close(fd);
      return fail(e);
    }
    if (n == 0) break;
    if (data.size() + static_cast<std::size_t>(n) > max_size) {
      ::close(fd);
      OPENSSL_cleanse(data.data(), data.size());
      return fail(error(KeyErrorKind::invalid, fmt::format("{} is larger than {} bytes", path, max_size)));
    }
    data.append(buf, static_cast<std::size_t>(n));
  }
  OPENSSL_cleanse(buf, sizeof buf);
  ::close(fd);
  return data;
}

KeyResult<void> write_all_and_sync(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(io_error("write", path));
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0) return fail(io_error("sync", path));
  return Ok{};
}

// The directory's entry for a new or renamed file is durable only once the directory is synced.
void sync_directory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

KeyResult<void> make_private_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) == 0 || errno == EEXIST) return Ok{};
  return fail(io_error("create the directory", path));
}

}  // namespace

bool valid_selector(std::string_view selector) { return valid_dns_name(selector, kMaxSelectorLength); }

bool valid_key_domain(std::string_view domain) {
  if (!valid_dns_name(domain, kMaxDomainLength)) return false;
  return std::none_of(domain.begin(), domain.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string default_selector(std::time_t now) {
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  return fmt::format("roost{:04}{:02}", utc.tm_year + 1900, utc.tm_mon + 1);
}

std::string domain_key_dir(std::string_view data_dir, std::string_view domain) {
  return fmt::format("{}/dkim/{}", data_dir, domain);
}

std::string key_file_path(std::string_view data_dir, std::string_view domain, std::string_view selector) {
  return fmt::format("{}/{}{}", domain_key_dir(data_dir, domain), selector, kKeySuffix);
}

KeyResult<std::string> active_selector(std::string_view data_dir, std::string_view domain) {
  if (!valid_key_domain(domain)) return fail(error(KeyErrorKind::invalid, fmt::format("'{}' is not a domain name", domain)));
  std::string path = fmt::format("{}/{}", domain_key_dir(data_dir, domain), kActiveFile);
  auto text = read_small_file(path, kMaxSelectorLength + 2);
  if (!text) {
    if (text.error().kind == KeyErrorKind::no_key) {
      return fail(error(KeyErrorKind::no_key, fmt::format("domain {} has no active DKIM key", domain)));
    }
    return fail(text.error());
  }
  std::string selector = *text;
  while (!selector.empty() && (selector.back() == '\n' || selector.back() == '\r')) selector.pop_back();
  if (!valid_selector(selector)) {
    return fail(error(KeyErrorKind::invalid, fmt::format("{} does not hold a valid selector", path)));
  }
  return selector;
}

KeyResult<DomainKey> load_key(std::string_view data_dir, std::string_view domain, std::string_view selector) {
  if (auto names = check_names(domain, selector); !names) return fail(names.error());
  std::string path = key_file_path(data_dir, domain, selector);
  auto pem = read_small_file(path, kMaxKeyFileSize);
  if (!pem) return fail(pem.error());
  auto key = SigningKey::from_pem(*pem);
  OPENSSL_cleanse(pem->data(), pem->size());
  if (!key) return fail(error(KeyErrorKind::invalid, fmt::format("{}: {}", path, key.error().message)));
  return DomainKey{std::string(domain), std::string(selector), std::move(*key)};
}

KeyResult<DomainKey> load_active_key(std::string_view data_dir, std::string_view domain) {
  auto selector = active_selector(data_dir, domain);
  if (!selector) return fail(selector.error());
  auto key = load_key(data_dir, domain, *selector);
  if (!key && key.error().kind == KeyErrorKind::no_key) {
    // The active file names a key that is gone: a broken setup, not "unsigned by choice".
    return fail(error(KeyErrorKind::io, key.error().message + ", which the active file of " + std::string(domain) +
                                            " names"));
  }
  return key;
}

KeyResult<void> store_new_key(std::string_view data_dir, std::string_view domain, std::string_view selector,
                              const SigningKey& key) {
  if (auto names = check_names(domain, selector); !names) return fail(names.error());
  if (auto made = make_private_dir(fmt::format("{}/dkim", data_dir)); !made) return fail(made.error());
  std::string dir = domain_key_dir(data_dir, domain);
  if (auto made = make_private_dir(dir); !made) return fail(made.error());
  auto pem = key.private_pem();
  if (!pem) return fail(error(KeyErrorKind::io, pem.error().message));
  std::string path = key_file_path(data_dir, domain, selector);
  // O_EXCL: never replace a key that may still be published; 0600 from the start, so the secret is
  // never readable by others, not even for a moment.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    OPENSSL_cleanse(pem->data(), pem->size());
    if (errno == EEXIST) {
      return fail(error(KeyErrorKind::exists, fmt::format("selector {} of {} has a key already ({})", selector, domain, path)));
    }
    return fail(io_error("create", path));
  }
  auto written = write_all_and_sync(fd, *pem, path);
  OPENSSL_cleanse(pem->data(), pem->size());
  ::close(fd);
  if (!written) {
    ::unlink(path.c_str());
    return fail(written.error());
  }
  sync_directory(dir);
  return Ok{};
}

KeyResult<void> set_active_selector(std::string_view data_dir, std::string_view domain, std::string_view selector) {
  if (auto names = check_names(domain, selector); !names) return fail(names.error());
  std::string dir = domain_key_dir(data_dir, domain);
  std::string path = fmt::format("{}/{}", dir, kActiveFile);
  std::string tmp = fmt::format("{}.{}.tmp", path, ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return fail(io_error("create", tmp));
  auto written = write_all_and_sync(fd, fmt::format("{}\n", selector), tmp);
  ::close(fd);
  if (!written || ::rename(tmp.c_str(), path.c_str()) != 0) {
    KeyError e = written ? io_error("rename to " + path, tmp) : written.error();
    ::unlink(tmp.c_str());
    return fail(e);
  }
  sync_directory(dir);
  return Ok{};
}

KeyResult<std::vector<std::string>> list_selectors(std::string_view data_dir, std::string_view domain) {
  if (!valid_key_domain(domain)) return fail(error(KeyErrorKind::invalid, fmt::format("'{}' is not a domain name", domain)));
  std::string dir = domain_key_dir(data_dir, domain);
  std::vector<std::string> selectors;
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT) return selectors;
    return fail(io_error("list", dir));
  }
  while (dirent* entry = ::readdir(d)) {
    std::string_view name = entry->d_name;
    if (!name.ends_with(kKeySuffix)) continue;
    name.remove_suffix(kKeySuffix.size());
    if (valid_selector(name)) selectors.emplace_back(name);
  }
  ::closedir(d);
  std::sort(selectors.begin(), selectors.end());
  return selectors;
}

KeyResult<std::vector<std::string>> list_key_domains(std::string_view data_dir) {
  std::string dir = fmt::format("{}/dkim", data_dir);
  std::vector<std::string> domains;
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT) return domains;
    return fail(io_error("list", dir));
  }
  while (dirent* entry = ::readdir(d)) {
    std::string_view name = entry->d_name;
    if (valid_key_domain(name)) domains.emplace_back(name);
  }
  ::closedir(d);
  std::sort(domains.begin(), domains.end());
  return domains;
}

}  // namespace roost::dkim
