#include "stage0/aci/tree_hash_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <optional>
#include <system_error>
#include <thread>

#include "oslayer/beneath.h"
#include "oslayer/fd.h"
#include "stage0/aci/digest.h"

namespace stage0::aci::detail {
namespace {

using oslayer::Error;

oslayer::Result<std::string> hash_one(int root, const std::string& path) {
  // O_NOFOLLOW and no symlinks on the way: the entry was a regular file when listed; if it was
  // swapped for a symlink since, this fails instead of hashing whatever it points at.
  auto fd = oslayer::open_beneath(root, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0,
                                  oslayer::Symlinks::kRefuse);
  if (!fd) return std::move(fd).error();
  struct stat st {};
  if (::fstat(fd->get(), &st) < 0) return Error::sys(errno, "inspecting " + path);
  if (!S_ISREG(st.st_mode)) return Error::msg(path + " changed while hashing");
  Sha512 sha;
  if (auto c = hash_content(fd->get(), st.st_size, path, sha); !c) return std::move(c).error();
  auto xattrs = xattr_lines(fd->get());
  if (!xattrs) return std::move(xattrs).error().context(path);
  return header(path, st) + " " + std::to_string(st.st_size) + " " + sha.hex_final() + "\n" +
         *xattrs;
}

}  // namespace

std::vector<oslayer::Result<std::string>> hash_files(int root,
                                                     const std::vector<std::string>& paths,
                                                     unsigned threads) {
  std::vector<std::optional<oslayer::Result<std::string>>> slots(paths.size());
  std::atomic<size_t> next{0};
  // Each thread takes the next unclaimed file, so one large file does not hold up the rest.
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < paths.size();) slots[i] = hash_one(root, paths[i]);
  };
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads && t < paths.size(); ++t) {
    // std::thread reports a failed pthread_create by throwing; fewer helpers only means slower.
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break;
    }
  }
  work();
  for (auto& h : helpers) h.join();
  std::vector<oslayer::Result<std::string>> out;
  out.reserve(paths.size());
  for (auto& s : slots) out.push_back(std::move(*s));
  return out;
}

}  // namespace stage0::aci::detail
