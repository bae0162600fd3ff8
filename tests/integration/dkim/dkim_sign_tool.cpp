// dkim_sign_tool DATA_DIR DOMAIN MESSAGE_FILE [CHUNK_SIZE]: signs a message file with the active DKIM
// key of DOMAIN under DATA_DIR (as roostctl stored it) and writes the DKIM-Signature field followed
// by the message to stdout. With CHUNK_SIZE the message is fed to the signer in pieces of that size.
// Exit codes: 0 signed, 1 no key or signing failed (the reason on stderr), 2 bad usage.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "common/dkim/key_store.h"
#include "common/dkim/signer.h"

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: %s DATA_DIR DOMAIN MESSAGE_FILE [CHUNK_SIZE]\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[3], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", argv[3]);
    return 1;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string message = buffer.str();
  std::size_t chunk = argc == 5 ? std::strtoul(argv[4], nullptr, 10) : 0;

  auto key = roost::dkim::load_active_key(argv[1], argv[2]);
  if (!key) {
    std::fprintf(stderr, "%s\n", key.error().message.c_str());
    return 1;
  }
  roost::dkim::MessageSigner signer(*key, static_cast<std::int64_t>(std::time(nullptr)));
  if (chunk == 0) chunk = message.size() + 1;
  for (std::size_t at = 0; at < message.size(); at += chunk) signer.update(std::string_view(message).substr(at, chunk));
  auto field = signer.finish();
  if (!field) {
    std::fprintf(stderr, "%s\n", field.error().message.c_str());
    return 1;
  }
  std::cout << *field << message;
  return std::cout.good() ? 0 : 1;
}
