#include "stage0/fetch/progress.h"

#include <cstdio>

#include "oslayer/fd.h"

namespace stage0::fetch {
namespace {

constexpr auto kRedrawInterval = std::chrono::milliseconds(200);
// Below this the rate is mostly connection setup and would make the ETA jump around.
constexpr double kMinElapsedForRate = 0.5;

std::string format_duration(uint64_t seconds) {
  char buf[32];
  if (seconds >= 3600) {
    std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu",
                  static_cast<unsigned long long>(seconds / 3600),
                  static_cast<unsigned long long>(seconds / 60 % 60),
                  static_cast<unsigned long long>(seconds % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llu:%02llu", static_cast<unsigned long long>(seconds / 60),
                  static_cast<unsigned long long>(seconds % 60));
  }
  return buf;
}

}  // namespace

std::string format_bytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", value, kUnits[unit]);
  return buf;
}

std::string format_progress(std::string_view label, uint64_t done, uint64_t total,
                            double elapsed_seconds) {
  std::string line(label);
  line += ": ";
  line += format_bytes(done);
  if (total > 0) line += " / " + format_bytes(total);
  if (elapsed_seconds >= kMinElapsedForRate) {
    double rate = static_cast<double>(done) / elapsed_seconds;
    line += "  " + format_bytes(static_cast<uint64_t>(rate)) + "/s";
    if (total > done && rate >= 1) {
      line += "  ETA " + format_duration(
                             static_cast<uint64_t>(static_cast<double>(total - done) / rate + 0.5));
    }
  }
  return line;
}

ProgressBar::ProgressBar(bool enabled, std::string label)
    : enabled_(enabled),
      label_(std::move(label)),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void ProgressBar::update(uint64_t done, uint64_t total) {
  if (!enabled_) return;
  done_ = done;
  total_ = total;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  draw(done, total);
}

void ProgressBar::finish() {
  if (!enabled_) return;
  draw(done_, total_);
  // A failed write to the terminal must not fail the download it decorates.
  (void)oslayer::write_all(2, "\n");
  enabled_ = false;
}

void ProgressBar::draw(uint64_t done, uint64_t total) {
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
  std::string line = format_progress(label_, done, total, elapsed.count());
  size_t width = line.size();
  // Blank out what a longer previous line left behind.
  if (width < last_width_) line.append(last_width_ - width, ' ');
  last_width_ = width;
  drawn_ = true;
  (void)oslayer::write_all(2, "\r" + line);  // as in finish(): decoration only
}

}  // namespace stage0::fetch
