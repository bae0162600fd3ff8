// echo_server: a line-echo test server built on common/net, driven by the integration tests.
// Flags set listeners, TLS files and limits; commands (ECHO, STARTTLS, FLOOD, HOLD, LITERAL, DATA,
// INFO, QUIT) exercise the runtime. Prints "listening <port>..." once every listener is bound.
#include <charconv>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/log.h"
#include "common/net/server.h"

namespace {

using namespace roost;
using namespace roost::net;

// Writes FLOOD output only while the connection has room, continuing on on_drain.
class EchoSession final : public ConnectionHandler {
 public:
  explicit EchoSession(Connection& conn) : hold_timer_(conn.loop()) {}

  void on_open(Connection& conn) override { conn.write("220 echo ready\r\n"); }

  void on_line(Connection& conn, std::string_view line) override {
    auto space = line.find(' ');
    std::string_view verb = line.substr(0, space);
    std::string_view arg = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    if (verb == "ECHO") {
      conn.write(std::string(arg) + "\r\n");
    } else if (verb == "STARTTLS") {
      if (!conn.can_start_tls()) {
        conn.write("454 4.7.0 TLS not available\r\n");
        return;
      }
      conn.write("220 2.0.0 go ahead\r\n");
      (void)conn.start_tls();
    } else if (verb == "INFO") {
      conn.write("conn=" + std::to_string(conn.id()) + " tls=" + (conn.tls_active() ? "yes" : "no") +
                 " version=" + conn.tls_version() + " cipher=" + conn.tls_cipher() + " peer=" +
                 conn.peer().to_string() + "\r\n");
    } else if (verb == "FLOOD") {
      flood_left_ = number(arg);
      flooding_ = true;
      produce(conn);
    } else if (verb == "HOLD") {
      // Keeps the session in flight: the reply comes after the delay; input waits meanwhile.
      conn.pause_input();
      holding_ = true;
      hold_timer_.start(std::chrono::milliseconds(number(arg)), [this, &conn] {
        holding_ = false;
        conn.write("HELD\r\n");
        if (stop_requested_) {
          conn.write("421 4.3.2 shutting down\r\n");
          conn.close();
          return;
        }
        conn.resume_input();
      });
    } else if (verb == "LITERAL") {
      raw_bytes_ = 0;
      raw_reply_ = "LITERAL got ";
      conn.read_exactly(number(arg));
    } else if (verb == "DATA") {
      raw_bytes_ = 0;
      raw_reply_ = "250 got ";
      conn.write("354 go ahead\r\n");
      conn.read_message_data();
    } else if (verb == "QUIT") {
      conn.write("221 bye\r\n");
      conn.close();
    } else {
      conn.write("500 unknown command\r\n");
    }
  }

  void on_line_too_long(Connection& conn) override { conn.write("500 5.5.2 line too long\r\n"); }
  void on_raw(Connection&, std::string_view bytes) override { raw_bytes_ += bytes.size(); }
  void on_raw_end(Connection& conn) override { conn.write(raw_reply_ + std::to_string(raw_bytes_) + "\r\n"); }
  void on_drain(Connection& conn) override { produce(conn); }

  void on_timeout(Connection& conn, Timeout which) override {
    conn.write(which == Timeout::idle ? "421 4.4.2 idle timeout\r\n" : "421 4.4.2 session time limit\r\n");
  }

  void on_stop(Connection& conn) override {
    if (holding_ || flooding_) {
      stop_requested_ = true;  // finish the exchange first
      return;
    }
    conn.write("421 4.3.2 shutting down\r\n");
    conn.close();
  }

 private:
  static std::uint64_t number(std::string_view text) {
    std::uint64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
  }

  void produce(Connection& conn) {
    static const std::string chunk(64 * 1024, 'x');
    while (flood_left_ > 0 && conn.writable()) {
      std::size_t n = flood_left_ < chunk.size() ? static_cast<std::size_t>(flood_left_) : chunk.size();
      conn.write(std::string_view(chunk).substr(0, n));
      flood_left_ -= n;
    }
    if (flooding_ && flood_left_ == 0) {
      flooding_ = false;
      conn.write("\r\nFLOOD done\r\n");
      if (stop_requested_) {
        conn.write("421 4.3.2 shutting down\r\n");
        conn.close();
      }
    }
  }

