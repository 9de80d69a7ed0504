#include "stage0/validate.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "appc-spec/image_manifest.h"
#include "appc-spec/pod_manifest.h"
#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "stage0/commands.h"

namespace stage0 {
namespace {

// Only acKind is looked at here; the decoders do the real checking. allow_exceptions=false makes
// nlohmann return a "discarded" value for malformed JSON instead of throwing.
bool names_pod_manifest(std::string_view json) {
  const nlohmann::json doc = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (!doc.is_object()) return false;
  const auto kind = doc.find("acKind");
  return kind != doc.end() && kind->is_string() &&
         kind->get_ref<const std::string&>() == "PodManifest";
}

oslayer::Result<int> run_validate(const Invocation& inv) {
  int exit_code = kExitOk;
  for (const std::string& path : inv.args) {
    auto described = [&]() -> oslayer::Result<std::string> {
      auto bytes = oslayer::read_file(path, appc::kMaxManifestSize);
      if (!bytes) return std::move(bytes).error();
      return describe_manifest(*bytes);
    }();
    if (!described) {
      // Each bad file is reported where its error stops, and the others are still checked.
      oslayer::log_error(std::move(described).error().context(path).context("validate"));
      exit_code = kExitFailure;
      continue;
    }
    auto written = oslayer::write_all(STDOUT_FILENO, path + ": ok (" + *described + ")\n");
    if (!written) return std::move(written).error().context("writing to stdout");
  }
  return exit_code;
}

}  // namespace

oslayer::Result<std::string> describe_manifest(std::string_view json) {
  if (names_pod_manifest(json)) {
    auto pod = appc::decode_pod_manifest(json);
    if (!pod) return std::move(pod).error();
    const size_t n = pod->apps.size();
    return "PodManifest, " + std::to_string(n) + (n == 1 ? " app" : " apps");
  }
  auto image = appc::decode_image_manifest(json);
  if (!image) return std::move(image).error();
  return "ImageManifest " + image->name.str();
}

const Command kValidateCommand = {
    .name = "validate",
    .summary = "Check image and pod manifests (Rocket extension)",
    .usage = "FILE...",
    .description =
        "Check that each FILE is a valid appc ImageManifest or PodManifest (chosen by its\n"
        "acKind), with the decoders rkt run uses. Prints \"FILE: ok (...)\" for each valid one;\n"
        "an invalid or unreadable one is reported on stderr, naming the offending JSON path,\n"
        "and the others are still checked. Exits 254 if any FILE failed. Not part of rkt.",
    .min_args = 1,
    .max_args = kUnlimitedArgs,
    .add_flags = nullptr,
    .run = run_validate,
};

}  // namespace stage0
