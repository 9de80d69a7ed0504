// The pathWhitelist filter of rendering: an image's non-empty whitelist (and those of the images
// that depend on it) decide which entries of its rootfs are extracted.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

namespace stage0::aci::detail {

class Whitelist {
 public:
  // `lists` may be null; empty lists filter nothing.
  explicit Whitelist(const std::vector<std::vector<std::string>>* lists);

  bool empty() const { return lists_.empty(); }
  // `abs` is an absolute, clean path inside the rootfs ("/" or "/usr/bin/x"). A non-directory
  // is kept when every list names it; a directory also when it is a parent of a listed path,
  // so that listed files have somewhere to go.
  bool keeps(const std::string& abs, bool is_dir) const;

 private:
  struct List {
    std::unordered_set<std::string> paths;
    std::unordered_set<std::string> parents;
  };
  std::vector<List> lists_;
};

// Lexically cleans an absolute whitelist path: "/etc//x/" is "/etc/x", ".." folds. The paths
// are only compared, never resolved, so folding is safe here (unlike for tar entry names).
std::string clean_absolute(const std::string& path);

}  // namespace stage0::aci::detail
