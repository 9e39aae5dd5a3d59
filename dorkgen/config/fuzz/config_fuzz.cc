// Fuzzes config files (dorkgen/docs/presets.md, "Config files"): the input is written to a
// file that load_config_file reads. A config that loads and that config_to_text can write
// must read back from that text to the same config.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dorkgen/config.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fuzz::ScratchDir scratch;
  auto path =
      scratch.write("input.conf", std::string_view(reinterpret_cast<const char*>(data), size));
  auto config = dorkgen::load_config_file(path, {});
  if (!config) {
    FUZZ_ASSERT(!config.error().message().empty());
    return 0;
  }
  auto text = dorkgen::config_to_text(*config);
  if (!text) return 0;
  auto again = dorkgen::load_config_file(scratch.write("again.conf", *text), {});
  FUZZ_ASSERT(again.has_value());
  FUZZ_ASSERT(again->keywords == config->keywords);
  FUZZ_ASSERT(again->filetypes == config->filetypes);
  FUZZ_ASSERT(again->query_types == config->query_types);
  FUZZ_ASSERT(again->engine == config->engine);
  FUZZ_ASSERT(again->size == config->size);
  FUZZ_ASSERT(again->seed == config->seed);
  FUZZ_ASSERT(again->format == config->format);
  FUZZ_ASSERT(again->memory_budget_bytes == config->memory_budget_bytes);
  FUZZ_ASSERT(again->preset_dirs == config->preset_dirs);
  return 0;
}
