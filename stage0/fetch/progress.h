// The one-line download progress bar drawn on stderr while an image is fetched.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace stage0::fetch {

// Pure: "image: 12.3 MiB / 45.6 MiB  3.1 MiB/s  ETA 0:10". `total` 0 means unknown (no total, no
// ETA); the rate is left out until some time has passed.
std::string format_progress(std::string_view label, uint64_t done, uint64_t total,
                            double elapsed_seconds);

// "1023 B", "1.5 KiB", "12.3 MiB".
std::string format_bytes(uint64_t bytes);

// Redraws the line with '\r', at most a few times per second so a fast transfer does not spend
// its time writing to the terminal. Draws nothing unless enabled (stderr is a terminal).
class ProgressBar {
 public:
  ProgressBar(bool enabled, std::string label);
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(uint64_t done, uint64_t total);
  // Draws the final state and ends the line, so later output starts on a fresh one.
  void finish();

 private:
  void draw(uint64_t done, uint64_t total);

  bool enabled_;
  std::string label_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  uint64_t done_ = 0;
  uint64_t total_ = 0;
  size_t last_width_ = 0;
  bool drawn_ = false;
};

}  // namespace stage0::fetch
