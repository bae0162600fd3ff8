// The I/O side of roost-smtpd: a ConnectionHandler per connection that feeds the bytes to the
// sans-I/O Session and serves its requests with the runtime (STARTTLS) and the mail store
// (authentication, recipients, senders, delivery). SmtpContext holds what all connections share.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/base/config.h"
#include "common/base/worker_pool.h"
#include "common/net/connection_handler.h"
#include "common/base/login_throttle.h"
#include "common/net/loop_post.h"
#include "smtpd/smtp_session.h"
#include "storage/message_parse.h"
#include "storage/store.h"

namespace roost::smtp {

// Shared by every connection of the daemon; lives on the loop thread (except what the pools run).
struct SmtpContext {
  Settings settings;
  store::Store* store = nullptr;
  // Blocking SQLite reads (recipient and sender lookups) run here, never on the loop.
  WorkerPool* readers = nullptr;
  net::LoopPost* post = nullptr;
  LoginThrottle throttle;
};

// The handler factory of one listener. `tls_available`: a certificate is loaded and the listener
// can start TLS (STARTTLS is offered).
net::HandlerFactory smtp_handler_factory(SmtpContext& context, ListenerKind kind, bool tls_available);

// ---- Store queries, run on a worker thread (smtp_store_server.cpp) ----

// What a recipient is (local, remote, unknown...); local_accounts lists the accounts it expands to.
RecipientResult resolve_recipient(store::Store& store, const ResolveRecipient& request);
// Does the account own the address: its own address (sub-address included), or an alias (not the
// catch-all) whose targets include the account.
SenderResult check_sender(store::Store& store, std::int64_t account_id, const mail::Address& address);

// Submitted mail: the message with a DKIM-Signature field in front when `domain` (the sender's, in
// A-labels) has an active key in <data_dir>/dkim; else unchanged (a key that cannot be used is logged).
// Runs on a worker thread (smtp_dkim_server.cpp).
std::string dkim_signed(const std::string& data_dir, const std::string& domain, std::string message,
                        std::uint64_t conn_id, const std::string& queue_id);

// One message to store: local copies (with Return-Path and Delivered-To) and queue entries, in one
// durable write.
// Local recipients are resolved again inside the write, so aliases expand to what the store holds
// at commit time (an account removed since RCPT fails the message with a temporary error).
struct DeliveryPlan {
  std::string queue_id;
  std::string sender;  // envelope sender, "" = null sender
  std::string return_path;  // the reverse-path as written in Return-Path ("<a@b>", "<>")
  std::vector<mail::Address> local;   // RCPTs in local domains
  std::vector<std::string> outbound;  // RCPTs elsewhere (authenticated submission)
};
// Runs the write; `done` is called on the writer thread once it is durable (or failed). Each local
// copy gets Return-Path and Delivered-To in front of `bytes`; queued copies get the bytes as they are.
// `parsed` is the parse of `bytes` (storage/message_parse.h), made before the write.
void deliver_message(store::Store& store, DeliveryPlan plan, std::shared_ptr<const std::string> bytes,
                     std::shared_ptr<const mail::ParsedMessage> parsed,
                     std::function<void(store::StoreResult<std::string>)> done);

}  // namespace roost::smtp
