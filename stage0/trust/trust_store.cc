#include "stage0/trust/trust_store.h"

#include <fcntl.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "oslayer/atomic_file.h"
#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "stage0/trust/verify.h"

namespace stage0::trust {
namespace {

namespace fs = std::filesystem;

// Prefix directories deeper than this are not walked (an AC Identifier of 512 bytes has at most
// 256 path elements, but no real prefix comes close).
constexpr int kMaxPrefixDepth = 64;

struct KeyFile {
  std::string name;  // the fingerprint
  std::string path;
  bool empty = false;  // zero-length: a mask in the local dir
};

std::string store_dir(const std::string& config, const std::string& rel) {
  return config + "/trustedkeys/" + rel;
}

// The key files of one directory, sorted by name. A missing directory is an empty one (most
// prefixes have no keys). Files with other names are ignored, as rkt's keystore never matched
// them against a fingerprint anyway; subdirectories are other prefixes.
oslayer::Result<std::vector<KeyFile>> list_key_files(const std::string& dir) {
  std::vector<KeyFile> files;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) return files;
  for (const fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code entry_ec;
    if (it->is_directory(entry_ec)) continue;
    if (!is_fingerprint_name(name) || !it->is_regular_file(entry_ec)) {
      oslayer::log_debug("trust store: ignoring " + it->path().string() +
                         ": not a file named by a lower-case 40-digit fingerprint");
      continue;
    }
    const uintmax_t size = it->file_size(entry_ec);
    if (entry_ec) return oslayer::Error::sys(entry_ec.value(), "reading " + it->path().string());
    files.push_back({name, it->path().string(), size == 0});
  }
  if (ec) return oslayer::Error::sys(ec.value(), "listing " + dir);
  std::sort(files.begin(), files.end(),
            [](const KeyFile& a, const KeyFile& b) { return a.name < b.name; });
  return files;
}

// One store directory (`rel` under trustedkeys/) with the system and local layers merged: system
// keys first, then local ones. A local file replaces the system file of the same name, and when
// it is empty it masks it: the vendor key is untrusted without touching /usr.
oslayer::Result<std::vector<KeyFile>> merged_dir(const TrustPaths& paths, const std::string& rel) {
  std::vector<KeyFile> system_files;
  if (!paths.system_config.empty()) {
    auto listed = list_key_files(store_dir(paths.system_config, rel));
    if (!listed) return std::move(listed).error();
    system_files = std::move(*listed);
  }
  auto local_files = list_key_files(store_dir(paths.local_config, rel));
  if (!local_files) return std::move(local_files).error();

  std::set<std::string> local_names;
  for (const KeyFile& f : *local_files) local_names.insert(f.name);
  std::vector<KeyFile> merged;
  for (KeyFile& f : system_files) {
    if (f.empty) continue;  // nothing to mask in the system layer itself
    if (local_names.contains(f.name)) {
      oslayer::log_debug("trust store: " + f.path + " is overridden or masked by the local config");
      continue;
    }
    merged.push_back(std::move(f));
  }
  for (KeyFile& f : *local_files) {
    if (!f.empty) merged.push_back(std::move(f));
  }
  return merged;
}

oslayer::Result<TrustedKey> load_key(const KeyFile& file, const std::string& prefix) {
  auto content = oslayer::read_file(file.path, kMaxKeySize);
  if (!content) return std::move(content).error().context("reading trusted key " + file.path);
  auto info = inspect_key(*content);
  if (!info) return std::move(info).error().context("reading trusted key " + file.path);
  if (info->fingerprint != file.name) {
    return oslayer::Error::msg("trusted key " + file.path + " holds key " + info->fingerprint +
                               ", not the key its name says (fingerprint mismatch)");
  }
  return TrustedKey{file.name, prefix, file.path, std::move(*content)};
}

// The directories under prefix.d (relative to it) that hold at least one fingerprint-named file.
oslayer::Result<std::set<std::string>> prefix_dirs(const std::string& config) {
  std::set<std::string> dirs;
  if (config.empty()) return dirs;
  const fs::path root = store_dir(config, "prefix.d");
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
  if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) return dirs;
  for (const fs::recursive_directory_iterator end; !ec && it != end; it.increment(ec)) {
    std::error_code entry_ec;
    if (it->is_directory(entry_ec)) {
      if (it.depth() >= kMaxPrefixDepth) it.disable_recursion_pending();
      continue;
    }
    if (!is_fingerprint_name(it->path().filename().string())) continue;
    const std::string rel = it->path().parent_path().lexically_relative(root).string();
    if (!appc::AcIdentifier::parse(rel)) {
      oslayer::log_debug("trust store: ignoring " + it->path().string() +
                         ": its directory is not an AC Identifier prefix");
      continue;
    }
    dirs.insert(rel);
  }
  if (ec) return oslayer::Error::sys(ec.value(), "listing " + root.string());
  return dirs;
}

}  // namespace

