#include "mikami/framework/context.h"

namespace mikami::framework {

std::string CommandContext::subcommand() const {
  std::string out;
  for (const auto& part : interaction_.subcommand_path) out += (out.empty() ? "" : " ") + part;
  return out;
}

const InteractionOption* CommandContext::find(const std::string& name) const {
  for (const auto& option : interaction_.options) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

std::optional<std::string> CommandContext::string(const std::string& name) const {
  const auto* option = find(name);
  if (option == nullptr) return std::nullopt;
  if (const auto* s = std::get_if<std::string>(&option->value)) return *s;
  return std::nullopt;
}

std::optional<std::int64_t> CommandContext::integer(const std::string& name) const {
  const auto* option = find(name);
  if (option == nullptr) return std::nullopt;
  if (const auto* n = std::get_if<std::int64_t>(&option->value)) return *n;
  return std::nullopt;
}

std::optional<double> CommandContext::number(const std::string& name) const {
  const auto* option = find(name);
  if (option == nullptr) return std::nullopt;
  if (const auto* d = std::get_if<double>(&option->value)) return *d;
  if (const auto* n = std::get_if<std::int64_t>(&option->value)) return static_cast<double>(*n);
  return std::nullopt;
}

std::optional<bool> CommandContext::boolean(const std::string& name) const {
  const auto* option = find(name);
  if (option == nullptr) return std::nullopt;
  if (const auto* b = std::get_if<bool>(&option->value)) return *b;
  return std::nullopt;
}

std::string AutocompleteContext::focused_option() const {
  for (const auto& option : interaction().options) {
    if (option.focused) return option.name;
  }
  return {};
}

std::string AutocompleteContext::focused_text() const {
  for (const auto& option : interaction().options) {
    if (!option.focused) continue;
    if (const auto* s = std::get_if<std::string>(&option.value)) return *s;
    if (const auto* n = std::get_if<std::int64_t>(&option.value)) return std::to_string(*n);
  }
  return {};
}

}  // namespace mikami::framework
