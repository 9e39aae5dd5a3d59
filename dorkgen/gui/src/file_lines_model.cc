#include "dorkgen/file_lines_model.h"

#include <QTimer>
#include <climits>

namespace dorkgen {
namespace {

constexpr int kPollMs = 100;  // rows appear in the view this often while indexing

}  // namespace

FileLinesModel::FileLinesModel(QObject* parent) : QAbstractListModel(parent) {
  timer_ = new QTimer(this);
  timer_->setInterval(kPollMs);
  connect(timer_, &QTimer::timeout, this, &FileLinesModel::poll);
}

FileLinesModel::~FileLinesModel() = default;

void FileLinesModel::set_file(const QString& path) {
  beginResetModel();
  timer_->stop();
  index_.reset();
  cache_.clear();
  rows_ = 0;
  if (!path.isEmpty()) {
    index_ = std::make_unique<LineIndex>(path.toStdString());
    timer_->start();
  }
  endResetModel();
}

std::size_t FileLinesModel::cached_rows() const {
  std::size_t rows = 0;
  for (const auto& block : cache_) rows += block.second.size();
  return rows;
}

void FileLinesModel::poll() {
  if (!index_) return;
  const bool done = index_->finished();  // before lines(): then lines() is final
  const std::uint64_t lines = std::min<std::uint64_t>(index_->lines(), INT_MAX);
  if (static_cast<int>(lines) > rows_) {
    beginInsertRows(QModelIndex(), rows_, static_cast<int>(lines) - 1);
    rows_ = static_cast<int>(lines);
    endInsertRows();
  }
  if (done) {
    timer_->stop();
    Q_EMIT indexed();
  }
}

int FileLinesModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : rows_;
}

const std::string* FileLinesModel::row(std::uint64_t number) const {
  const std::uint64_t block = number / LineIndex::kStride;
  auto found = std::find_if(cache_.begin(), cache_.end(),
                            [&](const auto& entry) { return entry.first == block; });
  if (found == cache_.end()) {
    // A block is read once and then serves every row near it (scrolling reads few blocks).
    std::vector<std::string> rows =
        index_->read(block * LineIndex::kStride, static_cast<std::size_t>(LineIndex::kStride));
    cache_.emplace_front(block, std::move(rows));
    if (cache_.size() > kCachedBlocks) cache_.pop_back();
    found = cache_.begin();
  } else if (found != cache_.begin()) {
    auto entry = std::move(*found);
    cache_.erase(found);
    cache_.push_front(std::move(entry));
    found = cache_.begin();
  }
  const std::uint64_t offset = number % LineIndex::kStride;
  return offset < found->second.size() ? &found->second[offset] : nullptr;
}

QVariant FileLinesModel::data(const QModelIndex& index, int role) const {
  if (!index_ || !index.isValid() || index.row() >= rows_) return {};
  if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
  const std::string* text = row(static_cast<std::uint64_t>(index.row()));
  return text ? QString::fromStdString(*text) : QVariant();
}

}  // namespace dorkgen
