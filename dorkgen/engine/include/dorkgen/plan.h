// A Plan is everything one generation run draws from: the chosen templates, each bound to the
// pools that fill its placeholders, with the exact size of the space they span. It is built once
// from configuration (the presets layer does that), validated, and then only read: the engine
// never changes it. Indices in [0, total()) map one-to-one to (template, value tuple) pairs in
// mixed-radix order: templates in plan order, and within a template the last slot varies fastest.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "dorkgen/template.h"
#include "dorkgen/uint128.h"

namespace dorkgen {

// A named list of distinct values. Validation of the values themselves (UTF-8, whitespace,
// duplicates) is the presets layer's job; the plan only checks what rendering needs.
struct Pool {
  std::string name;
  std::vector<std::string> values;
  std::string source;  // where the values came from, for messages ("pools/keyword.txt")
};

// A template as the configuration chose it.
struct TemplateSource {
  std::string query_type;  // e.g. "login-portals"
  std::string origin;      // "templates/login-portals.txt:12", for messages
  Template parsed;
};

// One template of a plan with its binding to pools.
struct PlanTemplate {
  TemplateSource source;
  std::vector<std::uint32_t> slot_pool;  // pool index for each slot of source.parsed
  u128 count = 0;                        // product of the slots' pool sizes
  u128 first_index = 0;                  // sum of the counts of earlier templates
  std::size_t max_bytes = 0;             // longest possible rendering, in bytes
};

// Immutable after create(); thread safe for concurrent readers. Move-only (the rendering tables
// point into the plan's own storage).
class Plan {
 public:
  // Binds every template slot to the pool of the same name and computes the space. Fails with
  // kInvalidArgument naming the template's origin when a placeholder has no pool, when a pool is
  // empty, when a value that would sit inside a quoted phrase contains '"', when the plan has no
  // template, or when a count does not fit in 128 bits.
  static core::Result<Plan> create(std::vector<Pool> pools, std::vector<TemplateSource> templates);

  Plan(Plan&&) noexcept = default;
  Plan& operator=(Plan&&) noexcept = default;
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;

  const std::vector<Pool>& pools() const { return pools_; }
  const std::vector<PlanTemplate>& templates() const { return templates_; }
  // The number of (template, value tuple) pairs: the size of the index space.
  u128 total() const { return total_; }
  // Longest rendering over all templates, in bytes.
  std::size_t max_query_bytes() const { return max_query_bytes_; }

  // Splits `index` (< total()) into a template and one value index per slot.
  // `values` must have room for kMaxSlots entries.
  void decode(u128 index, std::uint32_t* template_index, std::uint32_t* values) const;
  // The inverse of decode().
  u128 encode(std::uint32_t template_index, const std::uint32_t* values) const;

  // Bytes of slack render() may write past the end of a query (it copies in 16-byte chunks).
  static constexpr std::size_t kRenderSlack = 32;

  // Writes the query for a template and value tuple to `out`, which must have room for
  // templates()[t].max_bytes + kRenderSlack bytes, and returns its length. Bytes past the
  // length are scratch.
  std::size_t render(std::uint32_t template_index, const std::uint32_t* values, char* out) const {
    const Compiled& c = compiled_[template_index];
    char* p = out;
    for (const Op& op : c.ops) {
      const char* from = op.data;
      std::uint32_t size = op.size;
      if (op.slot >= 0) {
        const std::string_view v = views_[c.view_base[op.slot] + values[op.slot]];
        from = v.data();
        size = static_cast<std::uint32_t>(v.size());
      }
      // Every literal and value sits in arena_ followed by kRenderSlack readable bytes, so
      // whole 16-byte chunks can be copied without a call to memcpy.
      for (std::uint32_t done = 0; done < size; done += 16) std::memcpy(p + done, from + done, 16);
      p += size;
    }
    return static_cast<std::size_t>(p - out);
  }

  // A value as a view (valid as long as the plan).
  std::string_view value(std::uint32_t pool, std::uint32_t index) const {
    return views_[pool_view_base_[pool] + index];
  }

 private:
  struct Op {
    const char* data = nullptr;
    std::uint32_t size = 0;
    std::int32_t slot = -1;  // -1 for a literal
  };
  struct Compiled {
    std::vector<Op> ops;
    std::vector<std::uint32_t> view_base;   // per slot: offset of its pool in views_
    std::vector<std::uint64_t> radix;       // per slot: its pool's size
    std::vector<std::uint64_t> reciprocal;  // per slot: ceil(2^64 / radix), for fast division
    bool small = false;                     // count < 2^32: decode with the reciprocals
  };

  Plan() = default;

  std::vector<Pool> pools_;
  std::vector<PlanTemplate> templates_;
  std::vector<Compiled> compiled_;
  std::string arena_;  // every literal and value, each followed by kRenderSlack zero bytes
  std::vector<std::string_view> views_;  // every pool's values (in arena_), pool after pool
  std::vector<std::uint32_t> pool_view_base_;
  std::vector<u128> starts_;  // first_index of each template, for the binary search
  u128 total_ = 0;
  bool narrow_ = true;  // total_ fits in 64 bits: decode in 64-bit arithmetic
  std::size_t max_query_bytes_ = 0;
};

}  // namespace dorkgen
