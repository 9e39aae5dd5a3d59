// Fuzzes the query parser as `dorky check` and `dorky extract` use it: parse_query on any
// bytes, then the shape and every term's values. Every view a term holds must lie inside the
// query, in order, and the shape must be stable (a shape's shape is itself).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dorky/query.h"
#include "fuzz_support.h"

namespace {

bool inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view query(reinterpret_cast<const char*>(data), size);
  std::size_t previous = 0;
  for (const dorky::Term& term : dorky::parse_query(query)) {
    FUZZ_ASSERT(inside(term.text, query) && inside(term.name, query) && inside(term.value, query));
    FUZZ_ASSERT(!term.text.empty());
    FUZZ_ASSERT(term.offset >= previous && term.offset < query.size());
    FUZZ_ASSERT(query.substr(term.offset).starts_with(term.text));
    previous = term.offset + term.text.size();
    for (const std::string& value : dorky::read_values(term)) FUZZ_ASSERT(!value.empty());
    if (term.kind == dorky::Term::Kind::kOperator) {
      (void)dorky::is_all_in_operator(term.name);
      FUZZ_ASSERT(dorky::lower_ascii(term.name).size() == term.name.size());
    }
  }
  std::string shape = dorky::query_shape(query);
  FUZZ_ASSERT(dorky::query_shape(shape) == shape);
  return 0;
}
