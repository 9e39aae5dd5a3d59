// The rows of a whole output file as a Qt model, for a list view that stays smooth however
// large the file: a LineIndex (its own thread) finds line offsets, rows appear as they are
// indexed, and data() reads blocks of LineIndex::kStride rows on demand into a small cache.
// Memory: the sparse index plus kCachedBlocks blocks, whatever the file's size. Views beyond
// INT_MAX rows (Qt's row type) show the first INT_MAX.
#pragma once

#include <QAbstractListModel>
#include <QString>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dorkgen/line_index.h"

class QTimer;

namespace dorkgen {

class FileLinesModel final : public QAbstractListModel {
  Q_OBJECT

 public:
  static constexpr std::size_t kCachedBlocks = 8;

  explicit FileLinesModel(QObject* parent = nullptr);
  ~FileLinesModel() override;

  // Shows `path` (indexing starts at once, off the GUI thread); an empty path shows nothing.
  void set_file(const QString& path);
  const LineIndex* line_index() const { return index_.get(); }
  // Rows read from disk into the cache, at most kCachedBlocks * LineIndex::kStride.
  std::size_t cached_rows() const;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

 Q_SIGNALS:
  void indexed();  // the whole file is indexed (rowCount() is final)

 private:
  void poll();
  const std::string* row(std::uint64_t number) const;

  std::unique_ptr<LineIndex> index_;
  int rows_ = 0;
  QTimer* timer_ = nullptr;
  // Most recently used first: (block number, its rows).
  mutable std::deque<std::pair<std::uint64_t, std::vector<std::string>>> cache_;
};

}  // namespace dorkgen
