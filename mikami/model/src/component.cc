#include "mikami/model/component.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "fields.h"

namespace mikami::model {

namespace json = boost::json;

namespace {

core::Result<PartialEmoji> parse_emoji(const json::value& v) {
  detail::Fields f(v, "emoji");
  PartialEmoji emoji;
  f.id("id", emoji.id);
  f.string("name", emoji.name);
  f.boolean("animated", emoji.animated);
  return f.finish(std::move(emoji));
}

core::Result<SelectOption> parse_select_option(const json::value& v) {
  detail::Fields f(v, "option");
  SelectOption option;
  f.string("label", option.label, detail::Need::kRequired);
  f.string("value", option.value, detail::Need::kRequired);
  f.string("description", option.description);
  f.child("emoji", option.emoji, parse_emoji);
  f.boolean("default", option.is_default);
  return f.finish(std::move(option));
}

json::object emoji_to_json(const PartialEmoji& emoji) {
  json::object o;
  if (emoji.id.is_set()) o["id"] = emoji.id.to_string();
  if (!emoji.name.empty()) o["name"] = emoji.name;
  if (emoji.animated) o["animated"] = true;
  return o;
}

}  // namespace

Component Component::action_row(std::vector<Component> children) {
  Component row;
  row.type = ComponentType::kActionRow;
  row.components = std::move(children);
  return row;
}

Component Component::button(ButtonStyle style, std::string custom_id, std::string label) {
  Component b;
  b.type = ComponentType::kButton;
  b.style = static_cast<std::uint8_t>(style);
  b.custom_id = std::move(custom_id);
  b.label = std::move(label);
  return b;
}

Component Component::link_button(std::string url, std::string label) {
  Component b;
  b.type = ComponentType::kButton;
  b.style = static_cast<std::uint8_t>(ButtonStyle::kLink);
  b.url = std::move(url);
  b.label = std::move(label);
  return b;
}

core::Result<Component> parse_component(const json::value& v) {
  detail::Fields f(v, "component");
  Component c;
  f.integer("type", c.type, detail::Need::kRequired);
  f.string("custom_id", c.custom_id);
  f.integer("style", c.style);
  f.string("label", c.label);
  f.child("emoji", c.emoji, parse_emoji);
  f.string("url", c.url);
  f.boolean("disabled", c.disabled);
  f.list("options", c.options, parse_select_option);
  f.list("channel_types", c.channel_types, detail::channel_type_from);
  f.string("placeholder", c.placeholder);
  f.integer("min_values", c.min_values);
  f.integer("max_values", c.max_values);
  f.integer("min_length", c.min_length);
  f.integer("max_length", c.max_length);
  f.boolean("required", c.required);
  f.string("value", c.value);
  f.list("components", c.components,
         [](const json::value& child) { return parse_component(child); });
  return f.finish(std::move(c));
}

json::object component_to_json(const Component& c) {
  json::object o;
  o["type"] = static_cast<int>(c.type);
  if (!c.custom_id.empty()) o["custom_id"] = c.custom_id;
  if (c.style != 0) o["style"] = c.style;
  if (!c.label.empty()) o["label"] = c.label;
  if (c.emoji) o["emoji"] = emoji_to_json(*c.emoji);
  if (!c.url.empty()) o["url"] = c.url;
  if (c.disabled) o["disabled"] = true;
  if (!c.options.empty()) {
    json::array options;
    for (const SelectOption& option : c.options) {
      json::object oo{{"label", option.label}, {"value", option.value}};
      if (!option.description.empty()) oo["description"] = option.description;
      if (option.emoji) oo["emoji"] = emoji_to_json(*option.emoji);
      if (option.is_default) oo["default"] = true;
      options.push_back(std::move(oo));
    }
    o["options"] = std::move(options);
  }
  if (!c.channel_types.empty()) {
    json::array types;
    for (ChannelType t : c.channel_types) types.push_back(static_cast<int>(t));
    o["channel_types"] = std::move(types);
  }
  if (!c.placeholder.empty()) o["placeholder"] = c.placeholder;
  if (c.min_values) o["min_values"] = *c.min_values;
  if (c.max_values) o["max_values"] = *c.max_values;
  if (c.min_length) o["min_length"] = *c.min_length;
  if (c.max_length) o["max_length"] = *c.max_length;
  if (c.required) o["required"] = *c.required;
  if (!c.value.empty()) o["value"] = c.value;
  // Children are written wherever the parser read them, so a component reads back equal.
  if (c.type == ComponentType::kActionRow || !c.components.empty()) {
    json::array children;
    for (const Component& child : c.components) children.push_back(component_to_json(child));
    o["components"] = std::move(children);
  }
  return o;
}

}  // namespace mikami::model
