// Targets of a scoped run (`dorkgen generate --site example.com`): the domains every query is
// restricted to. A target is written as a host name; what users paste (a URL, a name in
// capitals, a Unicode name) is reduced to the one form search engines read the same way: the
// lowercase ASCII (punycode) host, without a trailing dot. Anything that is not a host, or
// that a site: operator would read otherwise than meant (a path, a port, a wildcard), is
// refused with the reason. The semantics are in dorkgen/docs/cli.md ("Target scoping").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace dorkgen {

// "Example.COM", "https://example.com/", "bücher.de." -> "example.com", "example.com",
// "xn--bcher-kva.de". Fails with kInvalidArgument and a message naming `text` and the reason:
// empty, a scheme other than http(s), user info, a port, a path/query/fragment, a wildcard,
// an invalid IDNA name, a label that is empty, over 63 bytes or not letters/digits/hyphens
// (not starting or ending with '-'), or a name over 253 bytes.
core::Result<std::string> normalize_target(std::string_view text);

// Reads a targets file: one domain a line, blank lines and lines starting with '#' ignored,
// each through normalize_target(). Fails with kNotFound/kIo when the file cannot be read and
// with kInvalidArgument "<path>:<line>: <reason>" for a bad line or a duplicate (after
// normalisation, naming the earlier line).
core::Result<std::vector<std::string>> read_targets_file(const std::string& path);

}  // namespace dorkgen
