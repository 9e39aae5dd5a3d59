// Fuzzes inbound gateway payloads (encoding=json): decode_gateway_payload on any bytes must
// return a payload or an error, never throw. A dispatch's "d" is handed on as the parsed
// value, moved out of the parse's arena: it must stay valid after the decoder returns, which
// walking all of it here checks under AddressSanitizer.
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "mikami/gateway_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto payload =
      mikami::decode_gateway_payload(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!payload) {
    FUZZ_ASSERT(!payload.error().message().empty());
    return 0;
  }
  if (payload->op == mikami::GatewayOp::kDispatch) (void)boost::json::serialize(payload->data);
  return 0;
}
