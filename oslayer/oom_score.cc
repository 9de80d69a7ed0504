#include "oslayer/oom_score.h"

#include <fcntl.h>

#include <charconv>
#include <string>

#include "oslayer/fd.h"

namespace oslayer {

Status set_oom_score_adj(int value) {
  auto fd = open_path("/proc/self/oom_score_adj", O_WRONLY);
  if (!fd) return std::move(fd).error().context("setting oom_score_adj");
  return write_all(fd->get(), std::to_string(value))
      .context("setting oom_score_adj to " + std::to_string(value));
}

Result<int> read_oom_score_adj() {
  auto text = read_file("/proc/self/oom_score_adj", 64);
  if (!text) return std::move(text).error();
  int v = 0;
  const char* end = text->data() + text->size();
  while (end > text->data() && (end[-1] == '\n' || end[-1] == ' ')) --end;
  auto [ptr, ec] = std::from_chars(text->data(), end, v);
  if (ec != std::errc() || ptr != end) return Error::msg("malformed /proc/self/oom_score_adj");
  return v;
}

}  // namespace oslayer
