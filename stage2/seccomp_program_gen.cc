// seccomp-program-gen OUT.h: writes the BPF of the default seccomp policy (default capability
// set) as a C++ header, at build time, with the libseccomp stage2 links (seccomp_program.h).
#include <cstdio>
#include <string>

#include "stage2/capability_plan.h"
#include "stage2/seccomp_policy.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: seccomp-program-gen OUT.h\n");
    return 2;
  }
  const oslayer::CapSet bounding = stage2::default_capabilities();
  auto filter = stage2::build_filter(stage2::default_policy(bounding));
  if (!filter) {
    std::fprintf(stderr, "seccomp-program-gen: %s\n", filter.error().text().c_str());
    return 1;
  }
  auto bpf = filter->export_bpf();
  if (!bpf) {
    std::fprintf(stderr, "seccomp-program-gen: %s\n", bpf.error().text().c_str());
    return 1;
  }
  std::string out =
      "// Generated at build time by seccomp-program-gen: the default seccomp program.\n"
      "#pragma once\n#include <cstdint>\nnamespace stage2::prebuilt {\n"
      "inline constexpr uint64_t kDefaultBounding = " +
      std::to_string(bounding.bits()) +
      "ULL;\ninline constexpr unsigned char kDefaultProgram[] = {";
  for (size_t i = 0; i < bpf->size(); ++i) {
    out +=
        (i % 16 == 0 ? "\n  " : " ") + std::to_string(static_cast<unsigned char>((*bpf)[i])) + ",";
  }
  out += "\n};\n}  // namespace stage2::prebuilt\n";
  FILE* f = std::fopen(argv[1], "w");
  if (f == nullptr || std::fwrite(out.data(), 1, out.size(), f) != out.size() ||
      std::fclose(f) != 0) {
    std::perror(argv[1]);
    return 1;
  }
  return 0;
}
