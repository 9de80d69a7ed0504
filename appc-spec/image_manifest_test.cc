// The Image Manifest: every field and rule, valid and invalid side by side. An invalid case names
// the JSON path its error must mention ("app.exec[0]"), not the exact wording of the rule.
#include "appc-spec/image_manifest.h"

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "appc-spec/image_manifest_test_support.h"

namespace appc {

namespace test_cases {
// Shared with roundtrip_test.cc: every valid manifest of the table below, by test name.
std::vector<std::pair<std::string, std::string>> valid_image_manifests();
}  // namespace test_cases

namespace {

using test_manifests::annotations;
using test_manifests::image;
using test_manifests::label;
using test_manifests::with_app;

const std::string kId =
    "sha512-8d3fffddf79e9a232ffd19f9ccaa4d6b37a6a243dbe0f23137b108a043d9da13121a9b505c804956b22e93"
    "c7f93969f4a7ba8ddea45bf4aab0bebc8f814e0990";

std::string iso(const std::string& name, const std::string& value) {
  return R"({"name": ")" + name + R"(", "value": )" + value + "}";
}
std::string isolators(const std::string& list) {
  return with_app(R"(, "isolators": [)" + list + "]");
}
std::string labels(const std::string& list) { return image(R"(, "labels": [)" + list + "]"); }

struct Case {
  std::string name;
  std::string json;
  bool valid;
  std::string path = "";  // invalid only: what the error text must contain
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::string test_name(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

const std::vector<Case>& image_cases() {
  static const std::vector<Case> cases = {
      // --- top level ---
      {"Minimal", image(""), true},
      {"MissingAcKind", R"({"acVersion": "0.8.11", "name": "example.com/app"})", false, "acKind"},
      {"AcKindWrongCase", R"({"acKind": "imagemanifest", "acVersion": "0.8.11", "name": "a"})",
       false, "acKind"},
      {"AcKindPod", R"({"acKind": "PodManifest", "acVersion": "0.8.11", "name": "a"})", false,
       "acKind"},
      {"AcKindNumber", R"({"acKind": 1, "acVersion": "0.8.11", "name": "a"})", false, "acKind"},
      {"MissingAcVersion", R"({"acKind": "ImageManifest", "name": "example.com/app"})", false,
       "acVersion"},
      {"AcVersionFuture", R"({"acKind": "ImageManifest", "acVersion": "9.0.0", "name": "a"})",
       true},
      {"AcVersionLeadingZero",
       R"({"acKind": "ImageManifest", "acVersion": "0.08.11", "name": "a"})", true},
      {"AcVersionPrerelease",
       R"({"acKind": "ImageManifest", "acVersion": "1.0.0-rc1+git", "name": "a"})", true},
      {"AcVersionTwoParts", R"({"acKind": "ImageManifest", "acVersion": "0.8", "name": "a"})",
       false, "acVersion"},
      {"AcVersionZero", R"({"acKind": "ImageManifest", "acVersion": "0.0.0", "name": "a"})", false,
       "acVersion"},
      {"AcVersionLeadingV", R"({"acKind": "ImageManifest", "acVersion": "v0.8.11", "name": "a"})",
       false, "acVersion"},
      {"AcVersionOverflow",
       R"({"acKind": "ImageManifest", "acVersion": "99999999999999999999.0.0", "name": "a"})",
       false, "acVersion"},
      {"AcVersionNumber", R"({"acKind": "ImageManifest", "acVersion": 1, "name": "a"})", false,
       "acVersion"},
      {"MissingName", R"({"acKind": "ImageManifest", "acVersion": "0.8.11"})", false, "name"},
      {"NameEmpty", R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": ""})", false,
       "name"},
      {"NameUppercase",
       R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "Example.com/app"})", false,
       "name"},
      {"NameDoubleSlash",
       R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com//x"})", false,
       "name"},
      {"NameDoubleDot", R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "a..b"})",
       false, "name"},
      // The spec's prose example "example.com/~user/app_v1" fails the spec's own regex ("/~" is
      // two separators); Rocket follows the regex.
      {"NameSlashTilde",
       R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/~u/a_b"})", false,
       "name"},
      {"NameTildeUnderscore",
       R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/u~v/a_b"})",
       true},
      // Go decodes (and so validates) every occurrence of a repeated key; a bad one anywhere
      // fails, whichever comes last.
      {"DuplicateKeyBadFirst",
       R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "Bad", "name": "example.com/app"})",
       false, "name"},
      {"DuplicateKeyBadLast",
       R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/app", "name": "Bad"})",
       false, "name"},
      {"DuplicateKeyCaseVariantBadLast",
       R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/app", "NAME": "Bad"})",
       false, "name"},
      {"DuplicateKeyCaseVariantBadFirst",
       R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "Name": "Bad", "name": "example.com/app"})",
       false, "name"},
      {"Utf8Bom", "\xef\xbb\xbf" + image(""), false},
      {"InvalidUtf8", annotations(label("authors", "a\xff\xfe b")), false},
      {"Utf8Text", annotations(label("authors", "Zo\xc3\xab \xe2\x9c\x93")), true},
      {"NameMaxLength",
       R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": ")" + std::string(512, 'a') +
           R"("})",
       true},
      {"NameTooLong",
       R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": ")" + std::string(513, 'a') +
           R"("})",
       false, "name"},
      {"UnknownField", image(R"(, "maintainer": {"x": [1, 2, null]})"), true},
      {"CaseInsensitiveKeys",
       R"({"ACKIND": "ImageManifest", "AcVersion": "0.8.11", "NAME": "example.com/app"})", true},
      {"NullOptionalFields",
       image(
           R"(, "labels": null, "app": null, "dependencies": null, "pathWhitelist": null, "annotations": null)"),
       true},
      {"NullName", R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": null})", false,
       "name"},
      {"NotJson", "acKind: ImageManifest", false},
      {"TopLevelArray", "[]", false},
      {"EmptyInput", "", false},
      {"TrailingGarbage", image("") + " x", false},
      {"Truncated", image("").substr(0, 40), false},

      // --- labels ---
      {"LabelVersion", labels(label("version", "1.0.0")), true},
      {"LabelOsArch", labels(label("os", "linux") + "," + label("arch", "amd64")), true},
      {"LabelOsOnly", labels(label("os", "freebsd")), true},
      {"LabelArchWithoutOs", labels(label("arch", "arm64")), true},
      {"LabelCustom", labels(label("example.com/env", "canary")), true},
      {"LabelEmptyValue", labels(label("version", "")), true},
      {"LabelLinuxArm64", labels(label("os", "linux") + "," + label("arch", "arm64")), false,
       "labels"},
      {"LabelDarwinAmd64", labels(label("arch", "amd64") + "," + label("os", "darwin")), false,
       "labels"},
      {"LabelOsWindows", labels(label("os", "windows")), false, "labels"},
      {"LabelNamedName", labels(label("name", "x")), false, "labels[0].name"},
      {"LabelDuplicate", labels(label("version", "1") + "," + label("version", "2")), false,
       "labels[1]"},
      {"LabelUppercaseName", labels(label("Version", "1")), false, "labels[0].name"},
      {"LabelMissingName", labels(R"({"value": "1"})"), false, "labels[0].name"},
      {"LabelValueNumber", labels(R"({"name": "version", "value": 1})"), false, "labels[0].value"},
      {"LabelsNotList", image(R"(, "labels": {"version": "1"})"), false, "labels"},

      // --- app: exec, user, group, workingDirectory, supplementary gids ---
      {"AppMinimal", with_app(""), true},
      {"ExecAbsolute", with_app(R"(, "exec": ["/usr/bin/reduce-worker", "--quiet"])"), true},
      {"ExecRelative", with_app(R"(, "exec": ["reduce-worker"])"), true},
      {"ExecEmptyList", with_app(R"(, "exec": [])"), true},
      {"ExecEmptyArgumentLater", with_app(R"(, "exec": ["/bin/sh", "-c", "x", ""])"), false,
       "app.exec[3]"},
      {"ExecEmptyString", with_app(R"(, "exec": [""])"), false, "app.exec[0]"},
      {"ExecString", with_app(R"(, "exec": "/bin/sh")"), false, "app.exec"},
      {"ExecNumber", with_app(R"(, "exec": [1])"), false, "app.exec[0]"},
      {"ExecCapitalKey", with_app(R"(, "Exec": ["/bin/sh"])"), true},
      {"ExecUnicodeEscape", with_app(R"(, "exec": ["/bin/caf\u00e9"])"), true},
      {"ExecNul", with_app(R"(, "exec": ["/bin/a\u0000b"])"), false, "app.exec[0]"},
      {"AppUserNul", image(R"(, "app": {"user": "a\u0000", "group": "0"})"), false, "app.user"},
      {"AppMissingUser", image(R"(, "app": {"group": "0"})"), false, "app.user"},
      {"AppEmptyUser", image(R"(, "app": {"user": "", "group": "0"})"), false, "app.user"},
      {"AppMissingGroup", image(R"(, "app": {"user": "0"})"), false, "app.group"},
      {"AppEmptyGroup", image(R"(, "app": {"user": "0", "group": ""})"), false, "app.group"},
      {"AppUserName", image(R"(, "app": {"user": "nobody", "group": "nogroup"})"), true},
      {"AppUserNumber", image(R"(, "app": {"user": 0, "group": "0"})"), false, "app.user"},
      {"AppNotObject", image(R"(, "app": ["x"])"), false, "app"},
      {"WorkingDirectoryAbsolute", with_app(R"(, "workingDirectory": "/opt/app")"), true},
      {"WorkingDirectoryEmpty", with_app(R"(, "workingDirectory": "")"), true},
      {"WorkingDirectoryRelative", with_app(R"(, "workingDirectory": "opt")"), false,
       "app.workingDirectory"},
      {"SupplementaryGIDs", with_app(R"(, "supplementaryGIDs": [0, 1, 4294967294])"), true},
      // (gid_t)-1 means "no change" to the kernel; it is no group.
      {"SupplementaryGidsMinusOne", with_app(R"(, "supplementaryGIDs": [4294967295])"), false,
       "app.supplementaryGIDs[0]"},
      {"SupplementaryGidsSpelling", with_app(R"(, "supplementaryGids": [100])"), true},
      {"SupplementaryGidsNegative", with_app(R"(, "supplementaryGIDs": [-1])"), false,
       "app.supplementaryGIDs[0]"},
      {"SupplementaryGidsTooBig", with_app(R"(, "supplementaryGIDs": [4294967296])"), false,
       "app.supplementaryGIDs[0]"},
      {"SupplementaryGidsFloat", with_app(R"(, "supplementaryGIDs": [1, 1.5])"), false,
       "app.supplementaryGIDs[1]"},
      {"SupplementaryGidsString", with_app(R"(, "supplementaryGIDs": ["1"])"), false,
       "app.supplementaryGIDs[0]"},

      // --- app: event handlers ---
      {"EventHandlersBoth",
       with_app(
           R"(, "eventHandlers": [{"name": "pre-start", "exec": ["/bin/a"]}, {"name": "post-stop", "exec": ["/bin/b", "-v"]}])"),
       true},
      {"EventHandlerPreStop",
       with_app(R"(, "eventHandlers": [{"name": "pre-stop", "exec": ["/bin/a"]}])"), false,
       "app.eventHandlers[0].name"},
      {"EventHandlerDuplicate",
       with_app(
           R"(, "eventHandlers": [{"name": "pre-start", "exec": ["/a"]}, {"name": "pre-start", "exec": ["/b"]}])"),
       false, "app.eventHandlers[1]"},
      {"EventHandlerEmptyExec",
       with_app(R"(, "eventHandlers": [{"name": "post-stop", "exec": []}])"), false,
       "app.eventHandlers[0].exec"},
      {"EventHandlerMissingExec", with_app(R"(, "eventHandlers": [{"name": "post-stop"}])"), false,
       "app.eventHandlers[0].exec"},
      {"EventHandlerEmptyArgument",
       with_app(R"(, "eventHandlers": [{"name": "post-stop", "exec": [""]}])"), false,
       "app.eventHandlers[0].exec"},
      {"EventHandlerMissingName", with_app(R"(, "eventHandlers": [{"exec": ["/a"]}])"), false,
       "app.eventHandlers[0].name"},

      // --- app: environment ---
      {"EnvSpecExample",
       with_app(R"(, "environment": [{"name": "REDUCE_WORKER_DEBUG", "value": "true"}])"), true},
      {"EnvDottedName", with_app(R"(, "environment": [{"name": "a.b-c", "value": "1"}])"), true},
      {"EnvUnderscoreName", with_app(R"(, "environment": [{"name": "_x", "value": ""}])"), true},
      {"EnvValueEquals", with_app(R"(, "environment": [{"name": "A", "value": "b=c d"}])"), true},
      {"EnvLeadingDigit", with_app(R"(, "environment": [{"name": "0DEBUG", "value": "1"}])"), false,
       "app.environment[0].name"},
      {"EnvEmptyName", with_app(R"(, "environment": [{"name": "", "value": "1"}])"), false,
       "app.environment[0].name"},
      {"EnvDuplicate",
       with_app(R"(, "environment": [{"name": "A", "value": "1"}, {"name": "A", "value": "2"}])"),
       false, "app.environment[1]"},
      {"EnvValueNewline", with_app(R"(, "environment": [{"name": "A", "value": "a\nb"}])"), false,
       "app.environment[0].value"},
      {"EnvValueNul", with_app(R"(, "environment": [{"name": "A", "value": "a\u0000b"}])"), false,
       "app.environment[0].value"},
      {"EnvValueNumber", with_app(R"(, "environment": [{"name": "A", "value": 1}])"), false,
       "app.environment[0].value"},

      // --- app: isolators ---
      {"IsolatorsSpecExample",
       isolators(
           iso("resource/cpu", R"({"limit": "20m"})") + "," +
           iso("resource/memory", R"({"limit": "1G"})") + "," +
           iso("os/linux/capabilities-retain-set",
               R"({"set": ["CAP_NET_ADMIN", "CAP_NET_BIND_SERVICE"]})") +
           "," + iso("os/linux/no-new-privileges", "true") + "," +
           iso("os/linux/seccomp-remove-set",
               R"({"errno": "EACCESS", "set": ["clock_settime", "clock_adjtime", "reboot"]})")),
       true},
      {"IsolatorsEveryOtherKind",
       isolators(iso("resource/block-bandwidth", R"({"default": true, "limit": "1M"})") + "," +
                 iso("resource/block-iops", R"({"default": true, "limit": "1k"})") + "," +
                 iso("resource/network-bandwidth", R"({"default": true, "limit": "10M"})") + "," +
                 iso("os/linux/capabilities-remove-set", R"({"set": ["CAP_MKNOD"]})") + "," +
                 iso("os/linux/seccomp-retain-set", R"({"set": ["@appc.io/all"]})") + "," +
                 iso("os/linux/selinux-context",
                     R"({"user": "u", "role": "r", "type": "t", "level": "s0"})") +
                 "," + iso("os/linux/apparmor-profile", R"({"profile": "rkt-default"})") + "," +
                 iso("os/linux/oom-score-adj", "-500") + "," + iso("os/linux/cpu-shares", "1024") +
                 "," + iso("os/unix/sysctl", R"({"net.ipv4.ip_forward": "1"})")),
       true},
      {"IsolatorApparmor", isolators(iso("os/linux/apparmor-profile", R"({"profile": "p"})")),
       true},
      {"IsolatorUnknownInApp", isolators(iso("example.com/custom", "{}")), false,
       "app.isolators[0]"},
      {"IsolatorTwice",
       isolators(iso("resource/memory", R"({"limit": "1G"})") + "," +
                 iso("resource/memory", R"({"limit": "2G"})")),
       false, "app.isolators[1]"},
      {"IsolatorNoNewPrivilegesTwice",
       isolators(iso("os/linux/no-new-privileges", "true") + "," +
                 iso("os/linux/no-new-privileges", "false")),
       false, "app.isolators[1]"},
      {"IsolatorCapsRetainAndRemove",
       isolators(iso("os/linux/capabilities-retain-set", R"({"set": ["CAP_CHOWN"]})") + "," +
                 iso("os/linux/capabilities-remove-set", R"({"set": ["CAP_KILL"]})")),
       false, "app.isolators"},
      {"IsolatorSeccompRetainAndRemove",
       isolators(iso("os/linux/seccomp-retain-set", R"({"set": ["read"]})") + "," +
                 iso("os/linux/seccomp-remove-set", R"({"set": ["reboot"]})")),
       false, "app.isolators"},
      {"IsolatorNoValue", isolators(R"({"name": "resource/memory"})"), false, "app.isolators[0]"},
      {"IsolatorNullValue", isolators(R"({"name": "resource/memory", "value": null})"), false,
       "app.isolators[0]"},
      {"IsolatorNoName", isolators(R"({"value": {"limit": "1G"}})"), false,
       "app.isolators[0].name"},
      {"IsolatorBadName", isolators(iso("Resource/CPU", R"({"limit": "1"})")), false,
       "app.isolators[0].name"},
      {"IsolatorBadLimitPath",
       isolators(iso("resource/cpu", R"({"limit": "1"})") + "," +
                 iso("os/linux/no-new-privileges", "true") + "," +
                 iso("resource/memory", R"({"limit": "1K"})")),
       false, "app.isolators[2].value.limit"},
      {"IsolatorMemoryNegative", isolators(iso("resource/memory", R"({"limit": "-1"})")), false,
       "app.isolators[0].value"},
      {"IsolatorMemoryDefaultTrue",
       isolators(iso("resource/memory", R"({"default": true, "limit": "1G"})")), false,
       "app.isolators[0].value"},
      {"IsolatorCpuRequestOverLimit",
       isolators(iso("resource/cpu", R"({"request": "2", "limit": "1"})")), false,
       "app.isolators[0].value"},
      {"IsolatorNetworkNoDefault",
       isolators(iso("resource/network-bandwidth", R"({"limit": "1M"})")), false,
       "app.isolators[0].value"},
      {"IsolatorCapsPonies",
       isolators(iso("os/linux/capabilities-retain-set", R"({"set": ["CAP_PONIES"]})")), false,
       "app.isolators[0].value"},
      {"IsolatorCapsEmpty", isolators(iso("os/linux/capabilities-remove-set", R"({"set": []})")),
       false, "app.isolators[0].value"},
      {"IsolatorErrnoLowercase",
       isolators(iso("os/linux/seccomp-retain-set", R"({"set": ["read"], "errno": "eperm"})")),
       false, "app.isolators[0].value"},
      {"IsolatorCpuSharesOne", isolators(iso("os/linux/cpu-shares", "1")), false,
       "app.isolators[0].value"},
      {"IsolatorOom2000", isolators(iso("os/linux/oom-score-adj", "2000")), false,
       "app.isolators[0].value"},
      {"IsolatorNoNewPrivilegesString", isolators(iso("os/linux/no-new-privileges", R"("true")")),
       false, "app.isolators[0].value"},
      {"IsolatorSysctlEmptyName", isolators(iso("os/unix/sysctl", R"({"": "1"})")), false,
       "app.isolators[0].value"},
      {"IsolatorSeccompEmptyEntry",
       isolators(iso("os/linux/seccomp-remove-set", R"({"set": ["reboot", ""]})")), false,
       "app.isolators[0].value.set[1]"},
      {"IsolatorMemoryRequestOverLimitLarge",
       isolators(iso("resource/memory", R"({"request": "20Gi", "limit": "10Gi"})")), false,
       "app.isolators[0].value"},
      {"IsolatorSysctlIntValue", isolators(iso("os/unix/sysctl", R"({"kernel.x": 1})")), false,
       "app.isolators[0].value"},
      {"IsolatorsNotList", with_app(R"(, "isolators": {"name": "resource/cpu"})"), false,
       "app.isolators"},

      // --- app: mount points ---
      {"MountPoint", with_app(R"(, "mountPoints": [{"name": "database", "path": "/var/lib/db"}])"),
       true},
      {"MountPointReadOnly",
       with_app(R"(, "mountPoints": [{"name": "db", "path": "/db", "readOnly": true}])"), true},
      {"MountPointNoPath", with_app(R"(, "mountPoints": [{"name": "db"}])"), false,
       "app.mountPoints[0].path"},
      {"MountPointRelativePath", with_app(R"(, "mountPoints": [{"name": "db", "path": "db"}])"),
       false, "app.mountPoints[0].path"},
      {"MountPointUppercaseName",
       with_app(R"(, "mountPoints": [{"name": "Work", "path": "/work"}])"), false,
       "app.mountPoints[0].name"},
      {"MountPointNoName", with_app(R"(, "mountPoints": [{"path": "/work"}])"), false,
       "app.mountPoints[0].name"},
      {"MountPointDuplicate",
       with_app(R"(, "mountPoints": [{"name": "db", "path": "/a"}, {"name": "db", "path": "/b"}])"),
       false, "app.mountPoints[1]"},
      {"MountPointReadOnlyString",
       with_app(R"(, "mountPoints": [{"name": "db", "path": "/db", "readOnly": "true"}])"), false,
       "app.mountPoints[0].readOnly"},

      // --- app: ports ---
      {"PortSpecExample",
       with_app(
           R"(, "ports": [{"name": "health", "port": 4000, "protocol": "tcp", "socketActivated": true}])"),
       true},
      {"PortRangeToTheEnd",
       with_app(R"(, "ports": [{"name": "p", "port": 65534, "count": 2, "protocol": "udp"}])"),
       true},
      {"PortMin", with_app(R"(, "ports": [{"name": "p", "port": 1, "protocol": "tcp"}])"), true},
      {"PortZero", with_app(R"(, "ports": [{"name": "p", "port": 0, "protocol": "tcp"}])"), false,
       "app.ports[0].port"},
      {"PortMissing", with_app(R"(, "ports": [{"name": "p", "protocol": "tcp"}])"), false,
       "app.ports[0].port"},
      {"PortTooBig", with_app(R"(, "ports": [{"name": "p", "port": 65536, "protocol": "tcp"}])"),
       false, "app.ports[0].port"},
      {"PortWraps32",
       with_app(R"(, "ports": [{"name": "p", "port": 4294967376, "protocol": "tcp"}])"), false,
       "app.ports[0].port"},
      {"PortNegative", with_app(R"(, "ports": [{"name": "p", "port": -1, "protocol": "tcp"}])"),
       false, "app.ports[0].port"},
      {"PortFloat", with_app(R"(, "ports": [{"name": "p", "port": 80.5, "protocol": "tcp"}])"),
       false, "app.ports[0].port"},
      {"PortString", with_app(R"(, "ports": [{"name": "p", "port": "80", "protocol": "tcp"}])"),
       false, "app.ports[0].port"},
      {"PortRangeOverflow",
       with_app(R"(, "ports": [{"name": "p", "port": 65535, "count": 2, "protocol": "tcp"}])"),
       false, "app.ports[0]"},
      {"PortCountZero",
       with_app(R"(, "ports": [{"name": "p", "port": 80, "count": 0, "protocol": "tcp"}])"), false,
       "app.ports[0].count"},
      {"PortUnderscoreName",
       with_app(R"(, "ports": [{"name": "p_1", "port": 80, "protocol": "tcp"}])"), false,
       "app.ports[0].name"},
      {"PortNoProtocol", with_app(R"(, "ports": [{"name": "p", "port": 80}])"), false,
       "app.ports[0].protocol"},
      {"PortEmptyProtocol", with_app(R"(, "ports": [{"name": "p", "port": 80, "protocol": ""}])"),
       false, "app.ports[0].protocol"},
      {"PortDuplicateName",
       with_app(
           R"(, "ports": [{"name": "p", "port": 80, "protocol": "tcp"}, {"name": "p", "port": 81, "protocol": "tcp"}])"),
       false, "app.ports[1]"},
      {"PortSocketActivatedString",
       with_app(
           R"(, "ports": [{"name": "p", "port": 80, "protocol": "tcp", "socketActivated": "yes"}])"),
       false, "app.ports[0].socketActivated"},

      // --- app: user annotations and labels ---
      {"UserAnnotationsAnyKey",
       with_app(R"(, "userAnnotations": {"Any Key!": "v", "": ""}, "userLabels": {"UPPER": "x"})"),
       true},
      {"UserAnnotationsNumber", with_app(R"(, "userAnnotations": {"a": 1})"), false,
       "app.userAnnotations"},
      {"UserLabelsList", with_app(R"(, "userLabels": ["a"])"), false, "app.userLabels"},

      // --- dependencies ---
      {"DependencyNameOnly", image(R"(, "dependencies": [{"imageName": "example.com/base"}])"),
       true},
      {"DependencyFull",
       image(
           R"(, "dependencies": [{"imageName": "example.com/base", "imageID": ")" + kId +
           R"(", "labels": [{"name": "os", "value": "linux"}, {"name": "env", "value": "canary"}], "size": 1024}])"),
       true},
      {"DependencyAbbreviatedId",
       image(R"(, "dependencies": [{"imageName": "example.com/base", "imageID": "sha512-8d3f"}])"),
       true},
      {"DependencyPlaceholderId",
       image(R"(, "dependencies": [{"imageName": "example.com/base", "imageID": "sha512-..."}])"),
       false, "dependencies[0].imageID"},
      {"DependencySha256",
       image(R"(, "dependencies": [{"imageName": "example.com/base", "imageID": "sha256-abc"}])"),
       false, "dependencies[0].imageID"},
      {"DependencyNoName", image(R"(, "dependencies": [{"imageID": ")" + kId + R"("}])"), false,
       "dependencies[0].imageName"},
      {"DependencyBadName", image(R"(, "dependencies": [{"imageName": "Base"}])"), false,
       "dependencies[0].imageName"},
      {"DependencyArm64",
       image(
           R"(, "dependencies": [{"imageName": "b", "labels": [{"name": "os", "value": "linux"}, {"name": "arch", "value": "arm64"}]}])"),
       false, "dependencies[0].labels"},
      {"DependencyLabelName",
       image(
           R"(, "dependencies": [{"imageName": "b", "labels": [{"name": "name", "value": "x"}]}])"),
       false, "dependencies[0].labels[0].name"},
      {"DependencyNegativeSize", image(R"(, "dependencies": [{"imageName": "b", "size": -1}])"),
       false, "dependencies[0].size"},
      {"DependencyFloatSize", image(R"(, "dependencies": [{"imageName": "b", "size": 1.5}])"),
       false, "dependencies[0].size"},
      {"DependencySecondBad",
       image(
           R"(, "dependencies": [{"imageName": "a"}, {"imageName": "b", "imageID": "sha512-xyz"}])"),
       false, "dependencies[1].imageID"},

      // --- pathWhitelist ---
      {"PathWhitelist",
       image(R"(, "pathWhitelist": ["/etc/ca/example.com/crt", "/etc/systemd/system/"])"), true},
      {"PathWhitelistRelative", image(R"(, "pathWhitelist": ["/etc/a", "etc/b"])"), false,
       "pathWhitelist[1]"},
      {"PathWhitelistEmptyString", image(R"(, "pathWhitelist": [""])"), false, "pathWhitelist[0]"},
      {"PathWhitelistDuplicate", image(R"(, "pathWhitelist": ["/a", "/b", "/a"])"), false,
       "pathWhitelist[2]"},

      // --- annotations ---
      {"AnnotationsSpecExample",
       annotations(label("authors", "Carly Container <carly@example.com>") + "," +
                   label("created", "2014-10-27T19:32:27.67021798Z") + "," +
                   label("documentation", "https://example.com/docs") + "," +
                   label("homepage", "https://example.com") + "," +
                   label("appc.io/executor/supports-systemd-notify", "false")),
       true},
      {"AnnotationCreatedOffset", annotations(label("created", "2015-05-18T13:49:28.35-04:00")),
       true},
      {"AnnotationHomepageHttp", annotations(label("homepage", "http://example.com")), true},
      {"AnnotationCustom", annotations(label("example.com/build-host", "ci-3")), true},
      {"AnnotationCreatedSpace", annotations(label("created", "2014-10-27 19:32:27Z")), false,
       "annotations[0].value"},
      {"AnnotationCreatedLowercaseT", annotations(label("created", "2014-10-27t19:32:27Z")), false,
       "annotations[0].value"},
      {"AnnotationCreatedWords", annotations(label("created", "yesterday")), false,
       "annotations[0].value"},
      {"AnnotationHomepageFtp",
       annotations(label("authors", "x") + "," + label("homepage", "ftp://example.com")), false,
       "annotations[1].value"},
      {"AnnotationDocumentationNotUrl", annotations(label("documentation", "see the wiki")), false,
       "annotations[0].value"},
      {"AnnotationDuplicate", annotations(label("authors", "a") + "," + label("authors", "b")),
       false, "annotations[1]"},
      {"AnnotationUppercaseName", annotations(label("Authors", "a")), false, "annotations[0].name"},

      // --- decoder limits ---
      {"NestingShallow", image(R"(, "x": )" + std::string(60, '[') + std::string(60, ']')), true},
      {"NestingTooDeep", image(R"(, "x": )" + std::string(70, '[') + std::string(70, ']')), false},
      {"NestingTooDeepObjects",
       image(R"(, "x": )" +
             [] {
               std::string s;
               for (int i = 0; i < 80; ++i) s += R"({"a": )";
               s += "1";
               for (int i = 0; i < 80; ++i) s += "}";
               return s;
             }()),
       false},
  };
  return cases;
}

}  // namespace

namespace test_cases {
std::vector<std::pair<std::string, std::string>> valid_image_manifests() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Case& c : image_cases()) {
    if (c.valid) out.emplace_back(c.name, c.json);
  }
  return out;
}
}  // namespace test_cases

namespace {

class ImageManifestTest : public testing::TestWithParam<Case> {};

TEST_P(ImageManifestTest, Decode) {
  const Case& c = GetParam();
  auto m = decode_image_manifest(c.json);
  if (c.valid) {
    ASSERT_TRUE(m) << m.error().text() << "\n" << c.json;
    // What decodes, validates.
    EXPECT_TRUE(validate_image_manifest(*m));
    return;
  }
  ASSERT_FALSE(m) << "accepted: " << c.json;
  const std::string text = m.error().text();
  EXPECT_NE(text.find(c.path), std::string::npos)
      << "error \"" << text << "\" does not name \"" << c.path << "\"";
}

INSTANTIATE_TEST_SUITE_P(Schema, ImageManifestTest, testing::ValuesIn(image_cases()),
                         [](const testing::TestParamInfo<Case>& param_info) {
                           return test_name(param_info.param.name);
                         });

}  // namespace
}  // namespace appc
