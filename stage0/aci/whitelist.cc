#include "stage0/aci/whitelist.h"

namespace stage0::aci::detail {

std::string clean_absolute(const std::string& path) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    std::string element = path.substr(pos, next - pos);
    pos = next + 1;
    if (element.empty() || element == ".") continue;
    if (element == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(std::move(element));
  }
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

Whitelist::Whitelist(const std::vector<std::vector<std::string>>* lists) {
  if (lists == nullptr) return;
  for (const auto& list : *lists) {
    if (list.empty()) continue;
    List l;
    for (const auto& raw : list) {
      std::string p = clean_absolute(raw);
      l.paths.insert(p);
      // Every ancestor up to "/" may be needed as a directory.
      while (p != "/") {
        auto slash = p.rfind('/');
        p = slash == 0 ? "/" : p.substr(0, slash);
        if (!l.parents.insert(p).second) break;  // its ancestors are in already
      }
    }
    lists_.push_back(std::move(l));
  }
}

bool Whitelist::keeps(const std::string& abs, bool is_dir) const {
  for (const auto& l : lists_) {
    if (l.paths.count(abs) != 0) continue;
    if (is_dir && l.parents.count(abs) != 0) continue;
    return false;
  }
  return true;
}

}  // namespace stage0::aci::detail
