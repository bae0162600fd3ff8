// ConnectionHandler: what a daemon implements to run a protocol session over a Connection. The
// connection calls it on the loop thread; a factory given to each Listener creates one per connection.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

namespace roost::net {

class Connection;

enum class Timeout {
  idle,           // no input (nor output progress) for limits.idle_timeout
  session_limit,  // the session lasted limits.session_limit
};

enum class CloseReason {
  closed_by_server,      // the handler called close()
  peer_closed,           // the peer sent EOF (or a TLS close_notify)
  error,                 // reset or another socket error
  timeout,               // after on_timeout, or output could not be flushed within close_timeout
  tls_failed,            // the TLS handshake or a record failed
  tls_handshake_timeout,
  shutdown,              // the server stopped and the stop deadline passed
  too_many_connections,  // refused at accept by a connection limit
};

std::string_view close_reason_name(CloseReason reason);

// Every callback runs on the loop and may call the Connection's methods (write, close, start_tls, the
// input mode setters). The handler is owned by its Connection and destroyed after on_close; it must
// not destroy the Connection. Callbacks must not throw.
class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;

  // The session starts: write the greeting. On an implicit-TLS listener this comes after the handshake.
  virtual void on_open(Connection& conn) = 0;
  // One line without its line ending (line mode).
  virtual void on_line(Connection& conn, std::string_view line) = 0;
  // A line went over limits.max_line. Reported once; the rest of that line is skipped and the next
  // line arrives normally. Answer it (e.g. "500 5.5.2 Line too long").
  virtual void on_line_too_long(Connection& conn) = 0;
  // Raw data (after read_exactly, read_until/read_message_data, read_stream), in chunks.
  virtual void on_raw(Connection& conn, std::string_view bytes) { (void)conn; (void)bytes; }
  // The raw data asked for is complete; the connection is back in line mode unless the handler
  // selects another mode here.
  virtual void on_raw_end(Connection& conn) { (void)conn; }
  // The STARTTLS handshake finished: forget the session state learnt in plaintext (RFC 3207 4.2).
  virtual void on_tls_ready(Connection& conn) { (void)conn; }
  // Queued output fell to the low watermark after writable() had turned false: write the next chunk.
  virtual void on_drain(Connection& conn) { (void)conn; }
  // A timeout: write the protocol's text ("421 4.4.2 Idle timeout"); the connection then closes after
  // flushing.
  virtual void on_timeout(Connection& conn, Timeout which) = 0;
  // The server is stopping: finish the current exchange, then close(). The default closes at once.
  // Connections still open at the stop deadline are closed with CloseReason::shutdown.
  virtual void on_stop(Connection& conn);
  // Last call: the connection is gone and can no longer write.
  virtual void on_close(Connection& conn, CloseReason reason) { (void)conn; (void)reason; }
};

// Creates the handler of a new connection. The Connection outlives the handler, so the handler may
// keep the reference.
using HandlerFactory = std::function<std::unique_ptr<ConnectionHandler>(Connection& conn)>;

}  // namespace roost::net
