// TLS client set-up shared by Mikami's REST and gateway clients: which certificates are
// trusted, and how a stream names and checks the peer.
#pragma once

#include <boost/asio/ssl.hpp>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mikami {

// Whether `host` (a name or an IP literal without brackets) is this machine's loopback:
// "localhost", 127.0.0.0/8 or ::1 (also as ::ffff:127.x.y.z). Only there may Mikami use a
// plaintext transport (http://, ws://): anything else would carry the bot token in clear.
bool is_loopback_host(std::string_view host);

// Makes `context` verify peers against the system's CA certificates plus, when `ca_file` is
// not empty, the PEM certificates in it. Fails with kIo when the system certificates cannot be
// loaded and kInvalidArgument when `ca_file` cannot (the message names the file).
core::Status trust_system_and(boost::asio::ssl::context& context, const std::string& ca_file);

// Prepares a TLS stream to connect to `host`: sends SNI when `host` is a name (RFC 6066 carries
// names only) and checks the certificate against `host` (names and IP addresses alike).
// Returns false when OpenSSL refuses the SNI name.
template <class TlsStream>
bool name_peer(TlsStream& stream, const std::string& host, bool host_is_name) {
  if (host_is_name && !SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) {
    return false;
  }
  stream.set_verify_callback(boost::asio::ssl::host_name_verification(host));
  return true;
}

}  // namespace mikami
