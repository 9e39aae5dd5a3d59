// Drives dorkgen-pro's window as a user would (offscreen platform), on a preset directory
// whose space holds over 10 million queries, and checks what it writes against the real
// `dorkgen` binary.
#include "dorkgen/main_window.h"

#include <sys/resource.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "dorkgen/file_lines_model.h"

namespace {

namespace fs = std::filesystem;

#ifdef PROJECT_SANITIZED
constexpr double kCancelLimitSeconds = 2.0;
#else
constexpr double kCancelLimitSeconds = 0.5;
#endif
constexpr int kWaitMs = 60000;
#ifdef PROJECT_SANITIZED
constexpr int kLargeFileLines = 200'000;
constexpr int kStagedPool = 200;
#else
constexpr int kLargeFileLines = 1'000'000;
constexpr int kStagedPool = 1000;
#endif

// Helpers report failures with QVERIFY, which only returns from the helper: stop the test too.
#define CHECKED(call)                       \
  do {                                      \
    call;                                   \
    if (QTest::currentTestFailed()) return; \
  } while (false)

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// docs: 10 * 1000 * 20 * 50 + 10 * 20 tuples; logins: 1000 * 10.
void make_presets(const fs::path& root) {
  auto pool = [&](const std::string& name, const std::string& prefix, int n) {
    std::string text = "# " + name + "\n";
    for (int i = 0; i < n; ++i) text += prefix + std::to_string(i) + "\n";
    write_file(root / "pools" / (name + ".txt"), text);
  };
  pool("keyword", "kw", 10);
  pool("filetype", "ft", 20);
  pool("tld", "tld", 50);
  pool("word", "w", 1000);
  write_file(root / "templates" / "docs.txt",
             "# Documents\ninurl:{keyword} intitle:{word} ext:{filetype} site:{tld}\n"
             "\"{keyword}\" filetype:{filetype}\n");
  write_file(root / "templates" / "login.txt", "# Logins\nintext:{word} {keyword}\n");
}

}  // namespace

namespace dorkgen {

class GuiTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir temp_;
  fs::path dir_;

  fs::path presets() const { return dir_ / "presets"; }

  template <class T>
  static T* field(MainWindow& window, const char* name) {
    T* widget = window.findChild<T*>(name);
    if (widget == nullptr) qFatal("no widget named %s", name);
    return widget;
  }

  static void wait_for_estimate(MainWindow& window) {
    QTRY_VERIFY_WITH_TIMEOUT(window.estimate_is_current(), kWaitMs);
  }

