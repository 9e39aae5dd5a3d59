#include "dorkgen/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDesktopServices>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>
#include <cmath>
#include <set>

#include "core/atomic_file.h"
#include "dorkgen/app_presets.h"
#include "dorkgen/engine_profiles.h"
#include "dorkgen/file_lines_model.h"
#include "dorkgen/targets.h"

namespace dorkgen {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kPreviewRows = 1000;
constexpr int kEstimateDelayMs = 120;  // coalesces keystrokes into one estimate
constexpr int kPollMs = 50;            // progress refresh while a run goes

QString q(const std::string& text) { return QString::fromStdString(text); }
std::string s(const QString& text) { return text.toStdString(); }

std::vector<std::string> split_list(const QString& text, QChar separator) {
  std::vector<std::string> items;
  for (const QString& part : text.split(separator)) {
    QString item = part.trimmed();
    if (!item.isEmpty()) items.push_back(s(item));
  }
  return items;
}

std::optional<std::string> given(const QString& text) {
  QString value = text.trimmed();
  if (value.isEmpty()) return std::nullopt;
  return s(value);
}

// Checks one value the way the config file would, with no location in the message.
QString setting_error(std::string_view key, const std::string& value) {
  GeneratorConfig scratch;
  auto applied = apply_setting(scratch, key, value);
  return applied ? QString() : q(applied.error().message());
}

QString duration_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return QStringLiteral("?");
  if (seconds < 10) return QString::number(seconds, 'f', 1) + " s";
  long total = std::lround(seconds);
  if (total < 60) return QStringLiteral("%1 s").arg(total);
  if (total < 3600) return QStringLiteral("%1 min %2 s").arg(total / 60).arg(total % 60);
  return QStringLiteral("%1 h %2 min").arg(total / 3600).arg((total % 3600) / 60);
}

// Notes name templates by their full path; "templates/<type>.txt:<line>" says enough here.
QString short_origins(QString note) {
  static const QRegularExpression path(QStringLiteral("[^\\s(]*/(templates/[^/\\s:]+:\\d+)"));
  return note.replace(path, QStringLiteral("\\1"));
}

QString percent_text(double share) { return QString::number(share * 100, 'g', 4) + "%"; }

// Labels that say what is wrong readably on a light or a dark palette.
QString error_color(const QWidget* widget) {
  return widget->palette().window().color().lightness() < 128 ? "#ff7b72" : "#c62828";
}
QString warning_color(const QWidget* widget) {
  return widget->palette().window().color().lightness() < 128 ? "#e3b341" : "#9a6700";
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle("Dork Generator Pro");
  setWindowIcon(style()->standardIcon(QStyle::SP_FileDialogContentsView));
  build_widgets();
  build_actions();
  debounce_ = new QTimer(this);
  debounce_->setSingleShot(true);
  debounce_->setInterval(kEstimateDelayMs);
  connect(debounce_, &QTimer::timeout, this, &MainWindow::request_estimate);
  poll_ = new QTimer(this);
  poll_->setInterval(kPollMs);
  connect(poll_, &QTimer::timeout, this, &MainWindow::poll_job);
  estimator_ = std::make_unique<Estimator>([this](Estimate estimate) {
    QMetaObject::invokeMethod(
        this, [this, e = std::move(estimate)]() mutable { show_estimate(std::move(e)); },
        Qt::QueuedConnection);
  });
  QSettings settings;
  if (!restoreGeometry(settings.value("window/geometry").toByteArray())) resize(1360, 860);
  settings_changed();
}

MainWindow::~MainWindow() {
  // The threads post to this window; stop them while it is still whole.
  job_.reset();
  estimator_.reset();
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings().setValue("window/geometry", saveGeometry());
  if (job_ && !job_->finished()) job_->cancel();
  QMainWindow::closeEvent(event);
}

