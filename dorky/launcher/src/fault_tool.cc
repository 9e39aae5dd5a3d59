// dorky-fault: a deliberately misbehaving tool for the launcher's tests. Never installed
// next to the launcher; tests put its directory on DORKY_PATH.
//   dorky-fault segv | abort | exit3 | hang | spam | ok | sigint-wait
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

// Under AddressSanitizer the runtime owns SIGSEGV and ignores signal(SIGSEGV, SIG_DFL), so
// "segv" would end as ASan's report with exit code 1 rather than a death by the signal the
// launcher must name. This tool exists to die by signals: keep ASan's hands off SIGSEGV.
extern "C" const char* __asan_default_options() { return "handle_segv=0"; }

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "ok";
  if (mode == "--describe") {
    std::puts("misbehaves on purpose (launcher tests)");
    return 0;
  }
  if (mode == "segv") {
    // Default disposition first: a sanitizer runtime would otherwise catch the signal.
    ::signal(SIGSEGV, SIG_DFL);
    ::raise(SIGSEGV);
  } else if (mode == "abort") {
    std::abort();
  } else if (mode == "exit3") {
    std::fputs("fault: pretending an I/O error\n", stderr);
    return 3;
  } else if (mode == "hang") {
    // Say so first, so tests know the tool runs before they signal it.
    std::puts("hanging");
    std::fflush(stdout);
    while (true) ::pause();
  } else if (mode == "spam") {
    // 10 MB to stderr, in lines, then success.
    std::string line(99, 'e');
    line += '\n';
    for (int i = 0; i < 100000; ++i) (void)!::write(STDERR_FILENO, line.data(), line.size());
    std::puts("spammed");
    return 0;
  } else if (mode == "echo") {
    for (int i = 2; i < argc; ++i) std::printf("[%s]", argv[i]);
    std::puts("");
    return 0;
  }
  std::puts("ok");
  return 0;
}
