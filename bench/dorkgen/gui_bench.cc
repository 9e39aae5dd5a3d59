// dorkgen-pro under load: a 10M-query run driven through the window (offscreen), measuring
// the longest gap between ticks of a 1 ms timer on the GUI thread while the run goes (goal:
// under 50 ms), and the time from Cancel to the worker stopping. Prints the median of
// several rounds of each.
//
//   dorkgen_gui_bench [rounds] [queries]       (defaults: 5 rounds, 10000000 queries)
#include <QApplication>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "dorkgen/main_window.h"

namespace {

namespace fs = std::filesystem;

// Pools of 10, 20, 50 and 1000 values under one four-slot template: a 10,000,000 space, with
// two smaller templates beside it.
void write_presets(const fs::path& root) {
  struct PoolSpec {
    const char* name;
    const char* prefix;
    int values;
  };
  for (const PoolSpec& spec : {PoolSpec{"keyword", "k", 10}, PoolSpec{"filetype", "t", 20},
                               PoolSpec{"tld", "d", 50}, PoolSpec{"word", "v", 1000}}) {
    fs::create_directories(root / "pools");
    std::ofstream pool(root / "pools" / (std::string(spec.name) + ".txt"));
    pool << "# generated for the benchmark\n";
    for (int i = 0; i < spec.values; ++i) pool << spec.prefix << i << "\n";
  }
  fs::create_directories(root / "templates");
  std::ofstream(root / "templates" / "bench.txt")
      << "# Benchmark\ninurl:{keyword} intitle:{word} ext:{filetype} site:{tld}\n"
      << "{word} site:{tld}\n\"{keyword}\" {filetype}\n";
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

struct Round {
  double max_gap_ms = 0;
  double seconds = 0;
  double cancel_ms = 0;
  bool ok = false;
};

// Waits, with the event loop running, until `done` or the time limit.
template <class Done>
bool wait_until(Done done, int limit_ms) {
  QElapsedTimer clock;
  clock.start();
  while (!done()) {
    if (clock.elapsed() > limit_ms) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
  }
  return true;
}

// One run; cancelled after `cancel_after_ms` when that is positive.
Round run_once(dorkgen::MainWindow& window, int cancel_after_ms) {
  Round round;
  bool finished = false;
  auto connection =
      QObject::connect(&window, &dorkgen::MainWindow::runFinished, [&] { finished = true; });
  QElapsedTimer since_tick;
  QTimer ticker;
  ticker.setInterval(1);
  ticker.setTimerType(Qt::PreciseTimer);
  QObject::connect(&ticker, &QTimer::timeout, [&] {
    round.max_gap_ms = std::max(round.max_gap_ms, since_tick.nsecsElapsed() / 1e6);
    since_tick.restart();
  });
  QElapsedTimer wall;
  wall.start();
  since_tick.start();
  ticker.start();
  window.generate();
  if (cancel_after_ms > 0)
    QTimer::singleShot(cancel_after_ms, &window, [&] { window.cancel_run(); });
  QEventLoop loop;
  QObject::connect(&window, &dorkgen::MainWindow::runFinished, &loop, &QEventLoop::quit);
  if (!finished) loop.exec();
  ticker.stop();
  QObject::disconnect(connection);
  round.seconds = wall.nsecsElapsed() / 1e9;
  const dorkgen::GenerationJob* job = window.job();
  round.ok =
      job != nullptr && job->finished() &&
      (cancel_after_ms > 0 ? !job->result().stats.has_value() : job->result().stats.has_value());
  if (job != nullptr) round.cancel_ms = job->cancel_latency_seconds() * 1000;
  return round;
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const std::string queries = argc > 2 ? argv[2] : "10000000";
  QTemporaryDir temp;
  const fs::path dir = temp.path().toStdString();
  write_presets(dir / "presets");
  qputenv("DORKGEN_PRESETS_DIR", QByteArray::fromStdString((dir / "presets").string()));
  qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString((dir / "config").string()));

  QApplication app(argc, argv);
  dorkgen::MainWindow window;
  window.resize(1180, 760);
  window.show();
  window.findChild<QLineEdit*>("size")->setText(QString::fromStdString(queries));
  window.findChild<QLineEdit*>("seed")->setText("1");
  window.findChild<QLineEdit*>("output")->setText(
      QString::fromStdString((dir / "out.txt").string()));
  if (!wait_until([&] { return window.estimate_is_current(); }, 60000)) {
    std::fprintf(stderr, "dorkgen_gui_bench: no estimate within 60 s\n");
    return 1;
  }

  std::vector<double> full_gap, full_seconds, cancel_gap, cancel_ms;
  for (int i = 0; i < rounds; ++i) {
    Round full = run_once(window, 0);
    Round cancelled = run_once(window, 300);
    if (!full.ok || !cancelled.ok) {
      std::fprintf(stderr, "dorkgen_gui_bench: round %d did not end as expected\n", i);
      return 1;
    }
    std::printf(
        "round %d: full run %.2f s, longest gap %.1f ms; cancelled run: cancel took "
        "%.1f ms, longest gap %.1f ms\n",
        i + 1, full.seconds, full.max_gap_ms, cancelled.cancel_ms, cancelled.max_gap_ms);
    full_gap.push_back(full.max_gap_ms);
    full_seconds.push_back(full.seconds);
    cancel_gap.push_back(cancelled.max_gap_ms);
    cancel_ms.push_back(cancelled.cancel_ms);
  }
  const double q = std::strtod(queries.c_str(), nullptr);
  std::printf("median of %d rounds, %s queries through the window:\n", rounds, queries.c_str());
  std::printf("  run time %.2f s (%.1fM queries/s), longest event-loop gap %.1f ms\n",
              median(full_seconds), q / median(full_seconds) / 1e6, median(full_gap));
  std::printf("  cancel to worker stopped %.1f ms, longest event-loop gap %.1f ms\n",
              median(cancel_ms), median(cancel_gap));
  return 0;
}
