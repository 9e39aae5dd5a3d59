#include "mikami/model/embed.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "fields.h"

namespace mikami::model {

namespace json = boost::json;

namespace {

core::Status limit(std::string_view what, std::string_view value, std::size_t max) {
  const std::size_t n = detail::code_points(value);
  if (n <= max) return core::ok_status();
  return core::fail(core::ErrorCode::kInvalidArgument,
                    "embed " + std::string(what) + " has " + std::to_string(n) +
                        " characters; Discord allows " + std::to_string(max));
}

}  // namespace

Embed& Embed::set_title(std::string v) {
  title = std::move(v);
  return *this;
}
Embed& Embed::set_description(std::string v) {
  description = std::move(v);
  return *this;
}
Embed& Embed::set_url(std::string v) {
  url = std::move(v);
  return *this;
}
Embed& Embed::set_timestamp(std::string iso8601) {
  timestamp = std::move(iso8601);
  return *this;
}
Embed& Embed::set_color(std::uint32_t rgb) {
  color = rgb;
  return *this;
}
Embed& Embed::set_footer(std::string text, std::string icon_url) {
  footer = EmbedFooter{std::move(text), std::move(icon_url)};
  return *this;
}
Embed& Embed::set_image(std::string v) {
  image_url = std::move(v);
  return *this;
}
Embed& Embed::set_thumbnail(std::string v) {
  thumbnail_url = std::move(v);
  return *this;
}
Embed& Embed::set_author(std::string name, std::string author_url, std::string icon_url) {
  author = EmbedAuthor{std::move(name), std::move(author_url), std::move(icon_url)};
  return *this;
}
Embed& Embed::add_field(std::string name, std::string value, bool inline_field) {
  fields.push_back(EmbedField{std::move(name), std::move(value), inline_field});
  return *this;
}

std::size_t Embed::text_length() const {
  std::size_t n = detail::code_points(title) + detail::code_points(description);
  for (const EmbedField& field : fields)
    n += detail::code_points(field.name) + detail::code_points(field.value);
  if (footer) n += detail::code_points(footer->text);
  if (author) n += detail::code_points(author->name);
  return n;
}

core::Status validate_embed(const Embed& embed) {
  CORE_RETURN_IF_ERROR(limit("title", embed.title, kEmbedTitleMax));
  CORE_RETURN_IF_ERROR(limit("description", embed.description, kEmbedDescriptionMax));
  if (embed.fields.size() > kEmbedFieldsMax) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "embed has " + std::to_string(embed.fields.size()) +
                          " fields; Discord allows " + std::to_string(kEmbedFieldsMax));
  }
  for (std::size_t i = 0; i < embed.fields.size(); ++i) {
    const EmbedField& field = embed.fields[i];
    const std::string where = "field " + std::to_string(i);
    if (field.name.empty() || field.value.empty()) {
      return core::fail(core::ErrorCode::kInvalidArgument,
                        "embed " + where + " needs a name and a value");
    }
    CORE_RETURN_IF_ERROR(limit(where + " name", field.name, kEmbedFieldNameMax));
    CORE_RETURN_IF_ERROR(limit(where + " value", field.value, kEmbedFieldValueMax));
  }
  if (embed.footer)
    CORE_RETURN_IF_ERROR(limit("footer text", embed.footer->text, kEmbedFooterTextMax));
  if (embed.author)
    CORE_RETURN_IF_ERROR(limit("author name", embed.author->name, kEmbedAuthorNameMax));
  if (embed.color && *embed.color > 0xFFFFFF) {
    return core::fail(core::ErrorCode::kInvalidArgument, "embed color is not a 24-bit RGB value");
  }
  if (const std::size_t n = embed.text_length(); n > kEmbedTotalMax) {
    return core::fail(core::ErrorCode::kInvalidArgument, "embed text totals " + std::to_string(n) +
                                                             " characters; Discord allows " +
                                                             std::to_string(kEmbedTotalMax));
  }
  return core::ok_status();
}

core::Result<Embed> parse_embed(const json::value& v) {
  detail::Fields f(v, "embed");
  Embed embed;
  f.string("title", embed.title);
  f.string("type", embed.type);
  f.string("description", embed.description);
  f.string("url", embed.url);
  f.string("timestamp", embed.timestamp);
  f.integer("color", embed.color);
  f.child("footer", embed.footer, [](const json::value& fv) {
    detail::Fields ff(fv, "embed.footer");
    EmbedFooter footer;
    ff.string("text", footer.text);
    ff.string("icon_url", footer.icon_url);
    return ff.finish(std::move(footer));
  });
  auto url_of = [&](std::string_view key, std::string& out) {
    if (const auto* media = f.get(key); media && f.ok()) {
      detail::Fields m(*media, key);
      m.string("url", out);
      if (!m.ok()) f.fail(key, "expected an object with a url");
    }
  };
  url_of("image", embed.image_url);
  url_of("thumbnail", embed.thumbnail_url);
  f.child("author", embed.author, [](const json::value& av) {
    detail::Fields af(av, "embed.author");
    EmbedAuthor author;
    af.string("name", author.name);
    af.string("url", author.url);
    af.string("icon_url", author.icon_url);
    return af.finish(std::move(author));
  });
  f.list("fields", embed.fields, [](const json::value& fv) {
    detail::Fields ff(fv, "field");
    EmbedField field;
    ff.string("name", field.name);
    ff.string("value", field.value);
    ff.boolean("inline", field.inline_);
    return ff.finish(std::move(field));
  });
  return f.finish(std::move(embed));
}

json::object embed_to_json(const Embed& embed) {
  json::object o;
  if (!embed.title.empty()) o["title"] = embed.title;
  if (!embed.type.empty()) o["type"] = embed.type;
  if (!embed.description.empty()) o["description"] = embed.description;
  if (!embed.url.empty()) o["url"] = embed.url;
  if (!embed.timestamp.empty()) o["timestamp"] = embed.timestamp;
  if (embed.color) o["color"] = *embed.color;
  if (embed.footer) {
    json::object footer{{"text", embed.footer->text}};
    if (!embed.footer->icon_url.empty()) footer["icon_url"] = embed.footer->icon_url;
    o["footer"] = std::move(footer);
  }
  if (!embed.image_url.empty()) o["image"] = json::object{{"url", embed.image_url}};
  if (!embed.thumbnail_url.empty()) o["thumbnail"] = json::object{{"url", embed.thumbnail_url}};
  if (embed.author) {
    json::object author{{"name", embed.author->name}};
    if (!embed.author->url.empty()) author["url"] = embed.author->url;
    if (!embed.author->icon_url.empty()) author["icon_url"] = embed.author->icon_url;
    o["author"] = std::move(author);
  }
  if (!embed.fields.empty()) {
    json::array fields;
    for (const EmbedField& field : embed.fields) {
      fields.push_back(
          json::object{{"name", field.name}, {"value", field.value}, {"inline", field.inline_}});
    }
    o["fields"] = std::move(fields);
  }
  return o;
}

}  // namespace mikami::model
