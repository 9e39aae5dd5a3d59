// dorkgen-pro: the desktop front end of Dork Generator Pro.
//
//   dorkgen-pro [--config FILE]   open the window, with FILE's settings when given
//
// Exit codes are the suite's (docs/exit-codes.md): a bad option or config file is 2, before
// any window opens.
#include <QApplication>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/exit_codes.h"
#include "dorkgen/config.h"
#include "dorkgen/main_window.h"

namespace {

constexpr const char* kUsage =
    "usage: dorkgen-pro [--config FILE]\n"
    "  --config FILE  start with the settings of a config file (dorkgen generate --config)\n"
    "  -h, --help     this text\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "dorkgen-pro: error: %s\n%s", message.c_str(), kUsage);
  return core::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  // QApplication takes its own options (-platform, ...) out of argv first.
  QApplication app(argc, argv);
  std::string config;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return core::kExitOk;
    }
    if (arg == "--config" && i + 1 < argc) {
      config = argv[++i];
    } else if (arg.starts_with("--config=")) {
      config = arg.substr(9);
    } else if (arg == "--config") {
      return usage_error("--config needs a file");
    } else {
      return usage_error("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (!config.empty()) {
    // Checked here, so that a script starting the app hears of a bad file in its status.
    if (auto loaded = dorkgen::load_config_file(config, dorkgen::GeneratorConfig{}); !loaded) {
      std::fprintf(stderr, "dorkgen-pro: error: %s\n", loaded.error().message().c_str());
      return core::exit_code_for(loaded.error());
    }
  }
  QApplication::setOrganizationName("dorkgen");
  QApplication::setApplicationName("dorkgen-pro");
  QApplication::setApplicationDisplayName("Dork Generator Pro");
  dorkgen::MainWindow window;
  if (!config.empty()) {
    if (QString error = window.load_config(QString::fromStdString(config)); !error.isEmpty()) {
      std::fprintf(stderr, "dorkgen-pro: error: %s\n", error.toStdString().c_str());
      return core::kExitUsage;
    }
  }
  window.show();
  return QApplication::exec();
}
