#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "core/atomic_file.h"
#include "mikami/gateway_session.h"

namespace mikami {
namespace {

constexpr std::string_view kHeader = "mikami-gateway-session 1";

core::Error corrupt(std::string what) {
  return core::Error(core::ErrorCode::kCorrupt, "gateway session: " + std::move(what));
}

template <class Int>
bool parse_int(std::string_view text, Int& out) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

}  // namespace

std::string encode_session(const GatewaySession& session) {
  std::string out(kHeader);
  out += "\nshard_id=" + std::to_string(session.shard_id);
  out += "\nshard_count=" + std::to_string(session.shard_count);
  out += "\nsession_id=" + session.session_id;
  out += "\nsequence=";
  if (session.sequence) out += std::to_string(*session.sequence);
  out += "\nresume_gateway_url=" + session.resume_gateway_url;
  out += '\n';
  return out;
}

core::Result<GatewaySession> decode_session(std::string_view text) {
  GatewaySession session;
  std::size_t line_number = 0;
  bool seen_header = false;
  while (!text.empty()) {
    auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_number;
    if (!seen_header) {
      if (line != kHeader)
        return core::fail(corrupt("line 1 is not \"" + std::string(kHeader) + "\""));
      seen_header = true;
      continue;
    }
    if (line.empty()) continue;
    auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      return core::fail(corrupt("line " + std::to_string(line_number) + " has no '='"));
    }
    std::string_view key = line.substr(0, eq);
    std::string_view value = line.substr(eq + 1);
    const std::string where = "line " + std::to_string(line_number) + " (" + std::string(key) + ")";
    if (key == "shard_id") {
      if (!parse_int(value, session.shard_id) || session.shard_id < 0) {
        return core::fail(corrupt(where + " is not a shard id"));
      }
    } else if (key == "shard_count") {
      if (!parse_int(value, session.shard_count) || session.shard_count < 1) {
        return core::fail(corrupt(where + " is not a shard count"));
      }
    } else if (key == "session_id") {
      session.session_id = std::string(value);
    } else if (key == "sequence") {
      if (!value.empty()) {
        std::int64_t sequence = 0;
        if (!parse_int(value, sequence) || sequence < 0) {
          return core::fail(corrupt(where + " is not a sequence number"));
        }
        session.sequence = sequence;
      }
    } else if (key == "resume_gateway_url") {
      session.resume_gateway_url = std::string(value);
    } else {
      return core::fail(corrupt(where + " is an unknown key"));
    }
  }
  if (!seen_header) return core::fail(corrupt("empty"));
  if (session.shard_id >= session.shard_count) {
    return core::fail(corrupt("shard_id is not below shard_count"));
  }
  return session;
}

namespace {

struct UrlParts {
  std::string scheme;
  std::string host;  // lower case, IPv6 without brackets
};

std::optional<UrlParts> split_url(std::string_view url) {
  const auto colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  UrlParts parts;
  parts.scheme = std::string(url.substr(0, colon));
  std::string_view rest = url.substr(colon + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (rest.find('@') != std::string_view::npos) return std::nullopt;  // user info
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    parts.host = std::string(rest.substr(1, close - 1));
  } else {
    parts.host = std::string(rest.substr(0, rest.find(':')));
  }
  for (char& c : parts.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (char& c : parts.host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (parts.host.empty()) return std::nullopt;
  return parts;
}

bool under_discord(std::string_view host) {
  constexpr std::string_view kDomain = "discord.gg";
  return host == kDomain || (host.size() > kDomain.size() + 1 && host.ends_with(kDomain) &&
                             host[host.size() - kDomain.size() - 1] == '.');
}

}  // namespace

std::string check_resume_url(std::string_view resume_url, std::string_view gateway_url) {
  const auto resume = split_url(resume_url);
  const auto gateway = split_url(gateway_url);
  if (!resume) return "the resume URL is not an absolute ws:// or wss:// URL with a host";
  if (!gateway) return "the gateway URL is not an absolute URL with a host";
  if (resume->scheme != gateway->scheme) {
    return "the resume URL's scheme " + resume->scheme + ":// is not the gateway's " +
           gateway->scheme + "://";
  }
  if (under_discord(gateway->host) && !under_discord(resume->host)) {
    return "the resume URL's host " + resume->host + " is not a Discord gateway host";
  }
  return "";
}

core::Status save_session(const std::filesystem::path& path, const GatewaySession& session) {
  if (has_line_break(session.session_id) || has_line_break(session.resume_gateway_url)) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "gateway session: a field contains a line break");
  }
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path directory = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  if (path.has_parent_path()) {
    // Owner only, so the temporary file is never readable by others either.
    fs::create_directories(directory, error);
    if (!error) {
      fs::permissions(directory, fs::perms::owner_all, fs::perm_options::replace, error);
    }
    if (error) {
      return core::fail(core::ErrorCode::kIo, "cannot make the session directory " +
                                                  directory.string() +
                                                  " owner-only: " + error.message());
    }
  }
  CORE_RETURN_IF_ERROR(core::write_file_atomically(path, encode_session(session)));
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace,
                  error);
  if (error) {
    return core::fail(core::ErrorCode::kIo,
                      "cannot make " + path.string() + " owner-only: " + error.message());
  }
  return core::ok_status();
}

core::Result<GatewaySession> load_session(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    return core::fail(core::ErrorCode::kNotFound,
                      "gateway session file " + path.string() + " does not exist");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::fail(core::ErrorCode::kIo, "cannot open " + path.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return core::fail(core::ErrorCode::kIo, "cannot read " + path.string());
  auto session = decode_session(buffer.str());
  if (!session) return core::fail(session.error().with_context(path.string()));
  return session;
}

}  // namespace mikami
