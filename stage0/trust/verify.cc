// verify_detached: one gpg run against a keyring that holds exactly the keys trusted for the
// image name, so "gpg found the key" already means "the key is trusted". Validity is not used:
// in a fresh keyring every key has unknown owner trust, and the trust store is our web of trust.
#include "stage0/trust/verify.h"

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <optional>
#include <set>
#include <string>

#include "stage0/trust/gpg_home.h"
#include "stage0/trust/trust_store.h"
#include "stage0/trust/verify_loop.h"

namespace stage0::trust {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

oslayer::Status import_key(gpgme_ctx_t ctx, const TrustedKey& key) {
  auto data = data_from_memory(key.armored);
  if (!data) return std::move(data).error();
  if (gpgme_error_t err = gpgme_op_import(ctx, data->get()); err != 0) {
    return gpgme_failure(err, "importing trusted key " + key.path);
  }
  gpgme_import_result_t result = gpgme_op_import_result(ctx);
  if (result == nullptr || result->imported + result->unchanged == 0) {
    return oslayer::Error::msg("importing trusted key " + key.path + ": no key in the file");
  }
  return oslayer::ok();
}

// The hint rkt gave for an unknown signer, with every prefix that would cover `name`. Without a
// name (find_signer), only that the key is unknown.
oslayer::Error untrusted(std::string_view signer, const appc::AcIdentifier* name_or_null) {
  if (name_or_null == nullptr) {
    return oslayer::Error::msg("the image is signed by key " + lower(signer) +
                               ", which is not among the keys checked");
  }
  const appc::AcIdentifier& name = *name_or_null;
  const std::vector<std::string> prefixes = name_prefixes(name);
  std::string parents;
  for (auto it = prefixes.rbegin() + 1; it != prefixes.rend(); ++it) {
    parents += (parents.empty() ? "" : ", ") + ("\"" + *it + "\"");
  }
  std::string text = "the image is signed by key " + lower(signer) +
                     ", which is not trusted for \"" + name.str() +
                     "\"; if you trust it, add it with rkt trust --prefix \"" + name.str() + "\"";
  if (!parents.empty()) text += " (or a parent prefix: " + parents + ")";
  return oslayer::Error::msg(std::move(text));
}

// A good signature is accepted only from a key whose primary fingerprint the caller trusts: the
// keyring was built from `keys`, but a key file could in principle carry more than one key.
oslayer::Result<Signer> signer_of(gpgme_ctx_t ctx, gpgme_signature_t sig,
                                  const std::set<std::string>& trusted,
                                  const appc::AcIdentifier* name) {
  gpgme_key_t raw = nullptr;
  if (sig->fpr == nullptr || gpgme_get_key(ctx, sig->fpr, &raw, 0) != 0 || raw == nullptr) {
    return untrusted(sig->fpr != nullptr ? sig->fpr : "(unknown)", name);
  }
  Key key(raw);
  const char* primary = key->fpr != nullptr ? key->fpr : key->subkeys->fpr;
  Signer signer;
  signer.fingerprint = lower(primary != nullptr ? primary : "");
  if (!trusted.contains(signer.fingerprint)) return untrusted(sig->fpr, name);
  // gpg reports these through the status already; the key flags are a second line of defence.
  if (key->revoked != 0) return oslayer::Error::msg("key " + signer.fingerprint + " is revoked");
  if (key->expired != 0) return oslayer::Error::msg("key " + signer.fingerprint + " has expired");
  for (gpgme_user_id_t uid = key->uids; uid != nullptr; uid = uid->next) {
    if (uid->uid != nullptr) signer.uids.emplace_back(uid->uid);
  }
  return signer;
}

// One signature's verdict. gpg folds key state into the status (EXPKEYSIG, REVKEYSIG, EXPSIG),
// and gpgme into the summary bits; both are checked so that neither alone can let one through.
oslayer::Result<Signer> judge(gpgme_ctx_t ctx, gpgme_signature_t sig,
                              const std::set<std::string>& trusted,
                              const appc::AcIdentifier* name) {
  const std::string who = "key " + lower(sig->fpr != nullptr ? sig->fpr : "(unknown)");
  switch (gpgme_err_code(sig->status)) {
    case GPG_ERR_NO_ERROR:
      break;
    case GPG_ERR_BAD_SIGNATURE:
      return oslayer::Error::msg("signature does not match the image");
    case GPG_ERR_NO_PUBKEY:
      return untrusted(sig->fpr != nullptr ? sig->fpr : "(unknown)", name);
    case GPG_ERR_KEY_EXPIRED:
      return oslayer::Error::msg("the signing " + who + " has expired");
    case GPG_ERR_CERT_REVOKED:
      return oslayer::Error::msg("the signing " + who + " has been revoked");
    case GPG_ERR_SIG_EXPIRED:
      return oslayer::Error::msg("the signature by " + who + " has expired");
    default:
      return gpgme_failure(sig->status, "checking the signature by " + who);
  }
  if ((sig->summary & GPGME_SIGSUM_KEY_REVOKED) != 0) {
    return oslayer::Error::msg("the signing " + who + " has been revoked");
  }
  if ((sig->summary & GPGME_SIGSUM_KEY_EXPIRED) != 0) {
    return oslayer::Error::msg("the signing " + who + " has expired");
  }
  if ((sig->summary & GPGME_SIGSUM_SIG_EXPIRED) != 0) {
    return oslayer::Error::msg("the signature by " + who + " has expired");
  }
  if ((sig->summary & (GPGME_SIGSUM_RED | GPGME_SIGSUM_SYS_ERROR)) != 0) {
    return oslayer::Error::msg("the signature by " + who + " is not valid");
  }
  if (sig->wrong_key_usage != 0) {
    return oslayer::Error::msg(who + " is not allowed to make signatures");
  }
  return signer_of(ctx, sig, trusted, name);
}

// verify_detached and find_signer: `name` is only used in the message about an unknown key.
oslayer::Result<Signer> verify(const std::vector<TrustedKey>& keys, const appc::AcIdentifier* name,
                               int signed_fd, std::string_view signature) {
  const SigpipeIgnored sigpipe;  // declared first: it outlives every gpgme object below
  auto home = GnupgHome::create();
  if (!home) return std::move(home).error().context("checking the signature");
  auto ctx = new_context(*home);
  if (!ctx) return std::move(ctx).error().context("checking the signature");
  std::set<std::string> trusted;
  for (const TrustedKey& key : keys) {
    if (auto imported = import_key(ctx->get(), key); !imported) {
      return std::move(imported).error().context("checking the signature");
    }
    trusted.insert(lower(key.fingerprint));
  }

  auto sig_data = data_from_memory(signature);
  if (!sig_data) return std::move(sig_data).error().context("checking the signature");
  auto ended = verify_on_own_loop(ctx->get(), sig_data->get(), signed_fd);
  if (!ended) return std::move(ended).error().context("checking the signature");
  if (*ended != 0) {
    if (gpgme_err_code(*ended) == GPG_ERR_NO_DATA) {
      return oslayer::Error::msg("the signature file holds no OpenPGP signature");
    }
    return gpgme_failure(*ended, "checking the signature");
  }
  gpgme_verify_result_t result = gpgme_op_verify_result(ctx->get());
  if (result == nullptr || result->signatures == nullptr) {
    return oslayer::Error::msg("the signature file holds no OpenPGP signature");
  }
  // Any one acceptable signature is enough (a file may carry several); otherwise the first
  // signature's reason is the one reported.
  std::optional<oslayer::Error> first_failure;
  for (gpgme_signature_t sig = result->signatures; sig != nullptr; sig = sig->next) {
    auto verdict = judge(ctx->get(), sig, trusted, name);
    if (verdict) return std::move(*verdict);
    if (!first_failure) first_failure = std::move(verdict).error();
  }
  return std::move(*first_failure);
}

}  // namespace

oslayer::Result<Signer> verify_detached(const std::vector<TrustedKey>& keys,
                                        const appc::AcIdentifier& name, int signed_fd,
                                        std::string_view signature) {
  return verify(keys, &name, signed_fd, signature);
}

oslayer::Result<Signer> find_signer(const std::vector<TrustedKey>& keys, int signed_fd,
                                    std::string_view signature) {
  return verify(keys, nullptr, signed_fd, signature);
}

}  // namespace stage0::trust
