#include "mikami/framework/context.h"

namespace mikami::framework {

model::UserId CommandContext::user_id() const {
  const model::User* user = interaction_.invoker();
  return user ? user->id : model::UserId();
}

std::string CommandContext::subcommand() const {
  std::string out;
  if (!interaction_.data) return out;
  for (std::string_view part : interaction_.data->subcommand_path()) {
    out += (out.empty() ? "" : " ") + std::string(part);
  }
  return out;
}

const model::InteractionOption* CommandContext::find(const std::string& name) const {
  return interaction_.data ? interaction_.data->option(name) : nullptr;
}

std::optional<std::string> CommandContext::string(const std::string& name) const {
  const auto* option = find(name);
  if (option == nullptr || option->as_string() == nullptr) return std::nullopt;
  return *option->as_string();
}

std::optional<std::int64_t> CommandContext::integer(const std::string& name) const {
  const auto* option = find(name);
  if (option == nullptr || option->as_integer() == nullptr) return std::nullopt;
  return *option->as_integer();
}

std::optional<double> CommandContext::number(const std::string& name) const {
  const auto* option = find(name);
  if (option == nullptr) return std::nullopt;
  if (const double* d = option->as_number()) return *d;
  if (const std::int64_t* n = option->as_integer()) return static_cast<double>(*n);
  return std::nullopt;
}

std::optional<bool> CommandContext::boolean(const std::string& name) const {
  const auto* option = find(name);
  if (option == nullptr || option->as_bool() == nullptr) return std::nullopt;
  return *option->as_bool();
}

std::optional<model::Snowflake> CommandContext::id(const std::string& name) const {
  const auto* option = find(name);
  if (option == nullptr || option->as_id() == nullptr) return std::nullopt;
  return *option->as_id();
}

std::string AutocompleteContext::focused_option() const {
  const auto* focused = interaction().data ? interaction().data->focused_option() : nullptr;
  return focused ? focused->name : std::string();
}

std::string AutocompleteContext::focused_text() const {
  const auto* focused = interaction().data ? interaction().data->focused_option() : nullptr;
  if (focused == nullptr || focused->as_string() == nullptr) return {};
  return *focused->as_string();
}

}  // namespace mikami::framework
