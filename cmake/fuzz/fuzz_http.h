// Reads HTTP/1.1 requests from a fuzz input the way a server reads them from a connection:
// for targets whose input is the bytes a client sends (docs/fuzzing.md).
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <string_view>

namespace fuzz {

// Feeds `input` to `parser` until it holds one complete request, removing what it read from
// `input`. False when the bytes end before a complete request, or on a parse error.
template <class Parser>
bool read_request(Parser& parser, std::string_view& input) {
  namespace http = boost::beast::http;
  boost::system::error_code ec;
  std::size_t used = 0;
  while (!input.empty() && !parser.is_done()) {
    const std::size_t n = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
    used += n;
    input.remove_prefix(n);
    if (ec == http::error::need_more) {
      ec = {};
      if (n == 0) break;
      continue;
    }
    if (ec) return false;
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return false;
  }
  return used != 0;
}

}  // namespace fuzz