void MainWindow::build_widgets() {
  auto with_error = [this](QWidget* field, QLabel*& error, const char* name) {
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(field);
    error = new QLabel;
    error->setObjectName(QString(name) + "Error");
    error->setWordWrap(true);
    error->setStyleSheet("color: " + error_color(this));
    error->hide();
    layout->addWidget(error);
    // The box takes the field's vertical policy, so a short field does not float in a tall row.
    box->setSizePolicy(QSizePolicy::Preferred, field->sizePolicy().verticalPolicy());
    return box;
  };
  auto* settings = new QGroupBox("Settings");
  auto* form = new QFormLayout(settings);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

  keywords_ = new QPlainTextEdit;
  keywords_->setObjectName("keywords");
  keywords_->setPlaceholderText("one keyword per line; empty uses the shipped keyword pool");
  keywords_->setTabChangesFocus(true);
  keywords_->setFixedHeight(96);
  keywords_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
  auto* keywords_label = new QLabel("&Keywords");
  keywords_label->setBuddy(keywords_);
  form->addRow(keywords_label, with_error(keywords_, keywords_error_, "keywords"));

  types_ = new QListWidget;
  types_->setObjectName("types");
  types_->setMinimumHeight(120);
  types_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Expanding);
  auto* types_label = new QLabel("Query &types");
  types_label->setBuddy(types_);
  form->addRow(types_label, with_error(types_, types_error_, "types"));

  filetypes_ = new QLineEdit;
  filetypes_->setObjectName("filetypes");
  filetypes_->setPlaceholderText("pdf, xls, ... (empty: the shipped filetype pool)");
  auto* filetypes_label = new QLabel("&File types");
  filetypes_label->setBuddy(filetypes_);
  form->addRow(filetypes_label, with_error(filetypes_, filetypes_error_, "filetypes"));

  targets_ = new QPlainTextEdit;
  targets_->setObjectName("targets");
  targets_->setPlaceholderText("one domain per line: every query gets site:<domain> (optional)");
  targets_->setTabChangesFocus(true);
  targets_->setFixedHeight(60);
  targets_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
  auto* targets_label = new QLabel("T&argets");
  targets_label->setBuddy(targets_);
  form->addRow(targets_label, with_error(targets_, targets_error_, "targets"));

  engine_ = new QComboBox;
  engine_->setObjectName("engine");
  for (const EngineProfile& profile : engine_profiles()) engine_->addItem(q(profile.name));
  auto* engine_label = new QLabel("&Engine profile");
  engine_label->setBuddy(engine_);
  form->addRow(engine_label, engine_);

  size_ = new QLineEdit;
  size_->setObjectName("size");
  size_->setPlaceholderText("e.g. 5000 or 10M");
  exhaustive_ = new QCheckBox("E&very query (exhaustive, staged)");
  exhaustive_->setObjectName("exhaustive");
  auto* size_row = new QWidget;
  auto* size_layout = new QHBoxLayout(size_row);
  size_layout->setContentsMargins(0, 0, 0, 0);
  size_layout->addWidget(size_, 1);
  size_layout->addWidget(exhaustive_);
  auto* size_label = new QLabel("&Size");
  size_label->setBuddy(size_);
  form->addRow(size_label, with_error(size_row, size_error_, "size"));

  seed_ = new QLineEdit;
  seed_->setObjectName("seed");
  seed_->setPlaceholderText("0 to 18446744073709551615 (same seed, same output)");
  auto* seed_label = new QLabel("S&eed");
  seed_label->setBuddy(seed_);
  form->addRow(seed_label, with_error(seed_, seed_error_, "seed"));

  format_ = new QComboBox;
  format_->setObjectName("format");
  for (OutputFormat f : {OutputFormat::kLines, OutputFormat::kJsonl, OutputFormat::kCsv}) {
    format_->addItem(q(std::string(to_string(f))));
  }
  auto* format_label = new QLabel("Output f&ormat");
  format_label->setBuddy(format_);
  form->addRow(format_label, format_);

  auto path_row = [this](QLineEdit* edit, const char* tip, void (MainWindow::*browse)()) {
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto* button = new QToolButton;
    button->setIcon(style()->standardIcon(QStyle::SP_DirOpenIcon));
    button->setToolTip(tip);
    connect(button, &QToolButton::clicked, this, browse);
    layout->addWidget(button);
    return row;
  };
  presets_ = new QLineEdit;
  presets_->setObjectName("presets");
  presets_->setPlaceholderText("extra preset directory (overrides shipped files)");
  auto* presets_label = new QLabel("&Preset directory");
  presets_label->setBuddy(presets_);
  form->addRow(presets_label, with_error(path_row(presets_, "Choose a preset directory",
                                                  &MainWindow::choose_presets_dir),
                                         presets_error_, "presets"));

  output_ = new QLineEdit;
  output_->setObjectName("output");
  output_->setPlaceholderText("file the queries are written to (atomically)");
  auto* output_label = new QLabel("O&utput file");
  output_label->setBuddy(output_);
  form->addRow(output_label, with_error(path_row(output_, "Choose the output file",
                                                 &MainWindow::choose_output_file),
                                        output_error_, "output"));

  auto* estimate = new QGroupBox("Estimate");
  auto* estimate_layout = new QVBoxLayout(estimate);
  summary_ = new QLabel;
  summary_->setObjectName("estimateSummary");
  summary_->setWordWrap(true);
  summary_->setTextFormat(Qt::RichText);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  estimate_layout->addWidget(summary_);
  table_ = new QTableWidget(0, 3);
  table_->setObjectName("estimateTable");
  table_->setHorizontalHeaderLabels({"Queries", "Type", "Template"});
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->verticalHeader()->hide();
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setWordWrap(false);
  estimate_layout->addWidget(table_, 1);

  auto* run = new QGroupBox("Run");
  auto* run_layout = new QVBoxLayout(run);
  auto* buttons = new QHBoxLayout;
  generate_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), "&Generate");
  generate_->setObjectName("generate");
  generate_->setToolTip("Generate (Ctrl+Return)");
  cancel_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), "&Cancel");
  cancel_->setObjectName("cancel");
  cancel_->setToolTip("Cancel the run (Esc)");
  resume_ = new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), "&Resume");
  resume_->setObjectName("resume");
  resume_->setToolTip("Continue the interrupted exhaustive run (Ctrl+R)");
  connect(generate_, &QPushButton::clicked, this, &MainWindow::generate);
  connect(cancel_, &QPushButton::clicked, this, &MainWindow::cancel_run);
  connect(resume_, &QPushButton::clicked, this, &MainWindow::resume_run);
  progress_ = new QProgressBar;
  progress_->setObjectName("progress");
  progress_->setRange(0, 1000);
  progress_->setValue(0);
  progress_->setTextVisible(true);
  buttons->addWidget(generate_);
  buttons->addWidget(cancel_);
  buttons->addWidget(resume_);
  buttons->addWidget(progress_, 1);
  run_layout->addLayout(buttons);
  run_status_ = new QLabel("Ready.");
  run_status_->setObjectName("runStatus");
  run_status_->setWordWrap(true);
  run_status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  run_layout->addWidget(run_status_);
  preview_ = new QPlainTextEdit;
  preview_->setObjectName("preview");
  preview_->setReadOnly(true);
  preview_->setMaximumBlockCount(static_cast<int>(kPreviewRows));
  preview_->setLineWrapMode(QPlainTextEdit::NoWrap);
  preview_->setPlaceholderText("The first queries appear here as they are generated.");
  preview_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  output_model_ = new FileLinesModel(this);
  output_view_ = new QListView;
  output_view_->setObjectName("outputView");
  output_view_->setModel(output_model_);
  output_view_->setUniformItemSizes(true);  // no per-row measuring: smooth at any size
  output_view_->setFont(preview_->font());
  output_view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  stages_ = new QTableWidget(0, 4);
  stages_->setObjectName("stagesTable");
  stages_->setHorizontalHeaderLabels({"Stage", "Expands", "State", "Bytes"});
  stages_->horizontalHeader()->setStretchLastSection(true);
  stages_->verticalHeader()->hide();
  stages_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  results_ = new QTabWidget;
  results_->setObjectName("results");
  results_->addTab(preview_, "&Preview");
  results_->addTab(output_view_, "Output &file");
  results_->addTab(stages_, "S&tages");
  run_layout->addWidget(results_, 1);

  auto* right = new QSplitter(Qt::Vertical);
  right->addWidget(estimate);
  right->addWidget(run);
  right->setStretchFactor(0, 1);
  right->setStretchFactor(1, 1);
  auto* main = new QSplitter(Qt::Horizontal);
  main->addWidget(settings);
  main->addWidget(right);
  main->setStretchFactor(0, 1);
  main->setStretchFactor(1, 1);
  setCentralWidget(main);

  connect(keywords_, &QPlainTextEdit::textChanged, this, &MainWindow::settings_changed);
  connect(targets_, &QPlainTextEdit::textChanged, this, &MainWindow::settings_changed);
  connect(types_, &QListWidget::itemChanged, this, &MainWindow::settings_changed);
  for (QLineEdit* edit : {filetypes_, size_, seed_, presets_, output_}) {
    connect(edit, &QLineEdit::textChanged, this, &MainWindow::settings_changed);
  }
  connect(engine_, &QComboBox::currentIndexChanged, this, &MainWindow::settings_changed);
  connect(format_, &QComboBox::currentIndexChanged, this, &MainWindow::settings_changed);
  connect(exhaustive_, &QCheckBox::toggled, this, &MainWindow::settings_changed);
}

