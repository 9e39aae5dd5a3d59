// Writes about BYTES of dork-like query lines (whole lines) to stdout, about 10% of them
// repeats of earlier lines, for the Dorky-Dorker benchmark. Deterministic for a seed.
//   dorky_bench_gen BYTES [SEED]
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

const char* kOps[] = {"intitle:", "inurl:", "intext:", "allinurl:"};
const char* kWords[] = {"admin",  "login",   "index of",  "backup", "config",  "password",
                        "report", "invoice", "dashboard", "upload", "private", "database"};
const char* kTypes[] = {"pdf", "xls", "doc", "sql", "log", "txt", "env", "bak"};
const char* kTlds[] = {"com", "org", "net", "io", "de", "co.uk"};

void append_line(std::string& out, std::uint64_t id) {
  std::uint64_t h = mix(id);
  out += kOps[h & 3];
  out += '"';
  out += kWords[(h >> 2) % 12];
  out += "\" site:";
  out += "host";
  out += std::to_string((h >> 8) % 1000000);
  out += '.';
  out += kTlds[(h >> 28) % 6];
  out += " filetype:";
  out += kTypes[(h >> 32) % 8];
  out += ' ';
  out += std::to_string(id);
  out += '\n';
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: dorky_bench_gen BYTES [SEED]\n");
    return 2;
  }
  std::uint64_t bytes = std::strtoull(argv[1], nullptr, 10);
  std::uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  std::string buffer;
  buffer.reserve(1 << 20);
  std::uint64_t unique = 0, state = seed;
  for (std::uint64_t written = 0; written < bytes;) {
    state = mix(state);
    std::uint64_t id = (unique > 0 && state % 10 == 0) ? (state >> 8) % unique : unique++;
    std::size_t before = buffer.size();
    append_line(buffer, id + seed * 1000);
    written += buffer.size() - before;
    if (buffer.size() > (1 << 20) - 256) {
      if (::write(1, buffer.data(), buffer.size()) != static_cast<ssize_t>(buffer.size())) return 3;
      buffer.clear();
    }
  }
  if (!buffer.empty() && ::write(1, buffer.data(), buffer.size()) < 0) return 3;
  return 0;
}
