// libFuzzer target over the image path of `rkt fetch` and rendering: an ACI (any compression)
// is decompressed, its layout and manifest read, and it is extracted into a fresh directory in
// a tmpfs sandbox. Besides crashes and sanitizer reports, the oracle checks that nothing was
// created or changed outside that directory (a sentinel tree sits next to it), that no device
// node was made, and that the limits held.
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "oslayer/fd.h"
#include "stage0/aci/archive.h"
#include "stage0/aci/decompress.h"
#include "stage0/aci/extract.h"
#include "stage0/aci/remove_tree.h"
#include "stage0/aci/tree_hash.h"

namespace {

constexpr uint64_t kMaxUncompressed = 4 << 20;
constexpr uint64_t kMaxExpanded = 4 << 20;
constexpr char kSecret[] = "sentinel contents";

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "aci_fuzzer oracle: %s\n", why.c_str());
  std::abort();
}

std::set<std::string> list(const std::string& path) {
  std::set<std::string> names;
  auto fd = oslayer::open_path(path, O_RDONLY | O_DIRECTORY);
  if (!fd) fail("cannot list " + path);
  DIR* d = ::fdopendir(fd->get());
  if (d == nullptr) fail("fdopendir " + path);
  (void)fd->release();  // now owned by `d`
  while (struct dirent* de = ::readdir(d)) {
    std::string n = de->d_name;
    if (n != "." && n != "..") names.insert(n);
  }
  ::closedir(d);
  return names;
}

oslayer::Fd make_memfd(const char* name) {
  int fd = ::memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) fail("memfd_create");
  return oslayer::Fd(fd);
}

off_t size_of(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) < 0) fail("fstat");
  return st.st_size;
}

// The sandbox, made once per process: base/dest is extracted into, base/outside holds the
// sentinel. Relative escapes ("../outside/...") are easy for the fuzzer to find; absolute ones
// are refused before any lookup, whatever they name.
struct Sandbox {
  Sandbox() {
    const char* root = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    std::string tmpl = std::string(root) + "/aci-fuzz-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) fail("mkdtemp");
    base = tmpl;
    if (::mkdir((base + "/outside").c_str(), 0755) < 0) fail("mkdir outside");
    if (::mkdir((base + "/outside/dir").c_str(), 0755) < 0) fail("mkdir outside/dir");
    auto fd = oslayer::open_path(base + "/outside/sentinel", O_WRONLY | O_CREAT, 0644);
    if (!fd || !oslayer::write_all(fd->get(), kSecret)) fail("writing the sentinel");
    auto b = oslayer::open_path(base, O_PATH | O_DIRECTORY);
    if (!b) fail("opening the sandbox");
    base_fd = std::move(*b);
    if (::stat((base + "/outside/sentinel").c_str(), &sentinel) < 0) fail("stat sentinel");
  }
  // At the end of a run without findings; after one, the sandbox stays for inspection.
  ~Sandbox() {
    auto slash = base.rfind('/');
    auto parent = oslayer::open_path(base.substr(0, slash), O_PATH | O_DIRECTORY);
    if (parent) (void)stage0::aci::remove_tree(parent->get(), base.substr(slash + 1));
  }
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  void check() const {
    if (list(base) != std::set<std::string>{"outside"}) fail("entry created next to dest");
    if (list(base + "/outside") != std::set<std::string>{"dir", "sentinel"}) {
      fail("entry created in outside/");
    }
    if (!list(base + "/outside/dir").empty()) fail("entry created in outside/dir");
    struct stat st {};
    if (::stat((base + "/outside/sentinel").c_str(), &st) < 0) fail("sentinel gone");
    if (st.st_mode != sentinel.st_mode || st.st_size != sentinel.st_size ||
        st.st_mtim.tv_sec != sentinel.st_mtim.tv_sec ||
        st.st_mtim.tv_nsec != sentinel.st_mtim.tv_nsec || st.st_ino != sentinel.st_ino) {
      fail("sentinel changed");
    }
  }

  std::string base;
  oslayer::Fd base_fd;
  struct stat sentinel {};
};

int no_devices_and_open_up(const char* path, const struct stat* st, int type, struct FTW*) {
  if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) fail(std::string("device node ") + path);
  // Opened up so that the removal below also works without root.
  if (type == FTW_D) (void)::chmod(path, 0700);
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Sandbox sandbox;
  auto in = make_memfd("aci-in");
  if (!oslayer::write_all(in.get(), std::string_view(reinterpret_cast<const char*>(data), size))) {
    fail("writing the input");
  }
  if (::lseek(in.get(), 0, SEEK_SET) != 0) fail("lseek");
  auto tar = make_memfd("aci-tar");
  auto d = stage0::aci::decompress_to(in.get(), tar.get(), kMaxUncompressed);
  if (static_cast<uint64_t>(size_of(tar.get())) > kMaxUncompressed) fail("decompress cap");
  if (!d) return 0;
  if (d->size != static_cast<uint64_t>(size_of(tar.get()))) fail("decompressed size");

  std::vector<std::vector<std::string>> whitelists;
  auto m = stage0::aci::read_manifest(tar.get());
  if (m) {
    if (m->raw.size() > appc::kMaxManifestSize) fail("manifest cap");
    whitelists.push_back(m->manifest.path_whitelist);
  }

  // Extracted whether or not the layout was valid: the extractor must hold on its own.
  std::string dest = sandbox.base + "/dest";
  if (::mkdir(dest.c_str(), 0755) < 0) fail("mkdir dest");
  {
    auto dest_fd = oslayer::open_path(dest, O_PATH | O_DIRECTORY);
    if (!dest_fd) fail("opening dest");
    stage0::aci::ExtractOptions options;
    options.rootfs_only = size % 2 == 0;
    options.whitelists = &whitelists;
    options.preserve_owner = false;
    options.max_expanded_bytes = kMaxExpanded;
    (void)stage0::aci::extract(tar.get(), dest_fd->get(), options);  // refusals are fine
    (void)stage0::aci::hash_tree(dest_fd->get());                    // it must only not crash
  }
  if (::nftw(dest.c_str(), no_devices_and_open_up, 16, FTW_PHYS) != 0) fail("walking dest");
  if (!stage0::aci::remove_tree(sandbox.base_fd.get(), "dest")) fail("removing dest");
  sandbox.check();
  return 0;
}
