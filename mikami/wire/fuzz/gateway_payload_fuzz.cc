// Fuzzes inbound gateway payloads (encoding=json): decode_gateway_payload on any bytes must
// return a payload or an error, never throw. A dispatch's "d" is passed on as JSON text, so
// it must parse again.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>

#include "fuzz_support.h"
#include "mikami/gateway_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto payload =
      mikami::decode_gateway_payload(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!payload) {
    FUZZ_ASSERT(!payload.error().message().empty());
    return 0;
  }
  if (payload->op == mikami::GatewayOp::kDispatch && !payload->data.empty()) {
    boost::system::error_code ec;
    (void)boost::json::parse(payload->data, ec);
    FUZZ_ASSERT(!ec);
  }
  return 0;
}
