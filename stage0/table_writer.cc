#include "stage0/table_writer.h"

#include <array>
#include <cmath>
#include <ctime>

namespace stage0 {
namespace {

// Width in terminal columns: one per UTF-8 code point (multi-byte names are rare here).
size_t display_width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::string format_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    for (size_t i = 0; i + 1 < row.size(); ++i) {
      if (widths.size() <= i) widths.resize(i + 1, 0);
      widths[i] = std::max(widths[i], display_width(row[i]) + 1);
    }
  }
  for (auto& w : widths) w = (w + 7) / 8 * 8;
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 == row.size()) break;
      size_t used = display_width(row[i]);
      // Tabs advance to the next multiple of 8; count how many reach the column's width.
      size_t tabs = (widths[i] - used + 7) / 8;
      if (tabs == 0) tabs = 1;
      out.append(tabs, '\t');
    }
    out += '\n';
  }
  return out;
}

std::string human_bytes(uint64_t bytes) {
  static constexpr std::array<const char*, 7> kUnits = {"B",   "KiB", "MiB", "GiB",
                                                        "TiB", "PiB", "EiB"};
  if (bytes < 10) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes);
  size_t unit = 0;
  while (v >= 1024 && unit + 1 < kUnits.size()) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  // go-humanize: one decimal below 10, none above.
  if (v < 10) {
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f %s", std::floor(v), kUnits[unit]);
  }
  return buf;
}

std::string human_time_ago(int64_t then_ns, int64_t now_ns) {
  int64_t secs = (now_ns - then_ns) / 1000000000;
  bool future = secs < 0;
  if (future) secs = -secs;
  auto phrase = [&](int64_t n, const char* one, const char* many) {
    std::string s = n == 1 ? std::string(one) : std::to_string(n) + " " + many;
    return s + (future ? " from now" : " ago");
  };
  if (secs < 1) return "now";
  if (secs < 2) return phrase(1, "1 second", "seconds");
  if (secs < 60) return phrase(secs, "", "seconds");
  if (secs < 120) return phrase(1, "1 minute", "minutes");
  if (secs < 3600) return phrase(secs / 60, "", "minutes");
  if (secs < 7200) return phrase(1, "1 hour", "hours");
  if (secs < 86400) return phrase(secs / 3600, "", "hours");
  if (secs < 172800) return phrase(1, "1 day", "days");
  if (secs < 604800) return phrase(secs / 86400, "", "days");
  if (secs < 1209600) return phrase(1, "1 week", "weeks");
  if (secs < 2592000) return phrase(secs / 604800, "", "weeks");
  if (secs < 5184000) return phrase(1, "1 month", "months");
  if (secs < 31536000) return phrase(secs / 2592000, "", "months");
  if (secs < 63072000) return phrase(1, "1 year", "years");
  return phrase(secs / 31536000, "", "years");
}

std::string absolute_time(int64_t ns) {
  time_t secs = static_cast<time_t>(ns / 1000000000);
  int millis = static_cast<int>((ns % 1000000000) / 1000000);
  struct tm tm {};
  localtime_r(&secs, &tm);
  char date[64];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
  char zone[32];
  std::strftime(zone, sizeof zone, "%z %Z", &tm);
  std::string out = date;
  if (millis != 0) {
    // Go's .999 layout drops trailing zeros.
    std::string m = std::to_string(millis + 1000).substr(1);
    while (!m.empty() && m.back() == '0') m.pop_back();
    out += "." + m;
  }
  return out + " " + zone;
}

}  // namespace stage0