  Timer hold_timer_;
  bool holding_ = false;
  bool stop_requested_ = false;
  std::uint64_t flood_left_ = 0;
  bool flooding_ = false;
  std::uint64_t raw_bytes_ = 0;
  std::string raw_reply_;
};

struct Options {
  std::vector<std::pair<std::string, ListenMode>> listeners;
  std::string cert;
  std::string key;
  ConnectionLimits limits;
  ServerOptions server;
};

bool parse_number(std::string_view text, std::uint64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

int usage(const std::string& why) {
  std::cerr << "echo_server: " << why << "\n"
            << "usage: echo_server --listen ADDR,plain|starttls|tls ... [--cert F --key F] [--max-line N]\n"
            << "  [--max-input N] [--max-conn N] [--max-per-ip N] [--idle-ms N] [--session-ms N]\n"
            << "  [--handshake-ms N] [--close-ms N] [--stop-deadline-ms N] [--high-watermark N] [--low-watermark N]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  log::set_daemon("echo_server");
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) return usage(flag + " needs a value");
    std::string value = argv[++i];
    std::uint64_t n = 0;
    if (flag == "--listen") {
      auto comma = value.rfind(',');
      if (comma == std::string::npos) return usage("--listen takes ADDR,MODE");
      std::string mode = value.substr(comma + 1);
      ListenMode m = mode == "plain" ? ListenMode::plain
                     : mode == "starttls" ? ListenMode::starttls
                     : mode == "tls" ? ListenMode::implicit_tls
                                     : static_cast<ListenMode>(-1);
      if (m != ListenMode::plain && m != ListenMode::starttls && m != ListenMode::implicit_tls) {
        return usage("unknown mode " + mode);
      }
      opt.listeners.emplace_back(value.substr(0, comma), m);
    } else if (flag == "--cert") {
      opt.cert = value;
    } else if (flag == "--key") {
      opt.key = value;
    } else if (!parse_number(value, n)) {
      return usage(flag + " takes a number");
    } else if (flag == "--max-line") {
      opt.limits.max_line = n;
    } else if (flag == "--max-input") {
      opt.limits.max_input_buffer = n;
    } else if (flag == "--max-conn") {
      opt.limits.max_connections = n;
    } else if (flag == "--max-per-ip") {
      opt.limits.max_connections_per_ip = n;
    } else if (flag == "--idle-ms") {
      opt.limits.idle_timeout = std::chrono::milliseconds(n);
    } else if (flag == "--session-ms") {
      opt.limits.session_limit = std::chrono::milliseconds(n);
    } else if (flag == "--handshake-ms") {
      opt.limits.handshake_timeout = std::chrono::milliseconds(n);
    } else if (flag == "--close-ms") {
      opt.limits.close_timeout = std::chrono::milliseconds(n);
    } else if (flag == "--stop-deadline-ms") {
      opt.server.stop_deadline = std::chrono::milliseconds(n);
    } else if (flag == "--high-watermark") {
      opt.limits.output_high_watermark = n;
    } else if (flag == "--low-watermark") {
      opt.limits.output_low_watermark = n;
    } else {
      return usage("unknown flag " + flag);
    }
  }
  if (opt.listeners.empty()) return usage("no --listen given");

  Server server(opt.server);
  if (!opt.cert.empty()) {
    auto status = server.load_tls({opt.cert, opt.key});
    if (!status) {
      log::error("cannot load the TLS certificate").kv("error", status.error().message);
      return 1;
    }
  }
  std::string ports;
  for (std::size_t i = 0; i < opt.listeners.size(); ++i) {
    ListenerConfig config;
    config.name = "echo" + std::to_string(i);
    config.address = opt.listeners[i].first;
    config.mode = opt.listeners[i].second;
    config.limits = opt.limits;
    config.busy_text = "421 4.7.0 Too many connections\r\n";
    config.factory = [](Connection& conn) { return std::make_unique<EchoSession>(conn); };
    auto listener = server.listen(std::move(config));
    if (!listener) {
      log::error("cannot listen").kv("error", listener.error().message);
      return 1;
    }
    ports += " " + std::to_string((*listener)->port());
  }
  std::printf("listening%s\n", ports.c_str());
  std::fflush(stdout);
  return server.run();
}
