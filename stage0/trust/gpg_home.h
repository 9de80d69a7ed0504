// gpgme plumbing shared by key inspection and signature checks: a private, temporary GnuPG home
// per operation (so the user's ~/.gnupg is never read or written, and no state is shared between
// images), owning wrappers for gpgme's handles, and gpgme error codes turned into oslayer errors.
#pragma once

#include <gpgme.h>
#include <signal.h>

#include <memory>
#include <string>
#include <string_view>

#include "oslayer/result.h"

namespace stage0::trust {

// A mkdtemp(3) directory (mode 0700) under $TMPDIR or /tmp, used as gpg's --homedir. Its
// gpg.conf forbids starting gpg-agent and dirmngr: public-key work needs neither, and a daemon
// started for a throwaway home would outlive us. Should one run anyway, the destructor stops it
// before removing the directory tree.
class GnupgHome {
 public:
  static oslayer::Result<GnupgHome> create();

  GnupgHome(GnupgHome&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  GnupgHome& operator=(GnupgHome&&) = delete;
  GnupgHome(const GnupgHome&) = delete;
  GnupgHome& operator=(const GnupgHome&) = delete;
  ~GnupgHome();

  const std::string& path() const { return path_; }

 private:
  explicit GnupgHome(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Ignores SIGPIPE for its lifetime and then restores what was there. gpgme writes to pipes into
// gpg, which may exit early (a garbage signature), and would otherwise kill us. gpgme's own fix,
// setting SIG_IGN for good in gpgme_check_version, would be inherited through execve by stage1
// and every app, so it is undone in init and confined to the gpgme calls instead.
class SigpipeIgnored {
 public:
  SigpipeIgnored();
  ~SigpipeIgnored();
  SigpipeIgnored(const SigpipeIgnored&) = delete;
  SigpipeIgnored& operator=(const SigpipeIgnored&) = delete;

 private:
  struct sigaction old_ {};
  bool saved_ = false;
};

struct ContextDeleter {
  void operator()(gpgme_ctx_t ctx) const { gpgme_release(ctx); }
};
struct DataDeleter {
  void operator()(gpgme_data_t data) const { gpgme_data_release(data); }
};
struct KeyDeleter {
  void operator()(gpgme_key_t key) const { gpgme_key_unref(key); }
};
using Context = std::unique_ptr<gpgme_context, ContextDeleter>;
using Data = std::unique_ptr<gpgme_data, DataDeleter>;
using Key = std::unique_ptr<_gpgme_key, KeyDeleter>;

// An OpenPGP context whose engine runs with --homedir `home`, offline. `home` must outlive it.
oslayer::Result<Context> new_context(const GnupgHome& home);

// A data object reading `bytes` in place (no copy): `bytes` must outlive it.
oslayer::Result<Data> data_from_memory(std::string_view bytes);

// gpgme's error as ours: the errno when gpgme reports a system error, its text otherwise.
oslayer::Error gpgme_failure(gpgme_error_t err, std::string what);

}  // namespace stage0::trust
