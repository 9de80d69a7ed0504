#include "stage0/image_fetch.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "appc-spec/image_manifest.h"
#include "oslayer/atomic_file.h"
#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "stage0/fetch/discovery.h"
#include "stage0/fetch/http.h"
#include "stage0/image_ref.h"
#include "stage0/store/tree_store.h"
#include "stage0/trust/background_verify.h"
#include "stage0/trust/trust_store.h"
#include "stage0/trust/verify.h"

namespace stage0 {
namespace {

using oslayer::Error;
using oslayer::Result;
using oslayer::Status;

constexpr size_t kMaxSignatureSize = 1 << 20;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void say(const std::string& line) { oslayer::log(oslayer::LogLevel::kInfo, "image: " + line); }

fetch::HttpOptions http_options(const GlobalConfig& global, const FetchOptions& options,
                                std::string label) {
  fetch::HttpOptions o;
  o.allow_http = global.insecure.has(InsecureOptions::kHttp);
  o.insecure_tls = global.insecure.has(InsecureOptions::kTls);
  o.progress = options.progress;
  o.progress_label = std::move(label);
  return o;
}

trust::TrustPaths trust_paths(const GlobalConfig& global) {
  return trust::TrustPaths{global.system_config, global.local_config};
}

// What we know about where the bytes came from, for the signature check and the messages.
struct Source {
  std::string description;  // the path or URL
  std::string signature;    // the detached signature, empty if none was found
  // For a file that others may write (a local path), whether it is still the file it was when
  // opened: gpg and the import each read it, so a change while they run could get bytes
  // stored that are not the ones gpg checked. Empty for what we downloaded into a file of our
  // own.
  std::function<Status()> unchanged;
};

// After the signature check, before anything is stored or used: see Source::unchanged.
Status check_unchanged(const Source& source) {
  if (!source.unchanged) return oslayer::ok();
  return source.unchanged();
}

bool signature_checked(const GlobalConfig& global) {
  return !global.insecure.has(InsecureOptions::kImage);
}

// The signature check: the keys trusted for the name *in the manifest* (what will run) must
// have signed the exact bytes that were fetched. `early`, when given, is a check started
// during the import; its answer is used when it settles the question, else gpg runs again.
Status check_signature(const GlobalConfig& global, const appc::ImageManifest& manifest,
                       int signed_fd, const Source& source,
                       trust::BackgroundVerify* early = nullptr) {
  if (!signature_checked(global)) {
    oslayer::log_warning("signature verification has been disabled (--insecure-options=image)");
    return oslayer::ok();
  }
  if (source.signature.empty()) {
    return Error::msg("no signature found for " + source.description +
                      " (looked for a .asc next to it; give one with --signature, or run "
                      "unsigned images with --insecure-options=image)");
  }
  auto keys = trust::keys_for_name(trust_paths(global), manifest.name);
  if (!keys) return std::move(keys).error();
  if (keys->empty()) {
    return Error::msg("no keys are trusted for \"" + manifest.name.str() +
                      "\"; trust the signer's key with: rkt trust --prefix \"" +
                      manifest.name.str() + "\" KEY");
  }
  std::optional<trust::Signer> early_signer;
  if (early != nullptr) {
    early_signer = early->signer_for(*keys);
    if (!early_signer) {
      oslayer::log_debug("image: the check made during the import did not settle the signature (" +
                         (early->result() ? "signed by " + early->result()->fingerprint
                                          : early->result().error().text()) +
                         "); checking against the keys trusted for " + manifest.name.str());
    }
  }
  auto signer = early_signer
                    ? Result<trust::Signer>(std::move(*early_signer))
                    : trust::verify_detached(*keys, manifest.name, signed_fd, source.signature);
  if (!signer) return std::move(signer).error().context("verifying " + source.description);
  std::string who;
  for (const auto& uid : signer->uids) who += "\n  " + uid;
  say("signature verified:" + who);
  return oslayer::ok();
}

// Labels requested by name must match the image (a missing label in the request matches any).
Status check_requested(const ImageRef& ref, const appc::ImageManifest& m) {
  if (ref.kind != ImageRefKind::kName) return oslayer::ok();
  if (m.name.str() != ref.name) {
    return Error::msg("the image fetched for \"" + ref.name + "\" is named \"" + m.name.str() +
                      "\"");
  }
  for (const auto& [k, v] : ref.labels) {
    auto have = appc::find_label(m.labels, k);
    if (!have || *have != v) {
      return Error::msg("the image fetched for \"" + ref.location + "\" has " + k + "=" +
                        (have ? *have : "(none)") + ", not " + v);
    }
  }
  return oslayer::ok();
}

Result<std::string> fetch_image_ref(store::Store& store, const GlobalConfig& global,
                                    const ImageRef& ref, const FetchOptions& options, int depth);

store::DependencyResolver dependency_resolver(store::Store& store, const GlobalConfig& global,
                                              const FetchOptions& options, int depth) {
  return [&store, &global, options, depth](const appc::Dependency& dep) -> Result<std::string> {
    ImageRef ref;
    if (dep.image_id) {
      auto rec = store.find_by_id(dep.image_id->str());
      if (rec) return rec->id;
    }
    ref.kind = ImageRefKind::kName;
    ref.name = dep.image_name.str();
    ref.location = ref.name;
    for (const auto& l : dep.labels) ref.labels.emplace_back(l.name.str(), l.value);
    FetchOptions dep_options = options;
    // A dependency already in the store is used as it is, as rkt did.
    if (dep_options.policy == PullPolicy::kUpdate) dep_options.policy = PullPolicy::kNew;
    dep_options.signature_file.clear();
    return fetch_image_ref(store, global, ref, dep_options, depth + 1);
  };
}

// The common tail of every fetch: stage from `aci_fd`, verify, render, commit.
Result<std::string> import_verified(store::Store& store, const GlobalConfig& global,
                                    const ImageRef& ref, int aci_fd, const Source& source,
                                    const FetchOptions& options, int depth) {
  // gpg hashes the file on a thread of its own while the import decompresses it: on two cores
  // the check then costs little more than nothing. Nothing is committed before its verdict, and
  // the thread is joined on every path (BackgroundVerify's destructor), failures included.
  std::unique_ptr<trust::BackgroundVerify> early;
  if (signature_checked(global) && !source.signature.empty()) {
    auto started = trust::BackgroundVerify::start(trust_paths(global), aci_fd, source.signature);
    if (started) {
      early = std::move(*started);
    } else {
      oslayer::log_debug("image: checking the signature after the import: " +
                         started.error().text());
    }
  }
  if (::lseek(aci_fd, 0, SEEK_SET) < 0) return Error::sys(errno, "rewinding " + source.description);
  // The tree is extracted from the stored tar while the import writes it; nothing of it is
  // used unless the image is kept (render_tree adopts it), and it is removed otherwise.
  std::unique_ptr<store::SpeculativeTree> speculative;
  auto pending = store::stage_with_tree(store, aci_fd, speculative);
  if (!pending) return std::move(pending).error();
  if (auto st = check_requested(ref, pending->manifest()); !st) return std::move(st).error();
  if (auto st = check_signature(global, pending->manifest(), aci_fd, source, early.get()); !st) {
    return std::move(st).error();
  }
  early.reset();
  if (auto st = check_unchanged(source); !st) return std::move(st).error();
  // Commit before rendering: the renderer reads the blob from the store. A render failure
  // (a hostile entry) then removes the image again, unless it was already stored before.
  auto existed = store.find_by_id(pending->id());
  auto rec = store.commit(std::move(*pending));
  if (!rec) return std::move(rec).error();
  auto tree = store::render_tree(store, rec->id, dependency_resolver(store, global, options, depth),
                                 speculative.get());
  if (!tree) {
    if (!existed) {
      // Best effort: the render error is what the user needs to see.
      (void)store.remove(rec->id);
    }
    return std::move(tree).error();
  }
  return rec->id;
}

Result<std::string> read_signature_file(const std::string& path) {
  return oslayer::read_file(path, kMaxSignatureSize).context("reading signature " + path);
}

// The file's identity as the store's local-file cache keys it.
store::LocalFileRecord local_file_of(const struct stat& st) {
  constexpr int64_t kNs = 1000000000;
  return store::LocalFileRecord{static_cast<uint64_t>(st.st_dev),
                                static_cast<uint64_t>(st.st_ino),
                                static_cast<uint64_t>(st.st_size),
                                st.st_mtim.tv_sec * kNs + st.st_mtim.tv_nsec,
                                st.st_ctim.tv_sec * kNs + st.st_ctim.tv_nsec,
                                {}};
}

// A file imported before and unchanged since (store::LocalFileRecord): its bytes are not read
// into the store again, but its signature is checked again, over the file as it is now and
// against the trust store as it is now, and the tree is rendered again if it was removed.
Result<std::string> reuse_import(store::Store& store, const GlobalConfig& global,
                                 const ImageRef& ref, int aci_fd, const Source& source,
                                 const store::ImageRecord& rec, const FetchOptions& options,
                                 int depth) {
  auto manifest = appc::decode_image_manifest(rec.manifest);
  if (!manifest) return std::move(manifest).error().context("reading the manifest of " + rec.id);
  if (auto st = check_requested(ref, *manifest); !st) return std::move(st).error();
  if (auto st = check_signature(global, *manifest, aci_fd, source); !st) {
    return std::move(st).error();
  }
  if (auto st = check_unchanged(source); !st) return std::move(st).error();
  auto tree = store::render_tree(store, rec.id, dependency_resolver(store, global, options, depth));
  if (!tree) return std::move(tree).error();
  // "Last used" only feeds `image gc`'s grace period (hours by default), so a use within the
  // last minute is not written again: that write was a SQLite transaction on every `rkt run`
  // (the stage1 image is reused from its file each time).
  constexpr int64_t kTouchEveryNs = 60'000'000'000;
  if (now_ns() - rec.last_used_ns >= kTouchEveryNs) {
    if (auto st = store.touch(rec.id); !st) return std::move(st).error();
  }
  return rec.id;
}

Result<std::string> fetch_file(store::Store& store, const GlobalConfig& global, const ImageRef& ref,
                               const FetchOptions& options, int depth) {
  // Before the file is read: a change made while it is read then shows as a newer ctime.
  const int64_t start_ns = now_ns();
  auto fd = oslayer::open_path(ref.location, O_RDONLY);
  if (!fd) return std::move(fd).error();
  struct stat st {};
  if (::fstat(fd->get(), &st) < 0) return Error::sys(errno, "stat " + ref.location);
  store::LocalFileRecord file = local_file_of(st);
  Source source{ref.location, {}, {}};
  // Any write moves the change time (which no one can set), so an equal one means the file
  // read is the file checked. On a file system whose times are one clock tick coarse, a write
  // within the tick of our fstat could still go unseen (git's "racy" case); kernels since 6.13
  // give a time finer than the tick to a change made after the time was read.
  source.unchanged = [fd = fd->get(), file, path = ref.location]() -> Status {
    struct stat now {};
    if (::fstat(fd, &now) < 0) return Error::sys(errno, "stat " + path);
    const store::LocalFileRecord again = local_file_of(now);
    if (again.size != file.size || again.mtime_ns != file.mtime_ns ||
        again.ctime_ns != file.ctime_ns) {
      return Error::msg(path +
                        " changed while it was being fetched; nothing was stored (fetch "
                        "it again once it is complete)");
    }
    return oslayer::ok();
  };
  std::string sig_path =
      options.signature_file.empty() ? ref.location + ".asc" : options.signature_file;
  if (!global.insecure.has(InsecureOptions::kImage) &&
      (is_regular_file(sig_path) || !options.signature_file.empty())) {
    auto sig = read_signature_file(sig_path);
    if (!sig) return std::move(sig).error();
    source.signature = std::move(*sig);
  }
  auto known = store.find_local_file(file);
  if (!known) return std::move(known).error();
  if (*known) {
    if (auto rec = store.find_by_id(**known)) {
      oslayer::log_debug("image: " + ref.location + " is unchanged since its import as " + rec->id +
                         "; checking its signature only");
      return reuse_import(store, global, ref, fd->get(), source, *rec, options, depth);
    }
  }
  auto id = import_verified(store, global, ref, fd->get(), source, options, depth);
  if (!id) return id;
  // File times are coarse (a clock tick): a file changed within a second of our reading it
  // could keep the ctime we saw, so only older files are remembered (git's "racy" rule).
  constexpr int64_t kRacyNs = 1000000000;
  if (file.ctime_ns < start_ns - kRacyNs) {
    file.image_id = *id;
    // The record only saves time on the next fetch: failing to write it loses nothing else.
    (void)store.save_local_file(file);
  }
  return id;
}

// Downloads `url` into an unnamed temp file in the store, honouring the remote cache.
Result<std::string> fetch_url(store::Store& store, const GlobalConfig& global, const ImageRef& ref,
                              const std::string& url, const std::string& sig_url,
                              const FetchOptions& options, int depth) {
  auto remote = store.find_remote(url);
  if (!remote) return std::move(remote).error();
  std::optional<store::ImageRecord> cached;
  if (*remote) {
    auto rec = store.find_by_id((*remote)->image_id);
    if (rec) cached = std::move(*rec);
  }
  if (cached && options.policy == PullPolicy::kNew) return cached->id;
  if (options.policy == PullPolicy::kNever) {
    if (cached) return cached->id;
    return Error::msg("image " + url + " is not in the store and --pull-policy=never");
  }
  if (cached && (*remote)->max_age_s > 0 &&
      now_ns() < (*remote)->download_time_ns + (*remote)->max_age_s * 1000000000LL) {
    return cached->id;  // Cache-Control max-age still holds
  }
  auto tmp = oslayer::open_at(store.cas_fd(), "tmp", O_TMPFILE | O_RDWR, 0600);
  if (!tmp) return std::move(tmp).error();
  auto http = http_options(global, options, "image");
  if (cached) http.if_none_match = (*remote)->etag;
  auto got = fetch::http_get_to_fd(url, tmp->get(), http);
  if (!got) return std::move(got).error();
  if (got->status == 304 && cached) {
    store::RemoteRecord r = **remote;
    r.download_time_ns = now_ns();
    r.max_age_s = got->max_age.value_or(0);
    if (auto st = store.save_remote(r); !st) return std::move(st).error();
    return cached->id;
  }
  Source source{url, {}};
  if (!global.insecure.has(InsecureOptions::kImage)) {
    if (!options.signature_file.empty()) {
      auto sig = read_signature_file(options.signature_file);
      if (!sig) return std::move(sig).error();
      source.signature = std::move(*sig);
    } else {
      auto sig_http = http_options(global, options, "signature");
      sig_http.progress = false;
      sig_http.max_bytes = kMaxSignatureSize;
      auto sig = fetch::http_get_to_string(sig_url, sig_http);
      if (!sig) return std::move(sig).error().context("fetching the signature");
      source.signature = std::move(*sig);
    }
  }
  auto id = import_verified(store, global, ref, tmp->get(), source, options, depth);
  if (!id) return id;
  store::RemoteRecord r{url, sig_url, got->etag, *id, got->max_age.value_or(0), now_ns()};
  if (auto st = store.save_remote(r); !st) return std::move(st).error();
  return id;
}

Result<std::string> fetch_name(store::Store& store, const GlobalConfig& global, const ImageRef& ref,
                               const FetchOptions& options, int depth) {
  if (options.policy != PullPolicy::kUpdate) {
    auto found = store.find_by_name(ref.name, ref.labels);
    if (!found) return std::move(found).error();
    if (*found) return (*found)->id;
    if (options.policy == PullPolicy::kNever) {
      return Error::msg("image " + ref.location + " is not in the store and --pull-policy=never");
    }
  }
  auto name = appc::AcIdentifier::parse(ref.name);
  if (!name) return std::move(name).error();
  fetch::DiscoveryLabels labels(ref.labels.begin(), ref.labels.end());
  say("searching for app image " + ref.location);
  auto found = fetch::discover(*name, labels, fetch::DiscoveryWant::kImages,
                               http_options(global, options, "discovery"));
  if (!found) return std::move(found).error();
  Error last = Error::msg("discovery for " + ref.location + " found no image");
  for (const auto& endpoint : found->images) {
    auto id = fetch_url(store, global, ref, endpoint.aci, endpoint.asc, options, depth);
    if (id) return id;
    last = std::move(id).error();
    oslayer::log_debug("image: " + endpoint.aci + ": " + last.text());
  }
  return last;
}

Result<std::string> fetch_image_ref(store::Store& store, const GlobalConfig& global,
                                    const ImageRef& ref, const FetchOptions& options, int depth) {
  if (depth > 32) return Error::msg("dependencies nest too deep (a cycle?)");
  switch (ref.kind) {
    case ImageRefKind::kId: {
      auto rec = store.find_by_id(ref.location);
      if (!rec) return std::move(rec).error();
      return rec->id;
    }
    case ImageRefKind::kFile:
      return fetch_file(store, global, ref, options, depth);
    case ImageRefKind::kHttp:
      return fetch_url(store, global, ref, ref.location, ref.location + ".asc", options, depth);
    case ImageRefKind::kName:
      return fetch_name(store, global, ref, options, depth);
    case ImageRefKind::kDocker:
      break;
  }
  return Error::msg("image " + ref.location + ": unsupported kind");
}

}  // namespace

Result<PullPolicy> parse_pull_policy(std::string_view s) {
  if (s == "never") return PullPolicy::kNever;
  if (s == "new") return PullPolicy::kNew;
  if (s == "update") return PullPolicy::kUpdate;
  return Error::msg("--pull-policy \"" + std::string(s) + "\" must be never, new or update");
}

Result<std::string> fetch_image(store::Store& store, const GlobalConfig& global,
                                const std::string& arg, const FetchOptions& options) {
  auto ref = parse_image_ref(arg, is_regular_file);
  if (!ref) return std::move(ref).error();
  return fetch_image_ref(store, global, *ref, options, 0).context("fetching " + arg);
}

}  // namespace stage0
