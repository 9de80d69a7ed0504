#include "stage0/aci/test_support.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

namespace stage0::aci::testing {

TempDir::TempDir() {
  char tmpl[] = "/tmp/stage0-aci-test-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) std::abort();
  path_ = tmpl;
}

TempDir::~TempDir() {
  // Extracted trees may hold read-only directories: open them up first.
  std::string q = "'" + path_ + "'";
  int rc = std::system(("chmod -R u+rwx " + q + " 2>/dev/null; rm -rf " + q).c_str());
  EXPECT_EQ(rc, 0) << "removing " << path_;
}

oslayer::Fd TempDir::make_dir(const std::string& rel) const {
  std::string p = path_ + "/" + rel;
  EXPECT_EQ(::mkdir(p.c_str(), 0755), 0) << p;
  auto fd = oslayer::open_path(p, O_PATH | O_DIRECTORY);
  EXPECT_TRUE(fd);
  return fd ? std::move(*fd) : oslayer::Fd();
}

Entry file(std::string name, std::string data, mode_t mode) {
  Entry e;
  e.name = std::move(name);
  e.data = std::move(data);
  e.mode = mode;
  return e;
}

Entry dir(std::string name, mode_t mode) {
  Entry e;
  e.kind = Entry::kDir;
  e.name = std::move(name);
  e.mode = mode;
  return e;
}

Entry symlink(std::string name, std::string target) {
  Entry e;
  e.kind = Entry::kSymlink;
  e.name = std::move(name);
  e.target = std::move(target);
  e.mode = 0777;
  return e;
}

Entry hardlink(std::string name, std::string target) {
  Entry e;
  e.kind = Entry::kHardlink;
  e.name = std::move(name);
  e.target = std::move(target);
  return e;
}

Entry fifo(std::string name) {
  Entry e;
  e.kind = Entry::kFifo;
  e.name = std::move(name);
  return e;
}

Entry device(std::string name, Entry::Kind kind) {
  Entry e;
  e.kind = kind;
  e.name = std::move(name);
  return e;
}

namespace {

struct WriteFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

mode_t type_of(Entry::Kind kind) {
  switch (kind) {
    case Entry::kDir:
      return AE_IFDIR;
    case Entry::kSymlink:
      return AE_IFLNK;
    case Entry::kFifo:
      return AE_IFIFO;
    case Entry::kCharDev:
      return AE_IFCHR;
    case Entry::kBlockDev:
      return AE_IFBLK;
    case Entry::kSocket:
      return AE_IFSOCK;
    default:
      return AE_IFREG;
  }
}

}  // namespace

void write_tar(const std::string& path, const std::vector<Entry>& entries, Filter filter) {
  std::unique_ptr<archive, WriteFree> a(archive_write_new());
  ASSERT_EQ(archive_write_set_format_pax_restricted(a.get()), ARCHIVE_OK);
  switch (filter) {
    case Filter::kNone:
      break;
    case Filter::kGzip:
      ASSERT_EQ(archive_write_add_filter_gzip(a.get()), ARCHIVE_OK);
      break;
    case Filter::kBzip2:
      ASSERT_EQ(archive_write_add_filter_bzip2(a.get()), ARCHIVE_OK);
      break;
    case Filter::kXz:
      ASSERT_EQ(archive_write_add_filter_xz(a.get()), ARCHIVE_OK);
      break;
  }
  ASSERT_EQ(archive_write_open_filename(a.get(), path.c_str()), ARCHIVE_OK)
      << archive_error_string(a.get());
  for (const auto& in : entries) {
    std::unique_ptr<archive_entry, EntryFree> e(archive_entry_new());
    archive_entry_set_pathname(e.get(), in.name.c_str());
    archive_entry_set_filetype(e.get(), type_of(in.kind));
    archive_entry_set_perm(e.get(), in.mode);
    archive_entry_set_uid(e.get(), in.uid);
    archive_entry_set_gid(e.get(), in.gid);
    archive_entry_set_mtime(e.get(), in.mtime, 0);
    if (in.kind == Entry::kCharDev || in.kind == Entry::kBlockDev) {
      archive_entry_set_rdev(e.get(), makedev(8, 0));
    }
    if (in.kind == Entry::kSymlink) archive_entry_set_symlink(e.get(), in.target.c_str());
    if (in.kind == Entry::kHardlink) archive_entry_set_hardlink(e.get(), in.target.c_str());
    for (const auto& [k, v] : in.xattrs) {
      archive_entry_xattr_add_entry(e.get(), k.c_str(), v.data(), v.size());
    }
    bool has_data = in.kind == Entry::kFile;
    archive_entry_set_size(
        e.get(), has_data ? (in.size >= 0 ? in.size : static_cast<int64_t>(in.data.size())) : 0);
    ASSERT_GE(archive_write_header(a.get(), e.get()), ARCHIVE_WARN)
        << in.name << ": " << archive_error_string(a.get());
    if (has_data && !in.data.empty()) {
      ASSERT_EQ(archive_write_data(a.get(), in.data.data(), in.data.size()),
                static_cast<la_ssize_t>(in.data.size()));
    }
  }
  ASSERT_EQ(archive_write_close(a.get()), ARCHIVE_OK) << archive_error_string(a.get());
}

std::string manifest_json(const std::string& name) {
  return R"({"acKind":"ImageManifest","acVersion":"0.8.11","name":")" + name + R"("})";
}

std::vector<Entry> minimal_aci() { return {file("manifest", manifest_json()), dir("rootfs")}; }

std::string read_file(const std::string& path) {
  auto fd = oslayer::open_path(path, O_RDONLY);
  if (!fd) return "<cannot open " + path + ">";
  auto data = oslayer::read_all(fd->get(), 1 << 30);
  return data ? *data : "<cannot read " + path + ">";
}

oslayer::Fd open_read(const std::string& path) {
  auto fd = oslayer::open_path(path, O_RDONLY);
  EXPECT_TRUE(fd) << path;
  return fd ? std::move(*fd) : oslayer::Fd();
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace stage0::aci::testing