void MainWindow::build_actions() {
  QMenu* file = menuBar()->addMenu("&File");
  QAction* open = file->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton),
                                  "&Open configuration...", this, &MainWindow::open_config_dialog);
  open->setShortcut(QKeySequence::Open);
  QAction* save = file->addAction(style()->standardIcon(QStyle::SP_DialogSaveButton),
                                  "&Save configuration...", this, &MainWindow::save_config_dialog);
  save->setShortcut(QKeySequence::Save);
  file->addSeparator();
  QAction* folder = file->addAction(style()->standardIcon(QStyle::SP_DirIcon),
                                    "Open output &folder", this, &MainWindow::open_output_folder);
  folder->setShortcut(QKeySequence("Ctrl+Shift+O"));
  file->addSeparator();
  export_action_ = file->addAction(style()->standardIcon(QStyle::SP_DialogSaveButton),
                                   "&Export queries as...", this, &MainWindow::export_dialog);
  export_action_->setShortcut(QKeySequence("Ctrl+E"));
  export_action_->setEnabled(false);
  file->addSeparator();
  QAction* quit = file->addAction("&Quit", this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* run = menuBar()->addMenu("&Run");
  generate_action_ = run->addAction(generate_->icon(), "&Generate", this, &MainWindow::generate);
  generate_action_->setShortcuts({QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")});
  cancel_action_ = run->addAction(cancel_->icon(), "&Cancel", this, &MainWindow::cancel_run);
  cancel_action_->setShortcut(QKeySequence(Qt::Key_Escape));
  resume_action_ = run->addAction(resume_->icon(), "&Resume", this, &MainWindow::resume_run);
  resume_action_->setShortcut(QKeySequence("Ctrl+R"));
  run->addSeparator();
  QAction* copy = run->addAction("C&opy preview", this, &MainWindow::copy_preview);
  copy->setShortcut(QKeySequence("Ctrl+Shift+C"));
}

void MainWindow::show_field_error(QLabel* label, const QString& error) {
  label->setText(error);
  label->setVisible(!error.isEmpty());
}

// Every field is checked as it changes, with the config file's own rules.
bool MainWindow::validate_fields() {
  QString keywords_error;
  for (const QString& line : keywords_->toPlainText().split('\n')) {
    QString keyword = line.trimmed();
    if (keyword.isEmpty()) continue;
    std::string reason;
    if (!is_valid_value(s(keyword), &reason)) {
      keywords_error = "'" + keyword + "': " + q(reason);
      break;
    }
  }
  show_field_error(keywords_error_, keywords_error);

  QString filetypes_error;
  for (const std::string& f : split_list(filetypes_->text(), ',')) {
    std::string reason;
    if (!is_valid_value(f, &reason)) {
      filetypes_error = "'" + q(f) + "': " + q(reason);
      break;
    }
  }
  show_field_error(filetypes_error_, filetypes_error);

  // The config file's rules: a host (a URL reduces to it), each target once.
  QString targets_error;
  GeneratorConfig scratch;
  for (const std::string& target : split_list(targets_->toPlainText(), '\n')) {
    if (auto applied = apply_setting(scratch, "site", target); !applied) {
      targets_error = q(applied.error().message());
      break;
    }
  }
  show_field_error(targets_error_, targets_error);

  QString types_error;
  if (types_->count() > 0) {
    int checked = 0;
    for (int i = 0; i < types_->count(); ++i)
      checked += types_->item(i)->checkState() == Qt::Checked;
    if (checked == 0) types_error = "select at least one query type";
  }
  show_field_error(types_error_, types_error);

  QString size_error;
  size_->setEnabled(!exhaustive_->isChecked());
  if (!exhaustive_->isChecked()) {
    auto size = given(size_->text());
    size_error = size ? setting_error("size", *size) : "a size is needed (or every query)";
  }
  show_field_error(size_error_, size_error);

  auto seed = given(seed_->text());
  QString seed_error = seed ? setting_error("seed", *seed) : QString();
  show_field_error(seed_error_, seed_error);

  QString presets_error;
  for (const std::string& dir : split_list(presets_->text(), ';')) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
      presets_error = q(dir) + ": preset directory does not exist";
    } else if (auto checked = check_preset_dir(dir); !checked) {
      presets_error = q(checked.error().message());
    }
  }
  show_field_error(presets_error_, presets_error);

  QString output_error;
  fs::path out = s(output_->text().trimmed());
  std::error_code ec;
  if (out.empty()) {
    output_error = "choose where the queries go";
  } else if (fs::is_directory(out, ec)) {
    output_error = "is a directory; name a file";
  } else if (fs::path parent = fs::absolute(out, ec).parent_path(); !fs::is_directory(parent, ec)) {
    output_error = q(parent.string()) + ": folder does not exist";
  }
  show_field_error(output_error_, output_error);

  // A missing size or output file blocks Generate only: the catalog of query types and the
  // space come from the presets, so a fresh window shows them before anything is typed.
  return keywords_error.isEmpty() && filetypes_error.isEmpty() && targets_error.isEmpty() &&
         types_error.isEmpty() && seed_error.isEmpty() && presets_error.isEmpty();
}

