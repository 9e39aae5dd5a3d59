#include "autobets/testing/seed.h"

#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

namespace autobets::testing {

std::uint64_t simulation_seed() {
  if (const char* text = std::getenv("AUTOBETS_SEED"); text != nullptr && *text != '\0') {
    return std::stoull(text);
  }
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + (stream + 1) * 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace autobets::testing
