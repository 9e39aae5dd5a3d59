// Message components (action rows, buttons, select menus, text inputs), parsed from
// messages and serialised for REST bodies. One struct covers every kind; the fields a kind
// does not use stay at their defaults and are not serialised.
// Reference: https://discord.com/developers/docs/interactions/message-components
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "mikami/model/channel.h"
#include "mikami/model/snowflake.h"

namespace mikami::model {

enum class ComponentType : std::uint8_t {
  kActionRow = 1,
  kButton = 2,
  kStringSelect = 3,
  kTextInput = 4,
  kUserSelect = 5,
  kRoleSelect = 6,
  kMentionableSelect = 7,
  kChannelSelect = 8,
};

enum class ButtonStyle : std::uint8_t {
  kPrimary = 1,
  kSecondary = 2,
  kSuccess = 3,
  kDanger = 4,
  kLink = 5,
  kPremium = 6,
};

enum class TextInputStyle : std::uint8_t { kShort = 1, kParagraph = 2 };

struct PartialEmoji {
  EmojiId id{};        // unset for a Unicode emoji
  std::string name{};  // the Unicode character(s) or the custom emoji's name
  bool animated = false;
  friend bool operator==(const PartialEmoji&, const PartialEmoji&) = default;
};

struct SelectOption {
  std::string label{};
  std::string value{};
  std::string description{};
  std::optional<PartialEmoji> emoji{};
  bool is_default = false;  // "default"
  friend bool operator==(const SelectOption&, const SelectOption&) = default;
};

struct Component {
  ComponentType type = ComponentType::kActionRow;
  std::string custom_id{};
  // Button: ButtonStyle; text input: TextInputStyle. 0 when the kind has none.
  std::uint8_t style = 0;
  std::string label{};
  std::optional<PartialEmoji> emoji{};
  std::string url{};  // link buttons
  bool disabled = false;
  std::vector<SelectOption> options{};       // string selects
  std::vector<ChannelType> channel_types{};  // channel selects
  std::string placeholder{};
  std::optional<std::int32_t> min_values{};  // selects
  std::optional<std::int32_t> max_values{};  // selects
  std::optional<std::int32_t> min_length{};  // text inputs
  std::optional<std::int32_t> max_length{};  // text inputs
  std::optional<bool> required{};            // text inputs
  std::string value{};                       // text inputs (pre-filled, or submitted)
  std::vector<Component> components{};       // action rows

  friend bool operator==(const Component&, const Component&) = default;

  static Component action_row(std::vector<Component> children);
  static Component button(ButtonStyle style, std::string custom_id, std::string label);
  static Component link_button(std::string url, std::string label);
};

core::Result<Component> parse_component(const boost::json::value& json);

// The JSON object Discord expects for `component` in a REST body.
boost::json::object component_to_json(const Component& component);

}  // namespace mikami::model