SettingOverrides MainWindow::overrides() const {
  SettingOverrides o;
  o.keywords = split_list(keywords_->toPlainText(), '\n');
  o.filetypes = split_list(filetypes_->text(), ',');
  o.sites = split_list(targets_->toPlainText(), '\n');
  if (pending_types_) {
    o.types = *pending_types_;
  } else {
    int checked = 0;
    for (int i = 0; i < types_->count(); ++i) {
      if (types_->item(i)->checkState() == Qt::Checked) {
        o.types.push_back(s(types_->item(i)->data(Qt::UserRole).toString()));
        ++checked;
      }
    }
    if (checked == types_->count()) o.types.clear();  // all of them, including new ones
  }
  for (const std::string& dir : split_list(presets_->text(), ';')) {
    o.presets.push_back(fs::absolute(dir).string());
  }
  o.engine = s(engine_->currentText());
  if (!exhaustive_->isChecked()) o.size = given(size_->text());
  o.seed = given(seed_->text());
  o.format = s(format_->currentText());
  o.memory = memory_;
  return o;
}

void MainWindow::settings_changed() {
  fields_ok_ = validate_fields();
  // The estimate on screen no longer answers these settings.
  requested_id_ = 0;
  if (fields_ok_) {
    debounce_->start();
  } else {
    debounce_->stop();
    summary_->setText("Fix the marked fields to see the estimate.");
  }
  resumable_.clear();
  if (exhaustive_->isChecked() && !output_->text().trimmed().isEmpty()) {
    fs::path work = s(output_->text().trimmed() + ".dorkgen-work");
    std::error_code ec;
    if (fs::exists(work / "manifest", ec)) resumable_ = work;
  }
  update_buttons();
}

