// Fuzzes preset library loading (dorkgen/docs/presets.md): the input is a small archive of
// files, each introduced by a line "== pools/<name>" or "== templates/<name>" and holding
// the bytes up to the next such line. They are written to a scratch directory that
// PresetLibrary::load reads; a library that loads is then turned into a plan for every
// engine. A section whose name could leave the directory is skipped.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dorkgen/preset_library.h"
#include "fuzz_support.h"

namespace {

constexpr std::string_view kHeader = "== ";

// A name the archive may create: pools/<x> or templates/<x>, <x> one plain path component.
bool is_safe_name(std::string_view name) {
  std::string_view rest;
  if (name.starts_with("pools/")) {
    rest = name.substr(6);
  } else if (name.starts_with("templates/")) {
    rest = name.substr(10);
  } else {
    return false;
  }
  if (rest.empty() || rest.size() > 64 || rest == "." || rest == "..") return false;
  return rest.find_first_of(std::string_view("/\0", 2)) == std::string_view::npos;
}

void unpack(std::string_view input, const fuzz::ScratchDir& scratch) {
  // Sections start at the beginning of the input or right after a '\n'.
  std::size_t pos = input.starts_with(kHeader) ? 0 : input.find("\n== ");
  while (pos != std::string_view::npos) {
    if (input[pos] == '\n') ++pos;
    std::size_t name_end = input.find('\n', pos);
    if (name_end == std::string_view::npos) return;
    std::string_view name = input.substr(pos + kHeader.size(), name_end - pos - kHeader.size());
    std::size_t next = input.find("\n== ", name_end);
    std::size_t body_end = next == std::string_view::npos ? input.size() : next + 1;
    if (is_safe_name(name)) {
      scratch.write(std::string(name), input.substr(name_end + 1, body_end - name_end - 1));
    }
    pos = next;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fuzz::ScratchDir scratch;
  scratch.clear();
  unpack(std::string_view(reinterpret_cast<const char*>(data), size), scratch);
  auto library = dorkgen::PresetLibrary::load({scratch.path()});
  if (!library) {
    FUZZ_ASSERT(!library.error().message().empty());
    return 0;
  }
  for (const char* engine : {"google", "bing", "duckduckgo", "yandex"}) {
    dorkgen::GeneratorConfig config;
    config.engine = engine;
    auto plan = dorkgen::build_plan(*library, config);
    if (!plan) FUZZ_ASSERT(!plan.error().message().empty());
  }
  return 0;
}
