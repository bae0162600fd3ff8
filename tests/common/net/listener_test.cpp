// Loop-level tests on loopback port 0: accept, echo, limits, timeouts, backpressure, reset, stop.
// A blocking client runs in a thread; every test is bounded by a safety timer.
#include "common/net/listener.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "common/net/server.h"
#include "tests/common/net/test_client.h"

namespace roost::net {
namespace {

using testing::TestClient;

struct Stats {
  int opened = 0;
  int closed = 0;
  int destroyed = 0;
  int drains = 0;
  int timeouts = 0;
  Timeout last_timeout = Timeout::idle;
  bool saw_unwritable = false;
  std::vector<CloseReason> reasons;
};

// Greets, echoes lines, answers QUIT, and writes "BIG n" bytes only while the output has room.
class EchoHandler final : public ConnectionHandler {
 public:
  EchoHandler(Stats& stats, std::function<void()> closed) : stats_(stats), closed_(std::move(closed)) {}
  ~EchoHandler() override { ++stats_.destroyed; }

  void on_open(Connection& conn) override {
    ++stats_.opened;
    conn.write("220 ready\r\n");
  }
  void on_line(Connection& conn, std::string_view line) override {
    if (line == "QUIT") {
      conn.write("221 bye\r\n");
      conn.close();
    } else if (line.rfind("BIG ", 0) == 0) {
      big_left_ = std::stoull(std::string(line.substr(4)));
      produce(conn);
    } else {
      conn.write(std::string(line) + "\r\n");
    }
  }
  void on_line_too_long(Connection& conn) override { conn.write("500 too long\r\n"); }
  void on_drain(Connection& conn) override {
    ++stats_.drains;
    produce(conn);
  }
  void on_timeout(Connection& conn, Timeout which) override {
    ++stats_.timeouts;
    stats_.last_timeout = which;
    conn.write(which == Timeout::idle ? "421 idle\r\n" : "421 session limit\r\n");
  }
  void on_close(Connection&, CloseReason reason) override {
    ++stats_.closed;
    stats_.reasons.push_back(reason);
    closed_();
  }

 private:
  void produce(Connection& conn) {
    const std::string chunk(16 * 1024, 'x');
    while (big_left_ > 0 && conn.writable()) {
      std::size_t n = std::min<std::size_t>(big_left_, chunk.size());
      conn.write(std::string_view(chunk).substr(0, n));
      big_left_ -= n;
    }
    if (!conn.writable()) stats_.saw_unwritable = true;
  }

  Stats& stats_;
  std::function<void()> closed_;
  std::uint64_t big_left_ = 0;
};

class NetLoop : public ::testing::Test {
 protected:
  NetLoop() : server_(ServerOptions{std::chrono::seconds(2), false}) {}

  Listener* listen(ConnectionLimits limits = {}, std::string address = "127.0.0.1:0") {
    ListenerConfig config;
    config.name = "test";
    config.address = std::move(address);
    config.limits = limits;
    config.busy_text = "421 4.7.0 Too many connections\r\n";
    config.factory = [this](Connection&) {
      return std::make_unique<EchoHandler>(stats_, [this] {
        if (stats_.closed >= expected_closes_) server_.stop();
      });
    };
    auto l = server_.listen(std::move(config));
    EXPECT_TRUE(l.ok()) << (l.ok() ? "" : l.error().message);
    return l.ok() ? *l : nullptr;
  }

  // Runs the loop until `closes` connections were closed (then the server stops), with a client in a
  // thread. Bounded by a 15 s safety timer.
  void run(int closes, const std::function<void()>& client) {
    expected_closes_ = closes;
    Timer safety(server_.loop());
    safety.start(std::chrono::seconds(15), [this] {
      ADD_FAILURE() << "test did not finish in time";
      server_.stop();
      server_.stop();
    });
    std::thread thread(client);
    server_.run();
    thread.join();
  }

