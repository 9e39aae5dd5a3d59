// Rich embeds: parsed from messages, built and validated for REST bodies.
// Reference: https://discord.com/developers/docs/resources/message#embed-object
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace mikami::model {

struct EmbedField {
  std::string name{};
  std::string value{};
  bool inline_ = false;  // "inline"
  friend bool operator==(const EmbedField&, const EmbedField&) = default;
};

struct EmbedAuthor {
  std::string name{};
  std::string url{};
  std::string icon_url{};
  friend bool operator==(const EmbedAuthor&, const EmbedAuthor&) = default;
};

struct EmbedFooter {
  std::string text{};
  std::string icon_url{};
  friend bool operator==(const EmbedFooter&, const EmbedFooter&) = default;
};

// An embed. Empty strings and unset optionals are "absent" and are not serialised. The
// builder methods return *this so an embed reads as one expression:
//   Embed().set_title("Balance").set_color(0x2ecc71).add_field("Coins", "120", true)
struct Embed {
  std::string title{};
  std::string type{};  // "rich" for bot embeds; set by Discord on received ones
  std::string description{};
  std::string url{};
  std::string timestamp{};  // ISO 8601
  std::optional<std::uint32_t> color{};
  std::optional<EmbedFooter> footer{};
  std::string image_url{};
  std::string thumbnail_url{};
  std::optional<EmbedAuthor> author{};
  std::vector<EmbedField> fields{};

  Embed& set_title(std::string v);
  Embed& set_description(std::string v);
  Embed& set_url(std::string v);
  Embed& set_timestamp(std::string iso8601);
  Embed& set_color(std::uint32_t rgb);
  Embed& set_footer(std::string text, std::string icon_url = {});
  Embed& set_image(std::string url);
  Embed& set_thumbnail(std::string url);
  Embed& set_author(std::string name, std::string url = {}, std::string icon_url = {});
  Embed& add_field(std::string name, std::string value, bool inline_field = false);

  // The number of characters Discord counts toward the 6,000 limit (title, description,
  // field names and values, footer text, author name), in Unicode code points.
  std::size_t text_length() const;

  friend bool operator==(const Embed&, const Embed&) = default;
};

// Discord's documented embed limits.
inline constexpr std::size_t kEmbedTitleMax = 256;
inline constexpr std::size_t kEmbedDescriptionMax = 4096;
inline constexpr std::size_t kEmbedFieldsMax = 25;
inline constexpr std::size_t kEmbedFieldNameMax = 256;
inline constexpr std::size_t kEmbedFieldValueMax = 1024;
inline constexpr std::size_t kEmbedFooterTextMax = 2048;
inline constexpr std::size_t kEmbedAuthorNameMax = 256;
inline constexpr std::size_t kEmbedTotalMax = 6000;

// Checks the embed against Discord's limits (so a bad embed fails here, naming the part,
// instead of as a 400 from Discord). kInvalidArgument names the first violated limit.
core::Status validate_embed(const Embed& embed);

core::Result<Embed> parse_embed(const boost::json::value& json);
boost::json::object embed_to_json(const Embed& embed);

}  // namespace mikami::model