  // Types `text` as keystrokes; a '\n' is the Return key.
  static void type_into(QWidget* widget, const QString& text) {
    widget->setFocus();
    const QStringList lines = text.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
      if (i > 0) QTest::keyClick(widget, Qt::Key_Return);
      QTest::keyClicks(widget, lines[i]);
    }
  }

  static void replace_text(QLineEdit* edit, const QString& text) {
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    type_into(edit, text);
  }

  static QString summary(MainWindow& window) {
    return field<QLabel>(window, "estimateSummary")->text();
  }

  // Sets up a sampled run of `size` queries into `out`.
  void prepare(MainWindow& window, const QString& size, const fs::path& out) {
    type_into(field<QPlainTextEdit>(window, "keywords"), "alpha\nbeta\ngamma");
    replace_text(field<QLineEdit>(window, "size"), size);
    replace_text(field<QLineEdit>(window, "seed"), "7");
    replace_text(field<QLineEdit>(window, "output"), QString::fromStdString(out.string()));
    CHECKED(wait_for_estimate(window));
  }

  static void run_to_end(MainWindow& window) {
    QSignalSpy finished(&window, &MainWindow::runFinished);
    QPushButton* generate = field<QPushButton>(window, "generate");
    QVERIFY(generate->isEnabled());
    QTest::mouseClick(generate, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kWaitMs);
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(temp_.isValid());
    dir_ = temp_.path().toStdString();
    make_presets(presets());
    qputenv("DORKGEN_PRESETS_DIR", QByteArray::fromStdString(presets().string()));
    qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString((dir_ / "config").string()));
    qputenv("HOME", QByteArray::fromStdString(dir_.string()));
  }

  // A new user opening the window sees the query types to pick from and the space at once;
  // only Generate waits for a size and an output file.
  void aFreshWindowShowsTheQueryTypesAndTheSpaceBeforeAnythingIsTyped() {
    MainWindow window;
    window.show();
    CHECKED(wait_for_estimate(window));
    QCOMPARE(field<QListWidget>(window, "types")->count(), 2);
    QVERIFY2(summary(window).contains("queries"), qPrintable(summary(window)));
    QVERIFY(!field<QPushButton>(window, "generate")->isEnabled());
    replace_text(field<QLineEdit>(window, "size"), "1000");
    replace_text(field<QLineEdit>(window, "output"),
                 QString::fromStdString((dir_ / "fresh.txt").string()));
    CHECKED(wait_for_estimate(window));
    QVERIFY(field<QPushButton>(window, "generate")->isEnabled());
  }

  void typingUpdatesTheEstimate() {
    MainWindow window;
    window.show();
    replace_text(field<QLineEdit>(window, "size"), "1000");
    CHECKED(wait_for_estimate(window));
    QVERIFY2(summary(window).contains("10,010,200 queries"), qPrintable(summary(window)));
    QListWidget* types = field<QListWidget>(window, "types");
    QCOMPARE(types->count(), 2);
    QVERIFY(types->item(0)->text().contains("Documents"));

    type_into(field<QPlainTextEdit>(window, "keywords"), "alpha\nbeta");
    CHECKED(wait_for_estimate(window));
    QVERIFY2(summary(window).contains("2,002,040 queries"), qPrintable(summary(window)));

    types->item(1)->setCheckState(Qt::Unchecked);  // logins
    CHECKED(wait_for_estimate(window));
    QVERIFY2(summary(window).contains("2,000,040 queries"), qPrintable(summary(window)));
    QVERIFY(summary(window).contains("Collisions"));
  }

  void shortSpaceDisablesGenerate() {
    MainWindow window;
    window.show();
    CHECKED(prepare(window, "1", dir_ / "short.txt"));
    QVERIFY(field<QPushButton>(window, "generate")->isEnabled());
    replace_text(field<QLineEdit>(window, "size"), "99999999");
    CHECKED(wait_for_estimate(window));
    QVERIFY2(summary(window).contains("short"), qPrintable(summary(window)));
    QVERIFY(!field<QPushButton>(window, "generate")->isEnabled());
  }

  void generatedFileEqualsTheCliOutput() {
    MainWindow window;
    window.show();
    const fs::path out = dir_ / "gui.txt";
    CHECKED(prepare(window, "100000", out));
    field<QComboBox>(window, "format")->setCurrentText("jsonl");
    CHECKED(wait_for_estimate(window));
    CHECKED(run_to_end(window));
    QVERIFY2(window.job()->result().stats.has_value(),
             window.job()->result().stats.error().message().c_str());
    const QString conf = QString::fromStdString((dir_ / "gui.conf").string());
    QCOMPARE(window.save_config(conf), QString());

    QProcess cli;
    const fs::path cli_out = dir_ / "cli.txt";
    cli.start(qEnvironmentVariable("PROJECT_BIN_DIR") + "/dorkgen",
              {"generate", "--config", conf, "-o", QString::fromStdString(cli_out.string()), "-q"});
    QVERIFY(cli.waitForFinished(kWaitMs));
    QCOMPARE(cli.exitCode(), 0);
    const std::string expected = read_all(cli_out);
    QCOMPARE(std::count(expected.begin(), expected.end(), '\n'), 100000);
    QVERIFY(read_all(out) == expected);

    // The preview shows the first rows of that same output.
    const QString preview = field<QPlainTextEdit>(window, "preview")->toPlainText();
    QVERIFY(preview.count('\n') >= 100);
    QVERIFY(QString::fromStdString(expected).startsWith(preview));
  }

  void cancelStopsQuicklyAndWritesNothing() {
    MainWindow window;
    window.show();
    const fs::path out = dir_ / "cancelled.txt";
    CHECKED(prepare(window, "10M", out));
    field<QPlainTextEdit>(window, "keywords")->clear();  // the whole 10,010,200 space
    CHECKED(wait_for_estimate(window));
    QSignalSpy finished(&window, &MainWindow::runFinished);
    QTest::mouseClick(field<QPushButton>(window, "generate"), Qt::LeftButton);
    QVERIFY(window.job() != nullptr);
    // Mid-run: once the first queries have reached the output.
    QTRY_VERIFY_WITH_TIMEOUT(!window.job()->preview().empty(), kWaitMs);
    QVERIFY(field<QPushButton>(window, "cancel")->isEnabled());
    QTest::keyClick(&window, Qt::Key_Escape);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kWaitMs);
    const RunResult& result = window.job()->result();
    QVERIFY(!result.stats.has_value());
    QCOMPARE(result.stats.error().code(), core::ErrorCode::kCancelled);
    QVERIFY2(window.job()->cancel_latency_seconds() < kCancelLimitSeconds,
             qPrintable(QString::number(window.job()->cancel_latency_seconds())));
    QVERIFY(!fs::exists(out));
    for (const fs::directory_entry& entry : fs::directory_iterator(dir_)) {
      QVERIFY2(!entry.path().filename().string().starts_with(".cancelled.txt"),
               entry.path().c_str());
    }
    QVERIFY(field<QLabel>(window, "runStatus")->text().contains("Cancelled"));
    QVERIFY(field<QPushButton>(window, "generate")->isEnabled());
  }

  void badPresetDirectoryIsShownWithFileAndLine() {
    const fs::path bad = dir_ / "bad-presets";
    write_file(bad / "templates" / "docs.txt", "# Documents\nok {keyword}\nbad {keyword\n");
    MainWindow window;
    window.show();
    const fs::path out = dir_ / "never.txt";
    CHECKED(prepare(window, "10", out));
    replace_text(field<QLineEdit>(window, "presets"), QString::fromStdString(bad.string()));
    CHECKED(wait_for_estimate(window));
    QVERIFY2(summary(window).contains("docs.txt:3"), qPrintable(summary(window)));
    QVERIFY(!field<QPushButton>(window, "generate")->isEnabled());
    QVERIFY(!fs::exists(out));

    write_file(dir_ / "a-file", "not a directory\n");
    replace_text(field<QLineEdit>(window, "presets"),
                 QString::fromStdString((dir_ / "a-file").string()));
    QLabel* error = field<QLabel>(window, "presetsError");
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains("is not a directory"), qPrintable(error->text()));
    QVERIFY(!field<QPushButton>(window, "generate")->isEnabled());
  }

  void saveLoadRoundTrip() {
    const QString first = QString::fromStdString((dir_ / "first.conf").string());
    const QString second = QString::fromStdString((dir_ / "second.conf").string());
    {
      MainWindow window;
      window.show();
      CHECKED(prepare(window, "5000", dir_ / "round.txt"));
      replace_text(field<QLineEdit>(window, "filetypes"), "pdf, xls");
      field<QComboBox>(window, "engine")->setCurrentText("bing");
      field<QComboBox>(window, "format")->setCurrentText("csv");
      field<QListWidget>(window, "types")->item(0)->setCheckState(Qt::Unchecked);
      CHECKED(wait_for_estimate(window));
      QCOMPARE(window.save_config(first), QString());
    }
    const std::string text = read_all(first.toStdString());
    QVERIFY2(text.find("type = login\n") != std::string::npos, text.c_str());
    QVERIFY2(text.find("keyword = beta\n") != std::string::npos, text.c_str());
    MainWindow window;
    window.show();
    QCOMPARE(window.load_config(first), QString());
    CHECKED(wait_for_estimate(window));
    QCOMPARE(field<QLineEdit>(window, "size")->text(), QString("5000"));
    QCOMPARE(field<QLineEdit>(window, "seed")->text(), QString("7"));
    QCOMPARE(field<QComboBox>(window, "engine")->currentText(), QString("bing"));
    QCOMPARE(field<QComboBox>(window, "format")->currentText(), QString("csv"));
    QCOMPARE(field<QListWidget>(window, "types")->item(0)->checkState(), Qt::Unchecked);
    QCOMPARE(field<QListWidget>(window, "types")->item(1)->checkState(), Qt::Checked);
    QCOMPARE(window.save_config(second), QString());
    QCOMPARE(read_all(second.toStdString()), text);

    QVERIFY(
        !window.load_config(QString::fromStdString((dir_ / "missing.conf").string())).isEmpty());
    QCOMPARE(field<QLineEdit>(window, "size")->text(), QString("5000"));
  }

  // Issue 14's --site in the window: validated as typed, counted in the estimate, saved.
  void targetsScopeTheEstimateAndTheConfig() {
    const QString conf = QString::fromStdString((dir_ / "targets.conf").string());
    {
      MainWindow window;
      window.show();
      CHECKED(prepare(window, "1000", dir_ / "targets.txt"));
      QPlainTextEdit* targets = field<QPlainTextEdit>(window, "targets");
      type_into(targets, "https://example.com/admin");
      QLabel* error = field<QLabel>(window, "targetsError");
      QVERIFY(error->isVisible());
      QVERIFY2(error->text().contains("has a path or query ('/admin')"), qPrintable(error->text()));
      QVERIFY(!field<QPushButton>(window, "generate")->isEnabled());
      targets->clear();
      type_into(targets, "Example.com\nexample.org");
      CHECKED(wait_for_estimate(window));
      QVERIFY(!error->isVisible());
      // Per target: docs (its site:{tld} replaced) 3*1000*20 + 3*20, logins 1000*3.
      QVERIFY2(summary(window).contains("126,120 queries"), qPrintable(summary(window)));
      QVERIFY2(summary(window).contains("--site replaces the own site: scope of 1 templates"),
               qPrintable(summary(window)));
      QCOMPARE(window.save_config(conf), QString());
    }
    const std::string text = read_all(conf.toStdString());
    QVERIFY2(text.find("site = example.com\nsite = example.org\n") != std::string::npos,
             text.c_str());
    MainWindow window;
    window.show();
    QCOMPARE(window.load_config(conf), QString());
    CHECKED(wait_for_estimate(window));
    QCOMPARE(field<QPlainTextEdit>(window, "targets")->toPlainText(),
             QString("example.com\nexample.org"));
    QVERIFY2(summary(window).contains("126,120 queries"), qPrintable(summary(window)));
  }

  void exportWritesTheRunInTheChosenFormatAtomically() {
    MainWindow window;
    window.show();
    const fs::path out = dir_ / "to-export.txt";
    CHECKED(prepare(window, "20000", out));
    QCOMPARE(
        window.export_to(QString::fromStdString((dir_ / "early.csv").string()), OutputFormat::kCsv),
        QString("nothing to export: generate first"));
    CHECKED(run_to_end(window));
    const QString conf = QString::fromStdString((dir_ / "export.conf").string());
    QCOMPARE(window.save_config(conf), QString());
    QCOMPARE(window.export_to(QString::fromStdString(out.string()), OutputFormat::kCsv),
             QString("that is the run's own output file; choose another"));

    const fs::path exported = dir_ / "exported.csv";
    QSignalSpy finished(&window, &MainWindow::runFinished);
    QCOMPARE(window.export_to(QString::fromStdString(exported.string()), OutputFormat::kCsv),
             QString());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kWaitMs);
    QVERIFY2(window.job()->result().stats.has_value(),
             window.job()->result().stats.error().message().c_str());
    QVERIFY2(field<QLabel>(window, "runStatus")->text().contains("Exported 20,000 queries"),
             qPrintable(field<QLabel>(window, "runStatus")->text()));

    QProcess cli;
    const fs::path cli_out = dir_ / "cli-export.csv";
    cli.start(qEnvironmentVariable("PROJECT_BIN_DIR") + "/dorkgen",
              {"generate", "--config", conf, "-f", "csv", "-o",
               QString::fromStdString(cli_out.string()), "-q"});
    QVERIFY(cli.waitForFinished(kWaitMs));
    QCOMPARE(cli.exitCode(), 0);
    QVERIFY(read_all(exported) == read_all(cli_out));
    QVERIFY(read_all(exported).starts_with("query,type,template,values\n"));
    for (const fs::directory_entry& entry : fs::directory_iterator(dir_)) {
      QVERIFY2(!entry.path().filename().string().starts_with(".exported.csv"),
               entry.path().c_str());
    }
  }

  // The view over the whole output: a large file, memory bounded, the last row reachable.
  void outputViewOverALargeFile() {
    const fs::path big = dir_ / "big.txt";
    {
      std::ofstream file(big, std::ios::binary);
      for (int i = 0; i < kLargeFileLines; ++i) file << "inurl:admin intitle:row" << i << '\n';
    }
    FileLinesModel model;
    QSignalSpy indexed(&model, &FileLinesModel::indexed);
    model.set_file(QString::fromStdString(big.string()));
    QTRY_VERIFY_WITH_TIMEOUT(indexed.count() == 1, kWaitMs);
    QCOMPARE(model.rowCount(), kLargeFileLines);
    QVERIFY(model.line_index()->indexing_thread() != std::this_thread::get_id());
    const int last = kLargeFileLines - 1;
    QCOMPARE(model.data(model.index(last)).toString(),
             QStringLiteral("inurl:admin intitle:row%1").arg(last));
    for (int row : {0, 1023, 1024, kLargeFileLines / 2, last - 1}) {
      QCOMPARE(model.data(model.index(row)).toString(),
               QStringLiteral("inurl:admin intitle:row%1").arg(row));
    }
    // Memory: the sparse index and a few cached blocks, not the file.
    QVERIFY(model.line_index()->memory_bytes() <=
            2 * (kLargeFileLines / 1024 + 1) * sizeof(std::uint64_t));
    for (int row = 0; row < kLargeFileLines; row += 997) (void)model.data(model.index(row));
    QVERIFY(model.cached_rows() <= FileLinesModel::kCachedBlocks * LineIndex::kStride);

    // In the window, the finished run's file is in the Output file tab.
    MainWindow window;
    window.show();
    CHECKED(prepare(window, "30000", dir_ / "viewed.txt"));
    CHECKED(run_to_end(window));
    QTRY_COMPARE_WITH_TIMEOUT(window.output_model()->rowCount(), 30000, kWaitMs);
    const std::string written = read_all(dir_ / "viewed.txt");
    const std::string last_line =
        written.substr(written.rfind('\n', written.size() - 2) + 1, std::string::npos);
    QCOMPARE(window.output_model()->data(window.output_model()->index(29999)).toString() + "\n",
             QString::fromStdString(last_line));
  }

  // An exhaustive run interrupted in the window (the disk refuses the output) offers Resume, shows
  // its stages, and resuming writes the same file as an uninterrupted run.
  void interruptedExhaustiveRunResumesToTheSameFile() {
    const fs::path staged = dir_ / "staged";
    auto pool = [&](const std::string& name, int n) {
      std::string text = "# " + name + "\n";
      for (int i = 0; i < n; ++i) text += name + std::to_string(i) + "\n";
      write_file(staged / "pools" / (name + ".txt"), text);
    };
    pool("sa", 10);
    pool("sb", 100);
    pool("sc", kStagedPool);
    write_file(staged / "templates" / "staged.txt", "# Staged\ninurl:{sa} intitle:{sb} {sc}\n");
    MainWindow window;
    window.show();
    const fs::path out = dir_ / "staged.txt";
    replace_text(field<QLineEdit>(window, "presets"), QString::fromStdString(staged.string()));
    replace_text(field<QLineEdit>(window, "output"), QString::fromStdString(out.string()));
    QTest::mouseClick(field<QCheckBox>(window, "exhaustive"), Qt::LeftButton);
    CHECKED(wait_for_estimate(window));
    QListWidget* types = field<QListWidget>(window, "types");
    for (int i = 0; i < types->count(); ++i) {
      bool mine = types->item(i)->data(Qt::UserRole).toString() == "staged";
      types->item(i)->setCheckState(mine ? Qt::Checked : Qt::Unchecked);
    }
    CHECKED(wait_for_estimate(window));
    QTableWidget* stages = field<QTableWidget>(window, "stagesTable");
    QCOMPARE(stages->rowCount(), 4);  // stage 0, {sa}, {sb}, the final pass over {sc}
    QCOMPARE(stages->item(1, 1)->text(), QString("{sa}"));
    QCOMPARE(stages->item(1, 2)->text(), QString("to do"));

    // Interrupted in the final pass, deterministically: files may not grow past 1 MiB (the
    // stage files are smaller; the output is not), so writing the output fails as on a full
    // disk, after every stage was recorded.
    QSignalSpy finished(&window, &MainWindow::runFinished);
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit saved{};
    QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
    rlimit small = saved;
    small.rlim_cur = 1 << 20;
    QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
    QTest::mouseClick(field<QPushButton>(window, "generate"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kWaitMs);
    QCOMPARE(::setrlimit(RLIMIT_FSIZE, &saved), 0);
    QVERIFY(!window.job()->result().stats.has_value());
    QVERIFY2(field<QLabel>(window, "runStatus")->text().contains("Resume continues the run"),
             qPrintable(field<QLabel>(window, "runStatus")->text()));
    QVERIFY(!fs::exists(out));
    QPushButton* resume = field<QPushButton>(window, "resume");
    QVERIFY(resume->isEnabled());
    QCOMPARE(stages->item(2, 2)->text(), QString("done (in the manifest)"));
    QCOMPARE(stages->item(3, 2)->text(), QString("renders the output"));

    const QString conf = QString::fromStdString((dir_ / "staged.conf").string());
    QCOMPARE(window.save_config(conf), QString());
    QTest::mouseClick(resume, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 2, kWaitMs);
    QVERIFY2(window.job()->result().stats.has_value(),
             window.job()->result().stats.error().message().c_str());
    QVERIFY(!fs::exists(dir_ / "staged.txt.dorkgen-work"));

    QProcess cli;
    const fs::path cli_out = dir_ / "staged-cli.txt";
    cli.start(qEnvironmentVariable("PROJECT_BIN_DIR") + "/dorkgen",
              {"generate", "--config", conf, "--all", "-o",
               QString::fromStdString(cli_out.string()), "-q"});
    QVERIFY(cli.waitForFinished(kWaitMs));
    QCOMPARE(cli.exitCode(), 0);
    const std::string expected = read_all(cli_out);
    QCOMPARE(std::count(expected.begin(), expected.end(), '\n'),
             static_cast<std::ptrdiff_t>(10 * 100 * kStagedPool));
    QVERIFY(read_all(out) == expected);
  }

  void noEngineWorkOnTheGuiThread() {
    MainWindow window;
    window.show();
    CHECKED(prepare(window, "20000", dir_ / "threads.txt"));
    CHECKED(run_to_end(window));
    const std::thread::id gui = std::this_thread::get_id();
    QVERIFY(window.estimate_thread() != std::thread::id());
    QVERIFY(window.estimate_thread() != gui);
    QVERIFY(window.job()->engine_thread() != std::thread::id());
    QVERIFY(window.job()->engine_thread() != gui);
  }

  void seedOutOfRangeIsShownBesideTheField() {
    MainWindow window;
    window.show();
    CHECKED(prepare(window, "10", dir_ / "seed.txt"));
    QLineEdit* seed = field<QLineEdit>(window, "seed");
    for (const QString& bad : {QString("-1"), QString("18446744073709551616")}) {
      replace_text(seed, bad);
      QLabel* error = field<QLabel>(window, "seedError");
      QVERIFY(error->isVisible());
      QVERIFY2(error->text().contains("0 to 18446744073709551615"), qPrintable(error->text()));
      QVERIFY(!field<QPushButton>(window, "generate")->isEnabled());
    }
  }

  // Renders the window on the shipped library with a finished run; DORKGEN_SCREENSHOT_DIR
  // keeps the PNG (dorkgen/docs/images/dorkgen-pro.png is made this way).
  void screenshotOfTheMainWindow() {
    const QByteArray test_presets = qgetenv("DORKGEN_PRESETS_DIR");
    const fs::path shipped = fs::path(qEnvironmentVariable("PROJECT_BIN_DIR").toStdString()) /
                             ".." / "share" / "dorkgen" / "presets";
    QVERIFY2(fs::is_directory(shipped), shipped.c_str());
    qputenv("DORKGEN_PRESETS_DIR", QByteArray::fromStdString(shipped.string()));
    struct Restore {
      QByteArray value;
      ~Restore() { qputenv("DORKGEN_PRESETS_DIR", value); }
    } restore{test_presets};
    MainWindow window;
    window.resize(1360, 860);
    window.show();
    // A relative output name, as a user would type it (and no temporary path in the picture).
    QVERIFY(QDir::setCurrent(QString::fromStdString(dir_.string())));
    type_into(field<QPlainTextEdit>(window, "keywords"), "annual report\nsalary\nconfidential");
    type_into(field<QPlainTextEdit>(window, "targets"), "example.com\nexample.org");
    replace_text(field<QLineEdit>(window, "size"), "250000");
    replace_text(field<QLineEdit>(window, "seed"), "7");
    replace_text(field<QLineEdit>(window, "output"), "dorks.txt");
    CHECKED(wait_for_estimate(window));
    QVERIFY2(field<QListWidget>(window, "types")->count() >= 20, "the shipped query types");
    field<QListWidget>(window, "types")->setFocus();
    CHECKED(run_to_end(window));
    QImage image = window.grab().toImage();
    QVERIFY(!image.isNull());
    QCOMPARE(image.width(), window.width() * static_cast<int>(image.devicePixelRatio()));
    QString target = qEnvironmentVariable("DORKGEN_SCREENSHOT_DIR");
    if (target.isEmpty()) target = QString::fromStdString(dir_.string());
    QString file = QDir(target).filePath("dorkgen-pro.png");
    QVERIFY(image.save(file));
    QImage back(file);
    QCOMPARE(back.size(), image.size());
  }
};

}  // namespace dorkgen

QTEST_MAIN(dorkgen::GuiTest)
#include "main_window_test.moc"
