// `rkt trust`: adds public keys to the local config's trust store (rkt/trust.go and
// rkt/pubkey/pubkey.go). Keys come from files, https URLs, or appc discovery of the prefix; each
// is shown and, unless review is skipped, confirmed on the terminal before it is stored.
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>

#include "appc-spec/names.h"
#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "stage0/command.h"
#include "stage0/command_line.h"
#include "stage0/commands.h"
#include "stage0/fetch/discovery.h"
#include "stage0/fetch/http.h"
#include "stage0/trust/armor.h"
#include "stage0/trust/trust_store.h"
#include "stage0/trust/verify.h"

namespace stage0 {

extern const Command kTrustCommand;

namespace {

struct TrustOptions {
  std::optional<appc::AcIdentifier> prefix;  // none: --root
  bool skip_review = false;
  fetch::HttpOptions http;
  bool trust_https = false;  // --trust-keys-from-https: https keys need no review
};

void add_trust_flags(FlagSet& flags) {
  flags.add_string("prefix", "", "prefix to limit trust to");
  flags.add_bool("root", false, "add root key from filesystem without a prefix");
  flags.add_bool("skip-fingerprint-review", false, "accept key without fingerprint confirmation");
  flags.add_bool("insecure-allow-http", false, "allow HTTP use for key discovery and/or retrieval");
}

// Go's %q for the strings rkt printed that way: quotes, with '"', '\' and control bytes escaped.
std::string quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

oslayer::Status say(std::string_view line) {
  return oslayer::write_all(STDOUT_FILENO, std::string(line) + "\n");
}

std::string_view scheme_of(std::string_view location) {
  const size_t sep = location.find("://");
  return sep == std::string_view::npos ? std::string_view() : location.substr(0, sep);
}

// A key from a file, or over http(s) like rkt's getPubKey: http only with --insecure-allow-http.
oslayer::Result<std::string> read_key(const std::string& location, const TrustOptions& opts) {
  const std::string_view scheme = scheme_of(location);
  if (scheme.empty()) return oslayer::read_file(location, trust::kMaxKeySize);
  if (scheme == "http" && !opts.http.allow_http) {
    return oslayer::Error::msg("--insecure-allow-http required for http URLs");
  }
  if (scheme != "http" && scheme != "https") {
    return oslayer::Error::msg("only local files and http or https URLs are supported");
  }
  fetch::HttpOptions http = opts.http;
  http.max_bytes = trust::kMaxKeySize;
  return fetch::http_get_to_string(location, http);
}

// One line from the terminal, read a byte at a time so that nothing after it is consumed.
oslayer::Result<std::string> read_answer() {
  std::string line;
  for (;;) {
    char c = 0;
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return oslayer::Error::sys(errno, "reading the answer");
    }
    if (n == 0) return oslayer::Error::msg("reading the answer: end of input");
    if (c == '\n') return line;
    line += c;
  }
}

// rkt's reviewKey: "yes" or "no", asked again for anything else.
oslayer::Result<bool> ask_to_trust() {
  for (;;) {
    if (auto s = say("Are you sure you want to trust this key (yes/no)?"); !s) {
      return std::move(s).error();
    }
    auto answer = read_answer();
    if (!answer) return std::move(answer).error();
    if (*answer == "yes") return true;
    if (*answer == "no") return false;
    if (auto s = say("Please enter 'yes' or 'no'"); !s) return std::move(s).error();
  }
}

oslayer::Status display_key(const std::string& prefix, const std::string& location,
                            const trust::KeyInfo& info) {
  oslayer::log(oslayer::LogLevel::kInfo, "prefix: " + quote(prefix));
  oslayer::log(oslayer::LogLevel::kInfo, "key: " + quote(location));
  std::string text =
      "gpg key fingerprint is: " + trust::format_fingerprint(info.fingerprint) + "\n";
  for (const std::string& sub : info.subkey_fingerprints) {
    text += "    Subkey fingerprint: " + trust::format_fingerprint(sub) + "\n";
  }
  for (const std::string& uid : info.uids) text += "\t" + uid + "\n";
  if (info.expired) text += "\t(this key has expired)\n";
  return oslayer::write_all(STDOUT_FILENO, text);
}

// Fetches, shows, reviews and stores one key. Declining is not an error, as in rkt.
oslayer::Status add_key(const Invocation& inv, const TrustOptions& opts,
                        const std::string& location) {
  const std::string prefix = opts.prefix ? opts.prefix->str() : "";
  auto content = read_key(location, opts);
  if (!content) return std::move(content).error().context("error accessing the key " + location);
  auto info = trust::inspect_key(*content);
  if (!info) return std::move(info).error().context("error reading the key " + location);
  // Signatures by a revoked key never verify; storing it would only hide the problem.
  if (info->revoked) {
    return oslayer::Error::msg("key " + location + " (" + info->fingerprint + ") is revoked");
  }
  if (auto shown = display_key(prefix, location, *info); !shown) return shown;

  const bool https = scheme_of(location) == "https";
  const bool force = opts.skip_review || (opts.trust_https && https);
  if (!force) {
    // rkt checked for a terminal too: a script must say explicitly that it skips the review.
    if (::isatty(STDIN_FILENO) == 0) {
      return oslayer::Error::msg(
          "cannot review the fingerprint of key " + location +
          ": stdin is not a terminal; check the fingerprint and pass --skip-fingerprint-review");
    }
    auto accepted = ask_to_trust();
    if (!accepted) return std::move(accepted).error().context("error reviewing key");
    if (!*accepted) {
      oslayer::log(oslayer::LogLevel::kInfo, "not trusting " + quote(location));
      return oslayer::ok();
    }
  }
  if (auto s = say("Trusting " + quote(location) + " for prefix " + quote(prefix) +
                   (force ? " without" : " after") + " fingerprint review.");
      !s) {
    return s;
  }
  // The store holds armored keys only, as rkt read them with ReadArmoredKeyRing.
  const std::string armored =
      trust::is_armored(*content) ? *content : trust::armor_public_key(*content);
  auto path =
      trust::store_trusted_key(inv.global.local_config, opts.prefix, info->fingerprint, armored);
  if (!path) {
    return std::move(path).error().context(
        prefix.empty() ? "error adding root key" : "error adding key for prefix " + quote(prefix));
  }
  return say(prefix.empty() ? "Added root key at " + quote(*path)
                            : "Added key for prefix " + quote(prefix) + " at " + quote(*path));
}

// The key locations named by ac-discovery-pubkeys for the prefix.
oslayer::Result<std::vector<std::string>> discover_keys(const appc::AcIdentifier& prefix,
                                                        const TrustOptions& opts) {
  auto found = fetch::discover(prefix, {}, fetch::DiscoveryWant::kPubkeys, opts.http);
  if (!found) return std::move(found).error().context("prefix meta discovery error");
  if (found->pubkeys.empty()) {
    return oslayer::Error::msg("meta discovery on " + prefix.str() + " resulted in no keys");
  }
  return std::move(found->pubkeys);
}

int usage(std::string message) {
  oslayer::log_error(usage_error(oslayer::Error::msg(std::move(message)), &kTrustCommand));
  return kExitUsage;
}

oslayer::Result<int> run_trust(const Invocation& inv) {
  const std::string& prefix = inv.flags.get_string("prefix");
  const bool root = inv.flags.get_bool("root");
  // rkt exited 254 for these; they are usage errors, so Rocket uses cobra's 2 like its others.
  if (prefix.empty() && !root) {
    return usage(inv.args.empty() ? "--prefix or --root is required"
                                  : "--root required for non-prefixed (root) keys");
  }
  if (!prefix.empty() && root) return usage("--root and --prefix usage mutually exclusive");
  if (const std::string_view scheme = scheme_of(prefix); !scheme.empty()) {
    return usage("--prefix must not contain a URL scheme, omit " + std::string(scheme) + "://");
  }
  if (root && inv.args.empty()) {
    return usage("--root needs the key as an argument (root keys are not discovered)");
  }

  TrustOptions opts;
  if (!root) {
    auto parsed = appc::AcIdentifier::parse(prefix);
    if (!parsed) {
      oslayer::log_error(usage_error(std::move(parsed).error().context("--prefix " + quote(prefix)),
                                     &kTrustCommand));
      return kExitUsage;
    }
    opts.prefix = std::move(*parsed);
  }
  opts.skip_review = inv.flags.get_bool("skip-fingerprint-review");
  opts.trust_https = inv.global.trust_keys_from_https;
  opts.http.allow_http = inv.flags.get_bool("insecure-allow-http");
  opts.http.insecure_tls = inv.global.insecure.has(InsecureOptions::kTls);

  std::vector<std::string> locations = inv.args;
  if (locations.empty()) {
    auto discovered = discover_keys(*opts.prefix, opts);
    if (!discovered) return std::move(discovered).error().context("error determining key location");
    locations = std::move(*discovered);
  }
  for (const std::string& location : locations) {
    if (auto added = add_key(inv, opts, location); !added) {
      return std::move(added).error().context("error adding keys");
    }
  }
  return kExitOk;
}

}  // namespace

const Command kTrustCommand = {
    .name = "trust",
    .summary = "Trust a key for image verification",
    .usage = "--prefix=PREFIX | --root [PUBKEY...]",
    .description =
        "Adds keys to the local keystore for use in verifying signed images.\n"
        "PUBKEY may be either a local file or URL.\n"
        "PREFIX scopes the applicability of PUBKEY to image names sharing PREFIX.\n"
        "Meta discovery of PUBKEY at PREFIX will be attempted if no PUBKEY is specified.\n"
        "To trust a key for all images instead of for specific images, --root can be\n"
        "specified. Path to a key file must be given (no discovery).",
    .min_args = 0,
    .max_args = kUnlimitedArgs,
    .add_flags = add_trust_flags,
    .run = run_trust,
};

}  // namespace stage0
