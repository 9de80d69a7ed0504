#include "stage1/app_process.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <string>

#include "oslayer/fd.h"
#include "oslayer/process_join.h"

namespace stage1 {
namespace {

using oslayer::Error;
using oslayer::Result;

Result<pid_t> parse_pid(std::string_view s) {
  pid_t pid = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), pid);
  if (ec != std::errc() || end != s.data() + s.size() || pid <= 0) {
    return Error::msg("\"" + std::string(s) + "\" is not a PID");
  }
  return pid;
}

// The value of "Key:\tvalue" in a status file, without surrounding blanks.
std::string_view field(std::string_view text, std::string_view key) {
  while (!text.empty()) {
    std::string_view line = text.substr(0, text.find('\n'));
    text.remove_prefix(std::min(text.size(), line.size() + 1));
    if (line.size() <= key.size() || !line.starts_with(key) || line[key.size()] != ':') continue;
    line.remove_prefix(key.size() + 1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    return line;
  }
  return {};
}

Result<ProcessStatus> read_status(pid_t pid) {
  auto text = oslayer::read_file("/proc/" + std::to_string(pid) + "/status", 1 << 16);
  if (!text) return std::move(text).error();
  return parse_process_status(*text);
}

}  // namespace

Result<std::vector<pid_t>> parse_children(std::string_view text) {
  std::vector<pid_t> out;
  while (!text.empty()) {
    size_t sp = text.find_first_of(" \n");
    std::string_view word = text.substr(0, sp);
    if (!word.empty()) {
      auto pid = parse_pid(word);
      if (!pid) return std::move(pid).error();
      out.push_back(*pid);
    }
    if (sp == std::string_view::npos) break;
    text.remove_prefix(sp + 1);
  }
  return out;
}

Result<ProcessStatus> parse_process_status(std::string_view text) {
  ProcessStatus s;
  std::string_view state = field(text, "State");
  if (state.empty()) return Error::msg("no State in the process status");
  s.state = state[0];
  auto ppid = parse_pid(field(text, "PPid"));
  if (!ppid) return std::move(ppid).error().context("PPid in the process status");
  s.ppid = *ppid;
  auto inner = oslayer::innermost_pid(text);
  if (!inner) return std::move(inner).error();
  s.inner = *inner;
  return s;
}

bool is_app_process(pid_t pid, pid_t pid1, pid_t inner) {
  auto s = read_status(pid);
  return s && s->ppid == pid1 && s->inner == inner && s->state != 'Z' && s->state != 'X';
}

Result<pid_t> find_app_process(pid_t pid1, pid_t inner) {
  std::string p1 = std::to_string(pid1);
  // The pod's PID 1 is PID 1 in its namespace; anything else in the pid file is not a pod.
  auto own = read_status(pid1);
  if (!own) return std::move(own).error().context("reading the pod's PID 1 (" + p1 + ")");
  if (own->inner != 1) return Error::msg("process " + p1 + " is not the PID 1 of a pod");
  auto children = oslayer::read_file("/proc/" + p1 + "/task/" + p1 + "/children", 1 << 20);
  if (!children) return std::move(children).error().context("listing the children of " + p1);
  auto pids = parse_children(*children);
  if (!pids) return std::move(pids).error().context("listing the children of " + p1);
  for (pid_t c : *pids) {
    if (is_app_process(c, pid1, inner)) return c;
  }
  return Error::sys(ESRCH, "finding the app's process");
}

}  // namespace stage1
