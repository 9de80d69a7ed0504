#include "stage0/images/module_loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <string>

#include "oslayer/log.h"

namespace stage0::images {
namespace {

constexpr const char* kModuleName = "librkt-images.so";

// The directory of the running binary: a build tree keeps the module there, next to rkt.
std::string exe_dir() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return "";
  std::string path(buf, static_cast<size_t>(n));
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

oslayer::Result<const ImagesModule*> load(const std::string& path) {
  // RTLD_LOCAL: the module's copies of our libraries and its libcurl, gpgme... stay its own.
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return oslayer::Error::msg(why != nullptr ? why : "dlopen failed");
  }
  auto* entry = reinterpret_cast<const ImagesModule* (*)()>(::dlsym(handle, kImagesModuleEntry));
  if (entry == nullptr) return oslayer::Error::msg(path + " has no " + kImagesModuleEntry);
  const ImagesModule* m = entry();
  if (m == nullptr || m->size != sizeof(ImagesModule) ||
      std::strcmp(m->abi, kImagesModuleAbi) != 0) {
    return oslayer::Error::msg(path + " is from another build of rkt (want " + kImagesModuleAbi +
                               ")");
  }
  m->log_init("rkt", oslayer::log_debug_enabled());
  // The handle is never closed: the module's functions are used until the process exits.
  return m;
}

oslayer::Result<const ImagesModule*> find_and_load() {
  std::string tried;
  const std::string here = exe_dir();
  const std::string rel = ROCKET_IMAGES_MODULE_REL_DIR;
  const std::string installed_rel = here.empty() || rel.empty() ? "" : here + "/" + rel;
  for (const std::string& dir : {here, installed_rel, std::string(ROCKET_IMAGES_MODULE_DIR)}) {
    if (dir.empty()) continue;
    const std::string path = dir + "/" + kModuleName;
    if (::access(path.c_str(), F_OK) != 0) {
      tried += (tried.empty() ? "" : ", ") + path;
      continue;
    }
    oslayer::log_debug("loading " + path);
    auto m = load(path);
    if (!m) return std::move(m).error().context("loading " + path);
    return m;
  }
  return oslayer::Error::msg("the image module " + std::string(kModuleName) +
                             " (needed to fetch, verify or render images) is missing: looked for " +
                             tried);
}

}  // namespace

oslayer::Result<const ImagesModule*> images_module() {
  static const std::optional<oslayer::Result<const ImagesModule*>> loaded{find_and_load()};
  return *loaded;
}

}  // namespace stage0::images