void MainWindow::request_estimate() {
  if (!fields_ok_) return;
  summary_->setText(summary_->text().isEmpty() ? "Estimating..." : summary_->text());
  fs::path work;
  if (exhaustive_->isChecked() && !output_->text().trimmed().isEmpty()) {
    work = s(output_->text().trimmed() + ".dorkgen-work");
  }
  requested_id_ = estimator_->request(overrides(), work);
}

void MainWindow::show_stages(const std::optional<WorkDirState>& state) {
  stages_->setRowCount(0);
  if (!state) return;
  stages_->setRowCount(static_cast<int>(state->stages.size()));
  for (int row = 0; row < stages_->rowCount(); ++row) {
    const StageInfo& stage = state->stages[static_cast<std::size_t>(row)];
    QString name = stage.final_pass ? "final pass" : "stage " + QString::number(stage.index);
    QString expands = stage.index == 0 && !stage.final_pass ? "one line per template"
                                                            : "{" + q(stage.expands) + "}";
    QString status = stage.recorded     ? "done (in the manifest)"
                     : stage.final_pass ? "renders the output"
                                        : "to do";
    auto* item = new QTableWidgetItem(name);
    if (!stage.file.empty()) item->setToolTip(q(stage.file.string()));
    stages_->setItem(row, 0, item);
    stages_->setItem(row, 1, new QTableWidgetItem(expands));
    stages_->setItem(row, 2, new QTableWidgetItem(status));
    auto* bytes = new QTableWidgetItem(stage.recorded ? q(format_number(stage.bytes)) : "");
    bytes->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    stages_->setItem(row, 3, bytes);
  }
  stages_->resizeColumnsToContents();
  if (!state->problem.empty()) {
    stages_->setToolTip(q(state->problem));
  } else {
    stages_->setToolTip(state->has_manifest ? "an interrupted run: Resume continues it" : "");
  }
}

bool MainWindow::estimate_is_current() const {
  return requested_id_ != 0 && estimate_ && estimate_->id == requested_id_;
}

std::thread::id MainWindow::estimate_thread() const {
  return estimate_ ? estimate_->computed_on : std::thread::id();
}

void MainWindow::set_types(const std::vector<QueryTypeInfo>& types) {
  std::set<std::string> chosen;  // empty: all
  if (pending_types_) {
    chosen.insert(pending_types_->begin(), pending_types_->end());
  } else {
    for (int i = 0; i < types_->count(); ++i) {
      if (types_->item(i)->checkState() == Qt::Checked) {
        chosen.insert(s(types_->item(i)->data(Qt::UserRole).toString()));
      }
    }
    if (static_cast<int>(chosen.size()) == types_->count()) chosen.clear();
  }
  pending_types_.reset();
  QSignalBlocker block(types_);
  types_->clear();
  for (const QueryTypeInfo& t : types) {
    auto* item = new QListWidgetItem(
        QStringLiteral("%1 (%2)  %3").arg(q(t.name)).arg(t.templates).arg(q(t.description)));
    item->setData(Qt::UserRole, q(t.name));
    item->setToolTip(q(t.description));
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(chosen.empty() || chosen.contains(t.name) ? Qt::Checked : Qt::Unchecked);
    types_->addItem(item);
  }
}

