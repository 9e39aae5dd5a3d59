// Fuzzes the sandbox's HTTP request handling without sockets: the input is the bytes a client
// sends, one or more HTTP/1.1 requests back to back. Each is read by Beast's request parser,
// as the server reads it from a connection, and answered by the REST or control API the
// server would route it to, on a fresh sandbox per input. Every answer is a complete HTTP
// response; an error answer has Discord's JSON error shape.
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "context.h"
#include "control_api.h"
#include "fuzz_http.h"
#include "fuzz_support.h"
#include "gateway.h"
#include "http_util.h"
#include "rest_api.h"

namespace {

namespace http = boost::beast::http;
using namespace mikami::sandbox;

// A few requests per input: enough to reach per-bucket state, bounded in time.
constexpr int kMaxRequests = 8;
constexpr std::size_t kBodyLimit = 1 << 20;

void check_response(Response& response) {
  const int status = static_cast<int>(response.result_int());
  FUZZ_ASSERT(status >= 100 && status < 600);
  if (status >= 400 && !response.body().empty()) {
    boost::system::error_code ec;
    const auto body = boost::json::parse(response.body(), ec);
    FUZZ_ASSERT(!ec);
    FUZZ_ASSERT(body.is_object());
  }
  response.prepare_payload();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  boost::asio::io_context io;  // never run: nothing here waits on a socket
  mikami::SandboxOptions options;
  Context context(options);
  Gateway gateway(io, context);
  RestApi rest(context, gateway);
  ControlApi control(context, gateway, rest);

  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < kMaxRequests && !input.empty(); ++i) {
    http::request_parser<http::string_body> parser;
    parser.eager(true);
    parser.body_limit(kBodyLimit);
    if (!fuzz::read_request(parser, input)) return 0;
    const Request& request = parser.get();
    const std::string_view target(request.target().data(), request.target().size());
    if (target.starts_with("/api/v10/")) {
      Response response = rest.handle(request);
      check_response(response);
    } else if (target.starts_with("/_sandbox/")) {
      Response response = control.handle(request);
      check_response(response);
    }
    if (context.stopping) return 0;
  }
  return 0;
}
