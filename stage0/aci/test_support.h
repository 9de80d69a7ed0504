// Test helpers: temporary directories and tar archives built with libarchive's writer, so that
// each test states the exact entries it feeds to the code under test, hostile ones included.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "oslayer/fd.h"

namespace stage0::aci::testing {

// A mkdtemp directory, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }
  // A new subdirectory and an O_PATH fd of it.
  oslayer::Fd make_dir(const std::string& rel) const;

 private:
  std::string path_;
};

struct Entry {
  enum Kind { kFile, kDir, kSymlink, kHardlink, kFifo, kCharDev, kBlockDev, kSocket };
  Kind kind = kFile;
  std::string name;
  std::string data;    // file contents
  std::string target;  // symlink or hard-link target
  mode_t mode = 0644;
  int64_t uid = 0;
  int64_t gid = 0;
  int64_t mtime = 1'500'000'000;
  std::vector<std::pair<std::string, std::string>> xattrs;
  int64_t size = -1;  // declared size when different from data.size()
};

Entry file(std::string name, std::string data, mode_t mode = 0644);
Entry dir(std::string name, mode_t mode = 0755);
Entry symlink(std::string name, std::string target);
Entry hardlink(std::string name, std::string target);
Entry fifo(std::string name);
Entry device(std::string name, Entry::Kind kind);

enum class Filter { kNone, kGzip, kBzip2, kXz };

// Writes a pax tar of `entries` to `path`, compressed with `filter`.
void write_tar(const std::string& path, const std::vector<Entry>& entries,
               Filter filter = Filter::kNone);

// A valid image manifest, and the entries of a minimal ACI around it.
std::string manifest_json(const std::string& name = "example.com/test");
std::vector<Entry> minimal_aci();

std::string read_file(const std::string& path);
oslayer::Fd open_read(const std::string& path);
bool exists(const std::string& path);  // lstat: a dangling symlink exists

}  // namespace stage0::aci::testing