bool is_fingerprint_name(std::string_view name) {
  return name.size() == 40 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::vector<std::string> name_prefixes(const appc::AcIdentifier& name) {
  // Path elements, not string prefixes: "example.com/app" must not cover "example.com/appevil".
  std::vector<std::string> prefixes;
  const std::string& s = name.str();
  for (size_t slash = s.find('/'); slash != std::string::npos; slash = s.find('/', slash + 1)) {
    prefixes.push_back(s.substr(0, slash));
  }
  prefixes.push_back(s);
  return prefixes;
}

oslayer::Result<std::vector<TrustedKey>> keys_for_name(const TrustPaths& paths,
                                                       const appc::AcIdentifier& name) {
  std::vector<std::pair<std::string, std::string>> dirs = {{"root.d", ""}};
  for (std::string& prefix : name_prefixes(name)) {
    dirs.emplace_back("prefix.d/" + prefix, std::move(prefix));
  }
  std::vector<TrustedKey> keys;
  for (const auto& [rel, prefix] : dirs) {
    auto files = merged_dir(paths, rel);
    if (!files)
      return std::move(files).error().context("loading the keys trusted for " + name.str());
    for (const KeyFile& file : *files) {
      auto key = load_key(file, prefix);
      if (!key) return std::move(key).error().context("loading the keys trusted for " + name.str());
      keys.push_back(std::move(*key));
    }
  }
  return keys;
}

oslayer::Result<std::vector<TrustedKey>> all_trusted_keys(const TrustPaths& paths) {
  auto fail = [](oslayer::Error e) { return std::move(e).context("loading the trusted keys"); };
  auto prefixes = trusted_prefixes(paths);
  if (!prefixes) return fail(std::move(prefixes).error());
  std::vector<TrustedKey> keys;
  for (const std::string& prefix : *prefixes) {
    auto files = merged_dir(paths, prefix.empty() ? std::string("root.d") : "prefix.d/" + prefix);
    if (!files) return fail(std::move(files).error());
    for (const KeyFile& file : *files) {
      auto key = load_key(file, prefix);
      if (!key) return fail(std::move(key).error());
      keys.push_back(std::move(*key));
    }
  }
  return keys;
}

oslayer::Result<std::vector<std::string>> trusted_prefixes(const TrustPaths& paths) {
  std::vector<std::string> prefixes;
  auto root = merged_dir(paths, "root.d");
  if (!root) return std::move(root).error().context("listing trusted prefixes");
  if (!root->empty()) prefixes.emplace_back();

  std::set<std::string> candidates;
  for (const std::string* config : {&paths.system_config, &paths.local_config}) {
    auto dirs = prefix_dirs(*config);
    if (!dirs) return std::move(dirs).error().context("listing trusted prefixes");
    candidates.merge(*dirs);
  }
  for (const std::string& prefix : candidates) {
    // A prefix whose only keys are masked has no keys.
    auto files = merged_dir(paths, "prefix.d/" + prefix);
    if (!files) return std::move(files).error().context("listing trusted prefixes");
    if (!files->empty()) prefixes.push_back(prefix);
  }
  return prefixes;
}

oslayer::Result<std::string> store_trusted_key(const std::string& local_config,
                                               const std::optional<appc::AcIdentifier>& prefix,
                                               const std::string& fingerprint,
                                               std::string_view key) {
  // Programming errors: the caller got the fingerprint from inspect_key.
  assert(is_fingerprint_name(fingerprint));
  const std::string dir =
      store_dir(local_config, prefix ? "prefix.d/" + prefix->str() : std::string("root.d"));
  const std::string path = dir + "/" + fingerprint;
  if (auto made = oslayer::make_dirs(AT_FDCWD, dir, 0755); !made) {
    return std::move(made).error().context("storing trusted key " + path);
  }
  if (auto written = oslayer::write_file_atomic(AT_FDCWD, path, key, 0644); !written) {
    return std::move(written).error().context("storing trusted key " + path);
  }
  return path;
}

}  // namespace stage0::trust
