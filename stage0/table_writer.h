// Output helpers for rkt's listings: Go's tabwriter as rkt configured it (minwidth 0, tabwidth
// 8, padding 1, padded with tabs), human-readable sizes and times.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace stage0 {

// Aligns rows of cells; each cell but the last in a row is followed by enough tabs to reach the
// column's width rounded up to a multiple of 8.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

// "211MiB", "4.0KiB", "512B": Go's go-humanize IBytes, as rkt's image list printed sizes.
std::string human_bytes(uint64_t bytes);
// "5 seconds ago", "2 days ago": go-humanize's Time, relative to `now_ns`.
std::string human_time_ago(int64_t then_ns, int64_t now_ns);
// "2006-01-02 15:04:05.999 -0700 MST", the absolute form --full prints, in local time.
std::string absolute_time(int64_t ns);

}  // namespace stage0
