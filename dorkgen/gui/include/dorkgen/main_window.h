// dorkgen-pro's main window: the settings of a run (validated as they are typed), the live
// estimate of the space they select, and a run with progress, cancel, resume and a preview.
// The window only turns widgets into SettingOverrides and a RunRequest and shows what the
// application layer returns; the Estimator and GenerationJob threads do all engine work.
// Widgets carry object names (keywords, types, size, generate, ...) that tests look up.
#pragma once

#include <QMainWindow>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

#include "dorkgen/estimator.h"
#include "dorkgen/generation_job.h"

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QListWidget;
class QTabWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTimer;

namespace dorkgen {

class FileLinesModel;

class MainWindow final : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  // Cancels a run and waits for the worker threads before any widget goes away.
  ~MainWindow() override;

  // Writes the settings as a config file `dorkgen generate --config` runs unchanged
  // (atomically). Returns an empty string or the error.
  QString save_config(const QString& path);
  // Writes the queries of the last finished run to `path` in `format`, atomically, by running
  // it again from the same plan and seed on the worker (runFinished() says when it is done).
  // Returns an empty string once started, or why it cannot start.
  QString export_to(const QString& path, OutputFormat format);
  // Replaces the settings with a config file's. Returns an empty string or the error (then
  // nothing changes).
  QString load_config(const QString& path);

  // For tests and the benchmark: the current run (nullptr before the first), and whether the
  // estimate on screen answers the settings on screen.
  const GenerationJob* job() const { return job_.get(); }
  const FileLinesModel* output_model() const { return output_model_; }
  bool estimate_is_current() const;
  // The thread the last estimate was computed on.
  std::thread::id estimate_thread() const;

 Q_SIGNALS:
  void estimateShown();  // a current estimate (or its error) is on screen
  void runFinished();    // the run ended; job() holds its result

 public Q_SLOTS:
  void generate();
  void cancel_run();
  void resume_run();

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void build_widgets();
  void build_actions();
  void settings_changed();
  bool validate_fields();
  SettingOverrides overrides() const;
  void request_estimate();
  void show_estimate(Estimate estimate);
  void set_types(const std::vector<QueryTypeInfo>& types);
  void update_buttons();
  void start_job(RunRequest request);
  void start_job(RunRequest request, std::shared_ptr<const BuiltPlan> plan);
  void show_stages(const std::optional<WorkDirState>& state);
  void export_dialog();
  void poll_job();
  void job_finished();
  void copy_preview();
  void open_output_folder();
  void choose_presets_dir();
  void choose_output_file();
  void open_config_dialog();
  void save_config_dialog();
  void show_field_error(QLabel* label, const QString& error);

  QPlainTextEdit* keywords_ = nullptr;
  QListWidget* types_ = nullptr;
  QLineEdit* filetypes_ = nullptr;
  QPlainTextEdit* targets_ = nullptr;  // one --site target a line
  QComboBox* engine_ = nullptr;
  QLineEdit* size_ = nullptr;
  QCheckBox* exhaustive_ = nullptr;
  QLineEdit* seed_ = nullptr;
  QComboBox* format_ = nullptr;
  QLineEdit* presets_ = nullptr;
  QLineEdit* output_ = nullptr;
  QLabel* keywords_error_ = nullptr;
  QLabel* types_error_ = nullptr;
  QLabel* filetypes_error_ = nullptr;
  QLabel* targets_error_ = nullptr;
  QLabel* size_error_ = nullptr;
  QLabel* seed_error_ = nullptr;
  QLabel* presets_error_ = nullptr;
  QLabel* output_error_ = nullptr;
  QLabel* summary_ = nullptr;
  QTableWidget* table_ = nullptr;
  QPushButton* generate_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QPushButton* resume_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* run_status_ = nullptr;
  QPlainTextEdit* preview_ = nullptr;
  QTabWidget* results_ = nullptr;
  QListView* output_view_ = nullptr;  // the whole output file, rows read on demand
  FileLinesModel* output_model_ = nullptr;
  QTableWidget* stages_ = nullptr;  // an exhaustive run's stages and their manifest state
  QAction* export_action_ = nullptr;
  QAction* generate_action_ = nullptr;
  QAction* cancel_action_ = nullptr;
  QAction* resume_action_ = nullptr;
  QTimer* debounce_ = nullptr;
  QTimer* poll_ = nullptr;

  bool fields_ok_ = false;
  std::optional<std::string> memory_;  // from a loaded config file; no field of its own
  // Query types a loaded config file chose, until the type list shows them.
  std::optional<std::vector<std::string>> pending_types_;
  std::uint64_t requested_id_ = 0;
  std::optional<Estimate> estimate_;
  std::filesystem::path resumable_;  // work directory an interrupted run left
  std::size_t preview_rows_shown_ = 0;
  std::unique_ptr<Estimator> estimator_;
  std::unique_ptr<GenerationJob> job_;
  std::shared_ptr<const BuiltPlan> job_plan_;   // the plan job_ runs
  std::optional<RunRequest> done_request_;      // the last run that finished, for export
  std::shared_ptr<const BuiltPlan> done_plan_;  // its plan
  bool exporting_ = false;                      // job_ is an export
};

}  // namespace dorkgen
