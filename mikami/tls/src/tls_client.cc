#include "mikami/tls_client.h"

#include <boost/asio/ip/address.hpp>
#include <cctype>

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

bool is_loopback_host(std::string_view host) {
  std::string lower(host);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "localhost" || lower == "localhost.") return true;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(lower, ec);
  if (ec) return false;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6())
        .is_loopback();
  }
  return address.is_loopback();
}

}  // namespace mikami