void MainWindow::show_estimate(Estimate estimate) {
  if (estimate.id != requested_id_) return;  // an answer to settings since changed
  if (!estimate.types.empty()) set_types(estimate.types);
  table_->setRowCount(0);
  if (!estimate.error.empty()) {
    summary_->setText("<span style='color:" + error_color(this) + "'><b>Cannot generate:</b> " +
                      q(estimate.error).toHtmlEscaped() + "</span>");
    estimate_ = std::move(estimate);
    update_buttons();
    Q_EMIT estimateShown();
    return;
  }
  show_stages(estimate.stages);
  const SpaceReport& space = estimate.space;
  table_->setRowCount(static_cast<int>(space.templates.size()));
  for (int row = 0; row < static_cast<int>(space.templates.size()); ++row) {
    const TemplateSpace& t = space.templates[static_cast<std::size_t>(row)];
    auto* count = new QTableWidgetItem((t.exact ? "" : "\u2264 ") + q(format_number(t.count)));
    count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    if (!t.exact) count->setToolTip("upper bound: renderings of this template may collide");
    table_->setItem(row, 0, count);
    table_->setItem(row, 1, new QTableWidgetItem(q(t.query_type)));
    auto* text = new QTableWidgetItem(q(t.text));
    text->setToolTip(q(t.origin));
    table_->setItem(row, 2, text);
  }
  table_->resizeColumnToContents(0);
  table_->resizeColumnToContents(1);
  QString html = QStringLiteral("<b>Space:</b> %1%2 in %3 templates")
                     .arg(space.exact ? "" : "at most ")
                     .arg(q(format_count(space.total)))
                     .arg(space.templates.size());
  if (!space.exact) {
    html += " <span style='color:" + warning_color(this) +
            "'>(an upper bound: some templates can render the same query from different "
            "values)</span>";
  }
  for (const std::string& note : estimate.plan->notes) {
    html += "<br><i>" + short_origins(q(note)).toHtmlEscaped() + "</i>";
  }
  if (exhaustive_->isChecked()) {
    html += "<br><b>Every query</b> is written, in stages kept beside the output for resuming.";
  } else if (space.requested > 0) {
    html += QStringLiteral("<br><b>Requested:</b> %1 (%2 of the space)")
                .arg(q(format_count(space.requested)))
                .arg(percent_text(space.fill_ratio));
    if (space.shortfall > 0) {
      html += "<br><span style='color:" + error_color(this) + "'><b>The space is " +
              q(format_count(space.shortfall)) +
              " short.</b> Add keywords or file types, select more query types, or lower the "
              "size.</span>";
    } else {
      if (space.may_fit) {
        html += "<br><span style='color:" + warning_color(this) +
                "'><b>May not fit:</b> the distinct queries may be fewer than requested; the "
                "run stops with an error if they are.</span>";
      }
      html += QStringLiteral(
                  "<br><b>Collisions:</b> naive random sampling would repeat %1 of its draws "
                  "(P(any repeat) = %2); dorkgen draws without replacement, so none repeat.")
                  .arg(percent_text(space.naive_duplicate_rate))
                  .arg(percent_text(space.naive_any_collision_probability));
    }
  }
  summary_->setText(html);
  estimate_ = std::move(estimate);
  update_buttons();
  Q_EMIT estimateShown();
}

void MainWindow::update_buttons() {
  const bool running = job_ && !job_->finished();
  const bool current = estimate_is_current();
  bool can_generate = !running && fields_ok_ && size_error_->text().isEmpty() &&
                      output_error_->text().isEmpty() && current && estimate_->error.empty() &&
                      estimate_->space.shortfall == 0;
  generate_->setEnabled(can_generate);
  generate_action_->setEnabled(can_generate);
  cancel_->setEnabled(running);
  cancel_action_->setEnabled(running);
  bool can_resume = !running && !resumable_.empty() && current && estimate_->error.empty() &&
                    exhaustive_->isChecked();
  resume_->setEnabled(can_resume);
  resume_action_->setEnabled(can_resume);
  export_action_->setEnabled(!running && done_request_.has_value());
}

void MainWindow::generate() {
  update_buttons();
  if (!generate_->isEnabled()) return;
  RunRequest request;
  request.config = estimate_->config;
  request.exhaustive = exhaustive_->isChecked();
  request.out = s(output_->text().trimmed());
  start_job(std::move(request));
}

void MainWindow::resume_run() {
  update_buttons();
  if (!resume_->isEnabled()) return;
  RunRequest request;
  request.config = estimate_->config;
  request.exhaustive = true;
  request.out = s(output_->text().trimmed());
  request.work_dir = resumable_;
  request.resume = true;
  start_job(std::move(request));
}

void MainWindow::start_job(RunRequest request) { start_job(std::move(request), estimate_->plan); }

void MainWindow::start_job(RunRequest request, std::shared_ptr<const BuiltPlan> plan) {
  job_.reset();
  job_plan_ = plan;
  if (!exporting_) output_model_->set_file({});
  preview_->clear();
  preview_rows_shown_ = 0;
  progress_->setValue(0);
  run_status_->setText("Starting...");
  job_ = std::make_unique<GenerationJob>(std::move(plan), std::move(request), kPreviewRows, [this] {
    QMetaObject::invokeMethod(this, &MainWindow::job_finished, Qt::QueuedConnection);
  });
  poll_->start();
  update_buttons();
}

