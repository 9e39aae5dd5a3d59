#include "dorkgen/plan.h"

#include <algorithm>
#include <unordered_map>

namespace dorkgen {
namespace {

core::Error invalid(const TemplateSource& source, std::string reason) {
  return core::Error(core::ErrorCode::kInvalidArgument, source.origin + ": " + std::move(reason));
}

}  // namespace

core::Result<Plan> Plan::create(std::vector<Pool> pools, std::vector<TemplateSource> templates) {
  if (templates.empty()) {
    return core::fail(core::ErrorCode::kInvalidArgument, "no template selected");
  }
  Plan plan;
  std::unordered_map<std::string, std::uint32_t> pool_by_name;
  for (std::uint32_t i = 0; i < pools.size(); ++i) pool_by_name.emplace(pools[i].name, i);

  for (TemplateSource& source : templates) {
    PlanTemplate entry;
    entry.count = 1;
    std::size_t max_bytes = 0;
    for (const Slot& slot : source.parsed.slots()) {
      auto found = pool_by_name.find(slot.name);
      if (found == pool_by_name.end()) {
        return core::fail(invalid(
            source, "unknown placeholder {" + slot.name + "}: no pool named '" + slot.name + "'"));
      }
      const Pool& pool = pools[found->second];
      if (pool.values.empty()) {
        return core::fail(invalid(source, "pool '" + slot.name + "' has no values"));
      }
      if (slot.quoted) {
        for (const std::string& v : pool.values) {
          if (v.find('"') != std::string::npos) {
            return core::fail(invalid(source, "{" + slot.name +
                                                  "} sits inside a quoted phrase "
                                                  "but value '" +
                                                  v + "' of " + pool.source + " contains '\"'"));
          }
        }
      }
      entry.slot_pool.push_back(found->second);
      auto product = checked_mul(entry.count, pool.values.size());
      if (!product) return core::fail(invalid(source, "space does not fit in 128 bits"));
      entry.count = *product;
    }
    for (const Segment& segment : source.parsed.segments()) {
      if (!segment.is_slot) {
        max_bytes += segment.literal.size();
        continue;
      }
      const Pool& pool = pools[entry.slot_pool[segment.slot]];
      std::size_t longest = 0;
      for (const std::string& v : pool.values) longest = std::max(longest, v.size());
      max_bytes += longest;
    }
    entry.max_bytes = max_bytes;
    entry.first_index = plan.total_;
    auto sum = checked_add(plan.total_, entry.count);
    if (!sum) return core::fail(invalid(source, "total space does not fit in 128 bits"));
    plan.total_ = *sum;
    plan.max_query_bytes_ = std::max(plan.max_query_bytes_, max_bytes);
    entry.source = std::move(source);
    plan.templates_.push_back(std::move(entry));
  }
  plan.pools_ = std::move(pools);
  plan.narrow_ = (plan.total_ >> 64) == 0;

  // Lay every value and literal out in one arena, each followed by slack for chunked copies.
  std::size_t arena_bytes = 0;
  for (const Pool& pool : plan.pools_) {
    for (const std::string& v : pool.values) arena_bytes += v.size() + kRenderSlack;
  }
  for (const PlanTemplate& t : plan.templates_) {
    for (const Segment& segment : t.source.parsed.segments()) {
      arena_bytes += segment.literal.size() + kRenderSlack;
    }
  }
  // Never reallocated below, and over 15 bytes (so heap-allocated, and a move keeps it in
  // place): views into it stay valid for the plan's life.
  CORE_CHECK(arena_bytes > 15);
  plan.arena_.reserve(arena_bytes);
  auto place = [&plan](const std::string& text) {
    const char* at = plan.arena_.data() + plan.arena_.size();
    plan.arena_ += text;
    plan.arena_.append(kRenderSlack, '\0');
    return std::string_view(at, text.size());
  };
  for (const Pool& pool : plan.pools_) {
    plan.pool_view_base_.push_back(static_cast<std::uint32_t>(plan.views_.size()));
    for (const std::string& v : pool.values) plan.views_.push_back(place(v));
  }
  for (const PlanTemplate& t : plan.templates_) {
    Compiled c;
    for (std::uint32_t pool : t.slot_pool) {
      c.view_base.push_back(plan.pool_view_base_[pool]);
      std::uint64_t radix = plan.pools_[pool].values.size();
      c.radix.push_back(radix);
      c.reciprocal.push_back(radix == 1 ? 0 : ~std::uint64_t{0} / radix + 1);
    }
    c.small = (t.count >> 32) == 0;
    for (const Segment& segment : t.source.parsed.segments()) {
      Op op;
      if (segment.is_slot) {
        op.slot = static_cast<std::int32_t>(segment.slot);
      } else {
        op.data = place(segment.literal).data();
        op.size = static_cast<std::uint32_t>(segment.literal.size());
      }
      c.ops.push_back(op);
    }
    plan.compiled_.push_back(std::move(c));
    plan.starts_.push_back(t.first_index);
  }
  return plan;
}

void Plan::decode(u128 index, std::uint32_t* template_index, std::uint32_t* values) const {
  CORE_CHECK(index < total_);
  auto it = std::upper_bound(starts_.begin(), starts_.end(), index);
  std::uint32_t t = static_cast<std::uint32_t>(it - starts_.begin() - 1);
  *template_index = t;
  const Compiled& c = compiled_[t];
  const std::vector<std::uint64_t>& radix = c.radix;
  u128 local = index - starts_[t];
  std::size_t slot = radix.size();
  if (c.small) {
    // Lemire's division by multiplication: exact for 32-bit dividends.
    std::uint64_t rest = static_cast<std::uint64_t>(local);
    while (slot-- > 0) {
      if (radix[slot] == 1) {
        values[slot] = 0;
        continue;
      }
      std::uint64_t quotient =
          static_cast<std::uint64_t>((static_cast<u128>(c.reciprocal[slot]) * rest) >> 64);
      values[slot] = static_cast<std::uint32_t>(rest - quotient * radix[slot]);
      rest = quotient;
    }
    return;
  }
  if (narrow_) {
    std::uint64_t rest = static_cast<std::uint64_t>(local);
    while (slot-- > 0) {
      values[slot] = static_cast<std::uint32_t>(rest % radix[slot]);
      rest /= radix[slot];
    }
    return;
  }
  while (slot-- > 0) {
    values[slot] = static_cast<std::uint32_t>(local % radix[slot]);
    local /= radix[slot];
  }
}

u128 Plan::encode(std::uint32_t template_index, const std::uint32_t* values) const {
  const std::vector<std::uint64_t>& radix = compiled_[template_index].radix;
  u128 local = 0;
  for (std::size_t slot = 0; slot < radix.size(); ++slot) {
    CORE_CHECK(values[slot] < radix[slot]);
    local = local * radix[slot] + values[slot];
  }
  return starts_[template_index] + local;
}

}  // namespace dorkgen
