#include "mikami/tls_client.h"

namespace mikami {

core::Status trust_system_and(boost::asio::ssl::context& context, const std::string& ca_file) {
  context.set_verify_mode(boost::asio::ssl::verify_peer);
  boost::system::error_code ec;
  context.set_default_verify_paths(ec);
  if (ec) {
    return core::fail(core::ErrorCode::kIo,
                      "cannot load the system CA certificates: " + ec.message());
  }
  if (!ca_file.empty()) {
    context.load_verify_file(ca_file, ec);
    if (ec) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        "cannot load CA file " + ca_file + ": " + ec.message());
    }
  }
  return core::ok_status();
}

}  // namespace mikami