void MainWindow::cancel_run() {
  if (!job_ || job_->finished()) return;
  job_->cancel();
  run_status_->setText("Cancelling...");
}

void MainWindow::poll_job() {
  if (!job_) return;
  GenerationJob::Progress p = job_->progress();
  if (p.target > 0) {
    progress_->setValue(
        static_cast<int>(1000.0 * static_cast<double>(p.done) / static_cast<double>(p.target)));
  }
  if (!job_->finished() && p.done > 0 && p.seconds > 0) {
    double rate = static_cast<double>(p.done) / p.seconds;
    double left = static_cast<double>(p.target - std::min(p.target, p.done)) / rate;
    run_status_->setText(QStringLiteral("%1 of %2 queries, %3 queries/s, %4 left")
                             .arg(q(format_number(p.done)))
                             .arg(q(format_number(p.target)))
                             .arg(q(format_number(static_cast<std::uint64_t>(rate))))
                             .arg(duration_text(left)));
  }
  std::vector<std::string> rows = job_->preview();
  if (rows.size() > preview_rows_shown_) {
    QStringList added;
    for (std::size_t i = preview_rows_shown_; i < rows.size(); ++i) added << q(rows[i]);
    preview_->appendPlainText(added.join('\n'));
    preview_rows_shown_ = rows.size();
  }
}

void MainWindow::job_finished() {
  if (!job_ || !job_->finished()) return;
  poll_->stop();
  poll_job();
  const RunResult& result = job_->result();
  const QString out = q(job_->request().out.string());
  if (std::exchange(exporting_, false)) {
    run_status_->setText(result.stats
                             ? QStringLiteral("Exported %1 queries to %2 (%3).")
                                   .arg(q(format_count(result.stats->emitted)))
                                   .arg(out)
                                   .arg(q(std::string(to_string(job_->request().config.format))))
                             : "Export failed: " + q(result.stats.error().message()) +
                                   " (nothing was written to " + out + ")");
    update_buttons();
    Q_EMIT runFinished();
    return;
  }
  resumable_ = result.resumable_work_dir;
  if (job_->stages()) show_stages(job_->stages());
  if (result.stats) {
    done_request_ = job_->request();
    done_plan_ = job_plan_;
    output_model_->set_file(out);
    progress_->setValue(1000);
    QString text = QStringLiteral("Done: %1 written to %2 in %3.")
                       .arg(q(format_count(result.stats->emitted)))
                       .arg(out)
                       .arg(duration_text(job_->progress().seconds));
    if (result.stats->string_duplicates > 0) {
      text += QStringLiteral(" Skipped %1 value tuples whose text was already written.")
                  .arg(q(format_number(result.stats->string_duplicates)));
    }
    run_status_->setText(text);
  } else {
    const core::Error& error = result.stats.error();
    QString text = error.code() == core::ErrorCode::kCancelled
                       ? QStringLiteral("Cancelled: nothing was written to %1.").arg(out)
                       : QStringLiteral("Failed: %1").arg(q(error.message()));
    if (!resumable_.empty()) {
      text += QStringLiteral(" Finished stages are kept in %1; Resume continues the run.")
                  .arg(q(resumable_.string()));
    }
    run_status_->setText(text);
  }
  update_buttons();
  Q_EMIT runFinished();
}

QString MainWindow::export_to(const QString& path, OutputFormat format) {
  if (!done_request_ || !done_plan_) return "nothing to export: generate first";
  if (job_ && !job_->finished()) return "a run is going; wait for it or cancel it";
  fs::path target = s(path.trimmed());
  std::error_code ec;
  if (target.empty()) return "choose a file to export to";
  if (fs::absolute(target, ec) == fs::absolute(done_request_->out, ec)) {
    return "that is the run's own output file; choose another";
  }
  if (fs::is_directory(target, ec)) return path + ": is a directory; name a file";
  // The run again from the same plan and seed, so the export holds exactly its queries, in
  // the chosen format, written atomically (temporary file, fsync, rename) like every output.
  RunRequest request = *done_request_;
  request.config.format = format;
  request.out = target;
  request.work_dir.clear();
  request.resume = false;
  exporting_ = true;
  start_job(std::move(request), done_plan_);
  run_status_->setText("Exporting to " + path + "...");
  return {};
}

