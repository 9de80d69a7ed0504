// Test helpers (not part of rkt): scratch directories, and test keys and signatures made with the
// gpg CLI in a home of their own, so tests never touch the user's keyring.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace stage0::trust::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] looked up in $PATH) with stdin on /dev/null, collecting its output.
RunResult run(const std::vector<std::string>& argv);

// A scratch directory, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes path()/rel, creating its parent directories; returns the full path.
  std::string write(const std::string& rel, std::string_view content, mode_t mode = 0644) const;

 private:
  std::string path_;
};

// A GnuPG home holding secret keys. Failures are reported with ADD_FAILURE and give "".
class SigningKeyring {
 public:
  SigningKeyring();
  ~SigningKeyring();  // stops the gpg-agent that key generation started
  SigningKeyring(const SigningKeyring&) = delete;
  SigningKeyring& operator=(const SigningKeyring&) = delete;

  const std::string& home() const { return dir_.path(); }

  // Makes a key for `uid` (unique within the keyring) and returns its lower-case fingerprint.
  // `spec` is gpg's "algo usage expire"; `extra` options come first (--faked-system-time).
  std::string generate(const std::string& uid, const std::string& spec = "ed25519 sign 1y",
                       const std::vector<std::string>& extra = {});
  // Adds a signing subkey to `fingerprint`; returns the subkey's fingerprint.
  std::string add_signing_subkey(const std::string& fingerprint);
  std::string export_public(const std::string& fingerprint, bool armored = true);
  std::string export_secret(const std::string& fingerprint);
  // A detached signature of `file` by `fingerprint`.
  std::string sign(const std::string& fingerprint, const std::string& file, bool armored = true,
                   const std::vector<std::string>& extra = {});
  // Revokes the key with the certificate gpg made when it generated the key.
  void revoke(const std::string& fingerprint);

  // gpg --batch --homedir home() `args`; returns stdout, or "" after ADD_FAILURE.
  std::string gpg(const std::vector<std::string>& args);

 private:
  TempDir dir_;
};

}  // namespace stage0::trust::testing
