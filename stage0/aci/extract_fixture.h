// The fixture of the extract tests: a dest directory to extract into and, next to it, an
// "outside" directory that hostile archives aim at and that must stay untouched.
#pragma once

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <set>
#include <string>
#include <vector>

#include "stage0/aci/extract.h"
#include "stage0/aci/test_support.h"

namespace stage0::aci::testing {

class ExtractTest : public ::testing::Test {
 protected:
  ExtractTest() {
    auto fd = oslayer::open_path(tmp_ / "outside/secret", O_WRONLY | O_CREAT, 0644);
    EXPECT_TRUE(fd);
    EXPECT_TRUE(oslayer::write_all(fd->get(), "secret"));
    options_.preserve_owner = false;
  }

  oslayer::Status run(const std::vector<Entry>& entries) { return run(entries, options_); }
  oslayer::Status run(const std::vector<Entry>& entries, const ExtractOptions& options) {
    std::string path = tmp_ / ("layer" + std::to_string(layers_++) + ".tar");
    write_tar(path, entries);
    auto fd = open_read(path);
    return extract(fd.get(), dest_.get(), options);
  }

  // The refusal names the entry, on one line, and leaves "outside" as it was.
  void expect_refused(const std::vector<Entry>& entries, const std::string& text) {
    auto st = run(entries);
    ASSERT_FALSE(st) << "accepted";
    EXPECT_NE(st.error().text().find(text), std::string::npos) << st.error().text();
    EXPECT_EQ(st.error().text().find('\n'), std::string::npos) << st.error().text();
    expect_outside_untouched();
  }

  void expect_outside_untouched() {
    EXPECT_EQ(list(tmp_ / "outside"), std::set<std::string>{"secret"});
    EXPECT_EQ(read_file(tmp_ / "outside/secret"), "secret");
    EXPECT_EQ(list(tmp_.path()), (std::set<std::string>{"dest", "outside"}));
  }

  static std::set<std::string> list(const std::string& path) {
    std::set<std::string> names;
    DIR* d = ::opendir(path.c_str());
    if (d == nullptr) return names;
    while (struct dirent* de = ::readdir(d)) {
      std::string n = de->d_name;
      if (n != "." && n != ".." && n.rfind("layer", 0) != 0) names.insert(n);
    }
    ::closedir(d);
    return names;
  }

  std::string dest(const std::string& rel) const { return tmp_ / ("dest/" + rel); }
  struct stat lstat_of(const std::string& rel) const {
    struct stat st {};
    EXPECT_EQ(::lstat(dest(rel).c_str(), &st), 0) << rel;
    return st;
  }

  TempDir tmp_;
  oslayer::Fd dest_ = tmp_.make_dir("dest");
  oslayer::Fd outside_ = tmp_.make_dir("outside");
  ExtractOptions options_;
  int layers_ = 0;
};

}  // namespace stage0::aci::testing
