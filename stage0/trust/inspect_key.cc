// inspect_key and format_fingerprint (declared in verify.h): what `rkt trust` shows for review
// and what the trust store checks a key file's name against.
#include <cctype>
#include <string>

#include "stage0/trust/gpg_home.h"
#include "stage0/trust/verify.h"

namespace stage0::trust {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

KeyInfo describe(gpgme_key_t key) {
  KeyInfo info;
  // key->fpr is the primary key's fingerprint; older gpgme versions only filled subkeys->fpr.
  const char* fpr = key->fpr != nullptr ? key->fpr : key->subkeys->fpr;
  info.fingerprint = lower(fpr != nullptr ? fpr : "");
  info.expired = key->expired != 0;
  info.revoked = key->revoked != 0;
  for (gpgme_user_id_t uid = key->uids; uid != nullptr; uid = uid->next) {
    if (uid->uid != nullptr) info.uids.emplace_back(uid->uid);
  }
  for (gpgme_subkey_t sub = key->subkeys; sub != nullptr; sub = sub->next) {
    if (sub == key->subkeys || sub->fpr == nullptr) continue;  // the first one is the primary
    info.subkey_fingerprints.push_back(lower(sub->fpr));
  }
  return info;
}

}  // namespace

oslayer::Result<KeyInfo> inspect_key(std::string_view key) {
  if (key.empty()) return oslayer::Error::msg("not an OpenPGP public key: the file is empty");
  // A secret key would end up world-readable in the store; refuse it before gpg even sees it.
  if (key.find("-----BEGIN PGP PRIVATE KEY BLOCK-----") != std::string_view::npos) {
    return oslayer::Error::msg("this is a secret key: trust only the public key (gpg --export)");
  }
  const SigpipeIgnored sigpipe;  // declared first: it outlives every gpgme object below
  auto home = GnupgHome::create();
  if (!home) return std::move(home).error();
  auto ctx = new_context(*home);
  if (!ctx) return std::move(ctx).error();
  auto data = data_from_memory(key);
  if (!data) return std::move(data).error();

  // Lists the keys in the data without importing them (gpg --import-options show-only).
  if (gpgme_error_t err = gpgme_op_keylist_from_data_start(ctx->get(), data->get(), 0); err != 0) {
    return gpgme_failure(err, "reading the key");
  }
  std::vector<Key> keys;
  for (;;) {
    gpgme_key_t raw = nullptr;
    const gpgme_error_t err = gpgme_op_keylist_next(ctx->get(), &raw);
    if (gpgme_err_code(err) == GPG_ERR_EOF) break;
    if (err != 0) {
      // Garbage comes back as a bad-data error or as no key at all, depending on gpg's mood.
      (void)gpgme_op_keylist_end(ctx->get());  // already failing; its own status adds nothing
      return gpgme_failure(err, "not an OpenPGP public key");
    }
    keys.emplace_back(raw);
  }
  if (gpgme_error_t err = gpgme_op_keylist_end(ctx->get()); err != 0) {
    return gpgme_failure(err, "reading the key");
  }
  if (keys.empty()) return oslayer::Error::msg("not an OpenPGP public key");
  if (keys.size() > 1) {
    return oslayer::Error::msg("holds " + std::to_string(keys.size()) +
                               " keys; a trusted key file must hold exactly one");
  }
  if (keys[0]->secret != 0) {
    return oslayer::Error::msg("this is a secret key: trust only the public key (gpg --export)");
  }
  if (keys[0]->subkeys == nullptr) return oslayer::Error::msg("not an OpenPGP public key");
  return describe(keys[0].get());
}

std::string format_fingerprint(std::string_view fingerprint) {
  std::string out;
  for (size_t i = 0; i < fingerprint.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += (i == fingerprint.size() / 2) ? "  " : " ";
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(fingerprint[i])));
  }
  return out;
}

}  // namespace stage0::trust