  Server server_;
  Stats stats_;
  int expected_closes_ = 1;
};

TEST_F(NetLoop, AcceptEchoAndCloseRunsEachCallbackOnce) {
  Listener* l = listen();
  ASSERT_NE(l, nullptr);
  ASSERT_NE(l->port(), 0);
  std::uint16_t port = l->port();
  std::vector<std::string> got;
  run(1, [&] {
    TestClient c;
    ASSERT_TRUE(c.connect_to(port));
    got.push_back(c.read_line());
    c.send_all("hello\r\nbare lf\nQUIT\r\n");
    got.push_back(c.read_line());
    got.push_back(c.read_line());
    got.push_back(c.read_line());
    got.push_back(c.read_eof() ? "<eof>" : "<no eof>");
  });
  EXPECT_EQ(got, (std::vector<std::string>{"220 ready", "hello", "bare lf", "221 bye", "<eof>"}));
  EXPECT_EQ(stats_.opened, 1);
  EXPECT_EQ(stats_.closed, 1);
  EXPECT_EQ(stats_.destroyed, 1);
  EXPECT_EQ(server_.connection_count(), 0u);
  ASSERT_EQ(stats_.reasons.size(), 1u);
  EXPECT_EQ(stats_.reasons[0], CloseReason::closed_by_server);
}

TEST_F(NetLoop, Ipv6LoopbackListenerAccepts) {
  Listener* l = listen({}, "[::1]:0");
  if (l == nullptr) GTEST_SKIP() << "no IPv6 loopback here";
  std::uint16_t port = l->port();
  std::string greeting;
  run(1, [&] {
    TestClient c;
    ASSERT_TRUE(c.connect_to(port, true));
    greeting = c.read_line();
    c.send_all("QUIT\r\n");
    c.read_eof();
  });
  EXPECT_EQ(greeting, "220 ready");
  EXPECT_EQ(l->address().ip(), "::1");
}

TEST_F(NetLoop, PeerEofClosesTheSessionAfterBufferedLines) {
  std::uint16_t port = listen()->port();
  std::vector<std::string> got;
  run(1, [&] {
    TestClient c;
    ASSERT_TRUE(c.connect_to(port));
    c.read_line();
    c.send_all("one\r\ntwo\r\n");
    c.half_close();
    got.push_back(c.read_line());
    got.push_back(c.read_line());
    c.close();
  });
  EXPECT_EQ(got, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(stats_.closed, 1);
  EXPECT_EQ(stats_.destroyed, 1);
}

TEST_F(NetLoop, ResetByPeerIsHandledOnce) {
  std::uint16_t port = listen()->port();
  run(1, [&] {
    TestClient c;
    ASSERT_TRUE(c.connect_to(port));
    c.read_line();
    c.send_all("partial line without end");
    c.reset();
  });
  EXPECT_EQ(stats_.closed, 1);
  EXPECT_EQ(stats_.destroyed, 1);
}

TEST_F(NetLoop, OverLongLineIsAnsweredAndTheSessionStaysInStep) {
  ConnectionLimits limits;
  limits.max_line = 64;
  std::uint16_t port = listen(limits)->port();
  std::vector<std::string> got;
  run(1, [&] {
    TestClient c;
    ASSERT_TRUE(c.connect_to(port));
    c.read_line();
    c.send_all(std::string(100000, 'a') + "\r\nafter\r\nQUIT\r\n");
    got.push_back(c.read_line());
    got.push_back(c.read_line());
    got.push_back(c.read_line());
  });
  EXPECT_EQ(got, (std::vector<std::string>{"500 too long", "after", "221 bye"}));
}

TEST_F(NetLoop, PerIpLimitWritesTheBusyTextAndCloses) {
  ConnectionLimits limits;
  limits.max_connections_per_ip = 1;
  std::uint16_t port = listen(limits)->port();
  std::vector<std::string> got;
  run(1, [&] {
    TestClient first;
    ASSERT_TRUE(first.connect_to(port));
    got.push_back(first.read_line());
    TestClient second;
    ASSERT_TRUE(second.connect_to(port));
    got.push_back(second.read_line());
    got.push_back(second.read_eof() ? "<eof>" : "<no eof>");
    first.send_all("QUIT\r\n");
    got.push_back(first.read_line());
  });
  EXPECT_EQ(got, (std::vector<std::string>{"220 ready", "421 4.7.0 Too many connections", "<eof>", "221 bye"}));
  EXPECT_EQ(stats_.opened, 1);  // the refused connection never reached the daemon's handler
}

TEST_F(NetLoop, IdleTimeoutLetsTheHandlerAnswerBeforeClose) {
  ConnectionLimits limits;
  limits.idle_timeout = std::chrono::milliseconds(200);
  std::uint16_t port = listen(limits)->port();
  std::vector<std::string> got;
  run(1, [&] {
    TestClient c;
    ASSERT_TRUE(c.connect_to(port));
    got.push_back(c.read_line());
    got.push_back(c.read_line());
    got.push_back(c.read_eof() ? "<eof>" : "<no eof>");
  });
  EXPECT_EQ(got, (std::vector<std::string>{"220 ready", "421 idle", "<eof>"}));
  EXPECT_EQ(stats_.timeouts, 1);
  ASSERT_EQ(stats_.reasons.size(), 1u);
  EXPECT_EQ(stats_.reasons[0], CloseReason::timeout);
}

TEST_F(NetLoop, SessionLimitEndsABusySession) {
  ConnectionLimits limits;
  limits.session_limit = std::chrono::milliseconds(300);
  std::uint16_t port = listen(limits)->port();
  std::vector<std::string> got;
  run(1, [&] {
    TestClient c;
    ASSERT_TRUE(c.connect_to(port));
    c.read_line();
    // Activity resets the idle timer, never the session limit.
    for (;;) {
      c.send_all("ping\r\n");
      std::string line = c.read_line();
      if (line != "ping") {
        got.push_back(line);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    got.push_back(c.read_eof() ? "<eof>" : "<no eof>");
  });
  EXPECT_EQ(got, (std::vector<std::string>{"421 session limit", "<eof>"}));
  EXPECT_EQ(stats_.last_timeout, Timeout::session_limit);
}

TEST_F(NetLoop, SlowReaderPausesTheProducerUntilDrain) {
  ConnectionLimits limits;
  limits.output_high_watermark = 64 * 1024;
  limits.output_low_watermark = 16 * 1024;
  std::uint16_t port = listen(limits)->port();
  const std::size_t total = 8 * 1024 * 1024;
  std::size_t received = 0;
  std::string after;
  run(1, [&] {
    TestClient c;
    ASSERT_TRUE(c.connect_to(port));
    c.read_line();
    c.send_all("BIG " + std::to_string(total) + "\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the queue fill up
    received = c.read_bytes(total).size();
    c.send_all("QUIT\r\n");
    after = c.read_line();
  });
  EXPECT_EQ(received, total);
  EXPECT_EQ(after, "221 bye");
  EXPECT_TRUE(stats_.saw_unwritable);
  EXPECT_GT(stats_.drains, 0);
}

TEST_F(NetLoop, AfterStopNewConnectionsAreRefused) {
  Listener* l = listen();
  std::uint16_t port = l->port();
  std::atomic<bool> refused{false};
  std::string last;
  run(1, [&] {
    TestClient c;
    ASSERT_TRUE(c.connect_to(port));
    c.read_line();
    c.send_all("ping\r\n");
    c.read_line();
    // The fixture stops the server once this session is closed.
    c.send_all("QUIT\r\n");
    last = c.read_line();
    c.read_eof();
    c.close();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    TestClient again;
    refused = !again.connect_to(port);
  });
  EXPECT_EQ(last, "221 bye");
  EXPECT_TRUE(refused);
  EXPECT_TRUE(server_.stopping());
}

TEST(NetTimer, DestroyingATimerInsideItsCallbackIsSafe) {
  Loop loop;
  auto timer = std::make_unique<Timer>(loop);
  int fired = 0;
  timer->start(std::chrono::milliseconds(1), [&] {
    ++fired;
    timer.reset();
  });
  Timer bound(loop);
  bound.start(std::chrono::seconds(5), [&] { loop.stop(); });
  while (fired == 0) uv_run(loop.get(), UV_RUN_ONCE);
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(timer, nullptr);
}

}  // namespace
}  // namespace roost::net
