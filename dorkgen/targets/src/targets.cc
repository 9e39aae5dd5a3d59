#include "dorkgen/targets.h"

#include <idn2.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <system_error>

namespace dorkgen {
namespace {

constexpr std::size_t kMaxLabelBytes = 63;
constexpr std::size_t kMaxNameBytes = 253;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

core::Error bad(std::string_view text, const std::string& reason) {
  return core::Error(core::ErrorCode::kInvalidArgument,
                     "target '" + std::string(text) + "' " + reason);
}

bool ascii_only(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

bool ldh(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// Checks the ASCII form label by label (RFC 1123 host names).
core::Status check_labels(std::string_view original, std::string_view host) {
  if (host.size() > kMaxNameBytes) {
    return core::fail(bad(original, "is longer than 253 bytes (the limit of a domain name)"));
  }
  std::size_t start = 0;
  while (start <= host.size()) {
    std::size_t dot = host.find('.', start);
    if (dot == std::string_view::npos) dot = host.size();
    std::string_view label = host.substr(start, dot - start);
    if (label.empty()) return core::fail(bad(original, "has an empty label ('..')"));
    if (label.size() > kMaxLabelBytes) {
      return core::fail(bad(original, "has a label over 63 bytes ('" + std::string(label) + "')"));
    }
    for (char c : label) {
      if (!ldh(c)) {
        return core::fail(bad(original, "is not a host name: '" + std::string(1, c) +
                                            "' (a label holds letters, digits and '-')"));
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return core::fail(
          bad(original, "has a label starting or ending with '-' ('" + std::string(label) + "')"));
    }
    start = dot + 1;
  }
  return core::ok_status();
}

}  // namespace

core::Result<std::string> normalize_target(std::string_view text) {
  const std::string_view original = trim(text);
  std::string_view rest = original;
  if (rest.empty()) return core::fail(bad(text, "is empty"));
  if (std::size_t scheme = rest.find("://"); scheme != std::string_view::npos) {
    std::string name(rest.substr(0, scheme));
    for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (name != "http" && name != "https") {
      return core::fail(bad(original, "has the scheme '" + std::string(rest.substr(0, scheme)) +
                                          "'; give a host name (example.com) or an http(s) URL"));
    }
    rest.remove_prefix(scheme + 3);
  }
  // A URL reduces to its host when nothing past it changes what site: would match.
  std::size_t end = rest.find_first_of("/?#");
  if (end != std::string_view::npos) {
    std::string_view tail = rest.substr(end);
    if (tail != "/") {
      return core::fail(bad(original, "has a path or query ('" + std::string(tail) +
                                          "'); site: scopes a whole host, so give the host only"));
    }
    rest = rest.substr(0, end);
  }
  if (rest.find('@') != std::string_view::npos) {
    return core::fail(bad(original, "has user info ('...@'); give the host only"));
  }
  if (rest.find(':') != std::string_view::npos) {
    return core::fail(bad(original, "has a port; site: matches every port, give the host only"));
  }
  if (rest.find('*') != std::string_view::npos) {
    return core::fail(
        bad(original, "has a wildcard; site:example.com already covers its subdomains"));
  }
  if (rest.find_first_of(" \t") != std::string_view::npos) {
    return core::fail(bad(original, "has a blank inside; give one host name a line"));
  }
  // ".gov" is how dorks often write a TLD scope; the host is the same without the dot.
  if (rest.starts_with('.')) rest.remove_prefix(1);
  if (rest.ends_with('.')) rest.remove_suffix(1);  // the root label
  if (rest.empty()) return core::fail(bad(original, "has no host name"));

  std::string host;
  if (ascii_only(rest)) {
    host.assign(rest);
    for (char& c : host) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  } else {
    // IDNA2008 with the UTS #46 mapping (case folding, NFC), as browsers resolve names.
    char* ascii = nullptr;
    std::string input(rest);
    int rc = idn2_to_ascii_8z(input.c_str(), &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    std::unique_ptr<char, void (*)(void*)> owned(ascii, idn2_free);
    if (rc != IDN2_OK) {
      return core::fail(bad(
          original,
          std::string("is not a valid internationalised domain name (") + idn2_strerror(rc) + ")"));
    }
    host = owned.get();
  }
  CORE_RETURN_IF_ERROR(check_labels(original, host));
  return host;
}

core::Result<std::vector<std::string>> read_targets_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return core::fail(core::ErrorCode::kNotFound,
                      path + ": targets file does not exist or is not a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::fail(core::ErrorCode::kIo, path + ": cannot read targets file");
  std::vector<std::string> targets;
  std::map<std::string, int> seen;  // normalised target -> line
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string_view text = trim(line);
    if (text.empty() || text.front() == '#') continue;
    const std::string where = path + ":" + std::to_string(number);
    auto target = normalize_target(text);
    if (!target) return core::fail(target.error().with_context(where));
    auto [it, inserted] = seen.emplace(*target, number);
    if (!inserted) {
      return core::fail(core::ErrorCode::kInvalidArgument, where + ": duplicate target '" +
                                                               *target + "' (also line " +
                                                               std::to_string(it->second) + ")");
    }
    targets.push_back(std::move(*target));
  }
  if (in.bad()) return core::fail(core::ErrorCode::kIo, path + ": read error");
  if (targets.empty()) {
    return core::fail(core::ErrorCode::kInvalidArgument, path + ": targets file has no domain");
  }
  return targets;
}

}  // namespace dorkgen
