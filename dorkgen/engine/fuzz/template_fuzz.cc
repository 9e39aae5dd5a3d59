// Fuzzes the template grammar (dorkgen/docs/templates.md): Template::parse on any bytes.
// A parsed template must be consistent (slot indices in range, at most kMaxSlots, valid
// names, literal_bytes the sum of its literals) and must read back the same from its own
// segments written out again ("{" and "}" doubled, slots as "{name}").
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dorkgen/template.h"
#include "fuzz_support.h"

namespace {

std::string write_back(const dorkgen::Template& parsed) {
  std::string text;
  for (const dorkgen::Segment& segment : parsed.segments()) {
    if (segment.is_slot) {
      text += "{" + parsed.slots()[segment.slot].name + "}";
      continue;
    }
    for (char c : segment.literal) {
      if (c == '{' || c == '}') text += c;
      text += c;
    }
  }
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = dorkgen::Template::parse(text);
  if (!parsed) {
    FUZZ_ASSERT(!parsed.error().message().empty());
    return 0;
  }
  FUZZ_ASSERT(parsed->text() == text);
  FUZZ_ASSERT(parsed->slots().size() <= dorkgen::kMaxSlots);
  for (const dorkgen::Slot& slot : parsed->slots()) {
    FUZZ_ASSERT(dorkgen::is_valid_placeholder_name(slot.name));
  }
  std::size_t literal_bytes = 0;
  for (const dorkgen::Segment& segment : parsed->segments()) {
    if (segment.is_slot) {
      FUZZ_ASSERT(segment.slot < parsed->slots().size());
    } else {
      literal_bytes += segment.literal.size();
    }
  }
  FUZZ_ASSERT(literal_bytes == parsed->literal_bytes());

  auto again = dorkgen::Template::parse(write_back(*parsed));
  FUZZ_ASSERT(again.has_value());
  FUZZ_ASSERT(again->segments().size() == parsed->segments().size());
  for (std::size_t i = 0; i < parsed->segments().size(); ++i) {
    const dorkgen::Segment& a = parsed->segments()[i];
    const dorkgen::Segment& b = again->segments()[i];
    FUZZ_ASSERT(a.is_slot == b.is_slot && a.slot == b.slot && a.literal == b.literal);
  }
  FUZZ_ASSERT(again->slots().size() == parsed->slots().size());
  for (std::size_t i = 0; i < parsed->slots().size(); ++i) {
    FUZZ_ASSERT(again->slots()[i].name == parsed->slots()[i].name);
    FUZZ_ASSERT(again->slots()[i].quoted == parsed->slots()[i].quoted);
  }
  return 0;
}
