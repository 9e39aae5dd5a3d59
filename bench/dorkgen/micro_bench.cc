// Hot paths of the dorkgen engine, one at a time: the keyed permutation, decode + render,
// fingerprinting, and the whole sampling loop into a sink that discards its bytes.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/keyed_permutation.h"
#include "dorkgen/fingerprint_set.h"
#include "dorkgen/plan.h"
#include "dorkgen/sampler.h"

namespace dorkgen {
namespace {

// 100 values in each of four pools: 10^8 queries of about 40 bytes.
Plan bench_plan() {
  std::vector<Pool> pools;
  for (const char* name : {"path", "title", "word", "tld"}) {
    Pool pool{name, {}, "bench"};
    for (int i = 0; i < 100; ++i)
      pool.values.push_back(std::string(name) + std::to_string(i * 7919));
    pools.push_back(std::move(pool));
  }
  std::vector<TemplateSource> templates;
  templates.push_back(TemplateSource{
      "bench", "bench:1", *Template::parse("inurl:{path} intitle:{title} {word} site:{tld}")});
  return std::move(*Plan::create(std::move(pools), std::move(templates)));
}

class NullSink final : public ByteSink {
 public:
  core::Status write(std::string_view bytes) override {
    benchmark::DoNotOptimize(bytes.data());
    return core::ok_status();
  }
  core::Status finish() override { return core::ok_status(); }
};

void BM_Permutation(benchmark::State& state) {
  core::KeyedPermutation permutation(100'000'000, 42);
  std::uint64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(permutation.at64(i));
    if (++i == 100'000'000) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Permutation);

void BM_DecodeRender(benchmark::State& state) {
  Plan plan = bench_plan();
  std::vector<char> buffer(plan.max_query_bytes() + Plan::kRenderSlack);
  std::uint32_t t = 0;
  std::uint32_t values[kMaxSlots] = {};
  std::uint64_t i = 0;
  for (auto _ : state) {
    plan.decode(i, &t, values);
    benchmark::DoNotOptimize(plan.render(t, values, buffer.data()));
    i = (i + 7'777'777) % 100'000'000;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeRender);

void BM_Fingerprint(benchmark::State& state) {
  std::string query = "inurl:path1234 intitle:title5678 word9012 site:tld3456";
  query.resize(query.size() + 8);
  for (auto _ : state) {
    benchmark::DoNotOptimize(fingerprint_padded(query.data(), query.size() - 8));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Fingerprint);

// Unique queries per second of the whole sampling loop, for state.range(0) queries.
void BM_Sample(benchmark::State& state) {
  Plan plan = bench_plan();
  for (auto _ : state) {
    NullSink sink;
    SampleOptions options;
    options.size = static_cast<u128>(state.range(0));
    options.memory_budget_bytes = std::size_t{2} << 30;
    auto stats = sample(plan, options, sink);
    if (!stats) state.SkipWithError(stats.error().message().c_str());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Sample)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace dorkgen

BENCHMARK_MAIN();