void MainWindow::export_dialog() {
  QString chosen;
  QString file =
      QFileDialog::getSaveFileName(this, "Export queries", QString(),
                                   "Lines (*.txt);;JSON Lines (*.jsonl);;CSV (*.csv)", &chosen);
  if (file.isEmpty()) return;
  OutputFormat format = chosen.startsWith("JSON")  ? OutputFormat::kJsonl
                        : chosen.startsWith("CSV") ? OutputFormat::kCsv
                                                   : OutputFormat::kLines;
  if (QString error = export_to(file, format); !error.isEmpty()) {
    QMessageBox::warning(this, "Export queries", error);
  }
}

void MainWindow::copy_preview() {
  QString text = preview_->textCursor().hasSelection() ? preview_->textCursor().selectedText()
                                                       : preview_->toPlainText();
  text.replace(QChar::ParagraphSeparator, '\n');
  QApplication::clipboard()->setText(text);
  statusBar()->showMessage("Copied the preview.", 3000);
}

void MainWindow::open_output_folder() {
  fs::path out = s(output_->text().trimmed());
  std::error_code ec;
  fs::path folder = out.empty() ? fs::current_path(ec) : fs::absolute(out, ec).parent_path();
  QDesktopServices::openUrl(QUrl::fromLocalFile(q(folder.string())));
}

void MainWindow::choose_presets_dir() {
  QString dir = QFileDialog::getExistingDirectory(this, "Preset directory", presets_->text());
  if (!dir.isEmpty()) presets_->setText(dir);
}

void MainWindow::choose_output_file() {
  QString file = QFileDialog::getSaveFileName(this, "Output file", output_->text());
  if (!file.isEmpty()) output_->setText(file);
}

void MainWindow::open_config_dialog() {
  QString file = QFileDialog::getOpenFileName(this, "Open configuration", QString(),
                                              "Config files (*.conf);;All files (*)");
  if (file.isEmpty()) return;
  if (QString error = load_config(file); !error.isEmpty()) {
    QMessageBox::warning(this, "Open configuration", error);
  }
}

void MainWindow::save_config_dialog() {
  QString file = QFileDialog::getSaveFileName(this, "Save configuration", "dorkgen.conf",
                                              "Config files (*.conf);;All files (*)");
  if (file.isEmpty()) return;
  if (QString error = save_config(file); !error.isEmpty()) {
    QMessageBox::warning(this, "Save configuration", error);
  }
}

QString MainWindow::save_config(const QString& path) {
  if (!fields_ok_) return "fix the marked fields first";
  auto config = resolve_config(overrides());
  if (!config) return q(config.error().message());
  auto text = config_to_text(*config);
  if (!text) return q(text.error().message());
  auto writer = core::AtomicFileWriter::open(s(path));
  if (!writer) return q(writer.error().message());
  if (auto written = writer->write(*text); !written) {
    return q(written.error().message());
  }
  if (auto committed = writer->commit(); !committed) return q(committed.error().message());
  statusBar()->showMessage("Saved " + path, 3000);
  return {};
}

QString MainWindow::load_config(const QString& path) {
  auto config = load_config_file(s(path), GeneratorConfig{});
  if (!config) return q(config.error().message());
  const QSignalBlocker blockers[] = {QSignalBlocker(keywords_),   QSignalBlocker(filetypes_),
                                     QSignalBlocker(size_),       QSignalBlocker(targets_),
                                     QSignalBlocker(seed_),       QSignalBlocker(presets_),
                                     QSignalBlocker(engine_),     QSignalBlocker(format_),
                                     QSignalBlocker(exhaustive_), QSignalBlocker(types_)};
  QStringList keywords;
  for (const std::string& k : config->keywords) keywords << q(k);
  keywords_->setPlainText(keywords.join('\n'));
  QStringList filetypes;
  for (const std::string& f : config->filetypes) filetypes << q(f);
  filetypes_->setText(filetypes.join(", "));
  QStringList targets;
  for (const std::string& t : config->sites) targets << q(t);
  targets_->setPlainText(targets.join('\n'));
  size_->setText(config->size ? q(to_decimal(*config->size)) : QString());
  seed_->setText(q(std::to_string(config->seed)));
  QStringList dirs;
  for (const fs::path& d : config->preset_dirs) dirs << q(d.string());
  presets_->setText(dirs.join(';'));
  engine_->setCurrentText(q(config->engine));
  format_->setCurrentText(q(std::string(to_string(config->format))));
  std::set<std::string> chosen(config->query_types.begin(), config->query_types.end());
  for (int i = 0; i < types_->count(); ++i) {
    QListWidgetItem* item = types_->item(i);
    bool on = chosen.empty() || chosen.contains(s(item->data(Qt::UserRole).toString()));
    item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
  }
  pending_types_ = config->query_types;  // until the estimate brings these presets' types
  memory_ = config->memory_budget_bytes == GeneratorConfig{}.memory_budget_bytes
                ? std::nullopt
                : std::optional<std::string>(std::to_string(config->memory_budget_bytes));
  settings_changed();
  return {};
}

}  // namespace dorkgen
