// `rkt` run as a process: what users and tools (Nomad) see, i.e. exit codes, stdout and stderr.
// The binary comes from $RKT_BINARY (set by meson). Needs no root and touches no data dir.
#include <gtest/gtest.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "appc-spec/image_manifest.h"
#include "oslayer/fd.h"
#include "stage0/test_support.h"

extern char** environ;

namespace {

using stage0::testing_support::nomad_version;
using stage0::testing_support::only_chars;

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string rkt_binary() {
  const char* path = std::getenv("RKT_BINARY");
  return path != nullptr ? path : "";
}

// The environment minus JOURNAL_STREAM: if the tests run under a systemd unit, rkt must still
// write its errors to the stderr pipe we read, not to the journal.
std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).starts_with("JOURNAL_STREAM=")) continue;
    env.emplace_back(*e);
  }
  return env;
}

// Runs rkt with `args`, collecting both output streams until it exits.
Outcome run_rkt(const std::vector<std::string>& args) {
  Outcome r;
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2 failed";
    return r;
  }
  oslayer::Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  oslayer::Fd err_read(err_pipe[0]), err_write(err_pipe[1]);

  std::vector<std::string> argv_store = {rkt_binary()};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_store = child_environment();
  std::vector<char*> envp;
  for (std::string& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // dup2 clears O_CLOEXEC on the target, so only fds 1 and 2 reach rkt.
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    ADD_FAILURE() << "cannot spawn " << argv[0] << ": " << spawned;
    return r;
  }
  out_write.reset();
  err_write.reset();

  // Read both pipes together: a child that fills one while we block on the other would hang.
  pollfd fds[2] = {{out_read.get(), POLLIN, 0}, {err_read.get(), POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_pipes = 2;
  while (open_pipes > 0) {
    if (::poll(fds, 2, 10000) <= 0) {
      ADD_FAILURE() << "rkt produced no output for 10 s";
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        fds[i].fd = -1;  // poll ignores negative fds; the Fd objects still close them
        --open_pipes;
      } else {
        sinks[i]->append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) == pid && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  return r;
}

size_t count_lines(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A scratch directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "rocket-cli-test.XXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& content) const {
    const std::string file = path_ + "/" + name;
    auto fd = oslayer::open_path(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    EXPECT_TRUE(fd) << fd.error().text();
    if (fd) {
      auto written = oslayer::write_all(fd->get(), content);
      EXPECT_TRUE(written) << written.error().text();
    }
    return file;
  }

 private:
  std::string path_;
};

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(rkt_binary().empty()) << "set RKT_BINARY to the rkt binary (meson test does)";
    ASSERT_FALSE(tmp_.path().empty()) << "mkdtemp failed";
  }
  TempDir tmp_;
};

// --- version: Nomad's regexes and rkt's line keys ---

TEST_F(Cli, Version) {
  const Outcome r = run_rkt({"version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
  // What Nomad's fingerprinting reads.
  EXPECT_EQ(nomad_version(r.out, "rkt"), "1.30.0");
  EXPECT_EQ(nomad_version(r.out, "appc"), "0.8.11");
  // The five lines with rkt's keys.
  const std::string rkt_line = "rkt Version: 1.30.0+rocket.";
  ASSERT_TRUE(r.out.starts_with(rkt_line)) << r.out;
  const size_t rkt_end = r.out.find('\n');
  EXPECT_TRUE(only_chars(r.out.substr(rkt_line.size(), rkt_end - rkt_line.size()), "0123456789."))
      << r.out;
  const std::string rest = r.out.substr(rkt_end + 1);
  const std::string head =
      "appc Version: 0.8.11\nGo Version: none (Rocket is C++)\nGo OS/Arch: linux/";
  ASSERT_TRUE(rest.starts_with(head)) << r.out;
  const size_t arch_end = rest.find('\n', head.size());
  ASSERT_NE(arch_end, std::string::npos);
  EXPECT_TRUE(only_chars(rest.substr(head.size(), arch_end - head.size()),
                         "abcdefghijklmnopqrstuvwxyz0123456789"))
      << r.out;
  EXPECT_EQ(rest.substr(arch_end + 1), "Features: -TPM -SDJOURNAL\n");
}

TEST_F(Cli, VersionIgnoresTheDataDir) {
  const Outcome r = run_rkt({"--dir", "/nonexistent/rocket-test", "version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("rkt Version: "));
}

TEST_F(Cli, PrefixSelectsTheCommand) {
  const Outcome full = run_rkt({"version"});
  const Outcome prefix = run_rkt({"ver"});
  EXPECT_EQ(prefix.exit_code, 0);
  EXPECT_EQ(prefix.out, full.out);
}

TEST_F(Cli, AmbiguousPrefix) {
  const Outcome r = run_rkt({"v"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "rkt: ambiguous command \"v\": could be validate, version (see \"rkt help\")\n");
}

TEST_F(Cli, UnknownCommand) {
  const Outcome r = run_rkt({"bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "rkt: unknown command \"bogus\" (see \"rkt help\")\n");
}

TEST_F(Cli, UnknownFlag) {
  const Outcome r = run_rkt({"version", "--bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  EXPECT_TRUE(contains(r.err, "--bogus")) << r.err;
  EXPECT_EQ(run_rkt({"--bogus", "version"}).exit_code, 2);
}

TEST_F(Cli, MissingFlagValue) {
  const Outcome r = run_rkt({"version", "--dir"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "--dir")) << r.err;
}

TEST_F(Cli, ExtraArgumentIsAUsageError) {
  const Outcome r = run_rkt({"version", "extra"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
}

// --- global flags: Go booleans, before or after the command ---

// A row of a table of command lines that must all behave alike.
struct ArgsCase {
  std::string name;
  std::vector<std::string> args;
};
void PrintTo(const ArgsCase& c, std::ostream* os) { *os << c.name; }
std::string case_name(const ::testing::TestParamInfo<ArgsCase>& info) { return info.param.name; }

class DebugSyntaxTest : public ::testing::TestWithParam<ArgsCase> {};

TEST_P(DebugSyntaxTest, VersionStillRuns) {
  ASSERT_FALSE(rkt_binary().empty()) << "set RKT_BINARY to the rkt binary (meson test does)";
  const Outcome r = run_rkt(GetParam().args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(r.out.starts_with("rkt Version: ")) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Go, DebugSyntaxTest,
                         ::testing::Values(ArgsCase{"EqualsFalse", {"--debug=false", "version"}},
                                           ArgsCase{"EqualsTrue", {"--debug=true", "version"}},
                                           ArgsCase{"Bare", {"--debug", "version"}},
                                           ArgsCase{"AfterEqualsFalse",
                                                    {"version", "--debug=false"}},
                                           ArgsCase{"AfterBare", {"version", "--debug"}}),
                         case_name);

TEST_F(Cli, DebugNotABoolean) {
  const Outcome bad = run_rkt({"--debug=maybe", "version"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(count_lines(bad.err), 1u) << bad.err;
  EXPECT_TRUE(contains(bad.err, "\"maybe\"")) << bad.err;
}

TEST_F(Cli, GlobalFlagAfterTheCommand) {
  const Outcome r = run_rkt({"version", "--dir", "/nonexistent", "--insecure-options=image,tls",
                             "--local-config=/x", "--trust-keys-from-https"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(Cli, InsecureOptionsBogus) {
  const Outcome r = run_rkt({"--insecure-options=bogus", "version"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  EXPECT_TRUE(contains(r.err, "unknown option \"bogus\"")) << r.err;
  EXPECT_EQ(run_rkt({"version", "--insecure-options", "all-fetch,all-run"}).exit_code, 0);
}

// --- help ---

class GlobalHelpTest : public ::testing::TestWithParam<ArgsCase> {};

TEST_P(GlobalHelpTest, ListsCommandsOnStdout) {
  ASSERT_FALSE(rkt_binary().empty()) << "set RKT_BINARY to the rkt binary (meson test does)";
  const Outcome r = run_rkt(GetParam().args);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(contains(r.out, "COMMANDS:")) << r.out;
  for (const char* name : {"help", "validate", "version"}) {
    EXPECT_TRUE(contains(r.out, std::string("  ") + name + " ")) << name;
  }
  EXPECT_TRUE(contains(r.out, "--insecure-options=")) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Spellings, GlobalHelpTest,
                         ::testing::Values(ArgsCase{"HelpCommand", {"help"}},
                                           ArgsCase{"LongFlag", {"--help"}},
                                           ArgsCase{"ShortFlag", {"-h"}},
                                           ArgsCase{"HelpPrefix", {"he"}}),
                         case_name);

class CommandHelpTest : public ::testing::TestWithParam<ArgsCase> {};

TEST_P(CommandHelpTest, DescribesTheCommandOnStdout) {
  ASSERT_FALSE(rkt_binary().empty()) << "set RKT_BINARY to the rkt binary (meson test does)";
  const Outcome r = run_rkt(GetParam().args);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(contains(r.out, "rkt validate FILE...")) << r.out;
  EXPECT_FALSE(contains(r.out, "COMMANDS:"));
}

INSTANTIATE_TEST_SUITE_P(Spellings, CommandHelpTest,
                         ::testing::Values(ArgsCase{"LongFlagAfter", {"validate", "--help"}},
                                           ArgsCase{"ShortFlagAfter", {"validate", "-h"}},
                                           ArgsCase{"LongFlagBefore", {"--help", "validate"}},
                                           ArgsCase{"HelpCommand", {"help", "validate"}},
                                           ArgsCase{"HelpCommandPrefix", {"help", "val"}}),
                         case_name);

TEST_F(Cli, HelpUnknownCommand) {
  const Outcome unknown = run_rkt({"help", "bogus"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.out, "");
  EXPECT_EQ(unknown.err, "rkt: unknown command \"bogus\" (see \"rkt help\")\n");
}

TEST_F(Cli, NoCommand) {
  const Outcome r = run_rkt({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(r.err.starts_with("rkt: missing command\n")) << r.err;
  EXPECT_TRUE(contains(r.err, "COMMANDS:")) << r.err;
  EXPECT_EQ(run_rkt({"--debug"}).exit_code, 2);
}

// --- validate ---

constexpr const char* kImageManifest = R"({
  "acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/hello",
  "labels": [{"name": "os", "value": "linux"}, {"name": "arch", "value": "amd64"}],
  "app": {"exec": ["/bin/hello"], "user": "0", "group": "0"}
})";

std::string pod_manifest(const std::string& app_name) {
  return R"({"acKind": "PodManifest", "acVersion": "0.8.11", "apps": [{"name": ")" + app_name +
         R"(", "image": {"id": "sha512-)" + std::string(128, '0') +
         R"(", "name": "example.com/hello"}}]})";
}

TEST_F(Cli, ValidateImageManifest) {
  const std::string file = tmp_.write("image.json", kImageManifest);
  const Outcome r = run_rkt({"validate", file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, file + ": ok (ImageManifest example.com/hello)\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(Cli, ValidatePodManifest) {
  const std::string file = tmp_.write("pod.json", pod_manifest("web"));
  const Outcome r = run_rkt({"validate", file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, file + ": ok (PodManifest, 1 app)\n");
}

TEST_F(Cli, ValidateInvalidNamesThePathAndContinues) {
  const std::string bad = tmp_.write("bad.json", pod_manifest("Not_A_Name"));
  const std::string good = tmp_.write("good.json", kImageManifest);
  const Outcome r = run_rkt({"validate", bad, good});
  EXPECT_EQ(r.exit_code, 254);
  EXPECT_EQ(r.out, good + ": ok (ImageManifest example.com/hello)\n");
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  EXPECT_TRUE(r.err.starts_with("rkt: validate: " + bad + ": ")) << r.err;
  EXPECT_TRUE(contains(r.err, "apps[0]")) << r.err;
}

TEST_F(Cli, ValidateDebugPrintsTheTree) {
  const std::string bad = tmp_.write("bad.json", pod_manifest("Not_A_Name"));
  const Outcome r = run_rkt({"--debug", "validate", bad});
  EXPECT_EQ(r.exit_code, 254);
  EXPECT_GT(count_lines(r.err), 1u) << r.err;
  EXPECT_TRUE(r.err.starts_with("rkt: validate\n")) << r.err;
}

TEST_F(Cli, ValidateMissingFile) {
  const std::string missing = tmp_.path() + "/missing.json";
  const Outcome r = run_rkt({"validate", missing});
  EXPECT_EQ(r.exit_code, 254);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(r.err.starts_with("rkt: validate: " + missing + ": ")) << r.err;
  EXPECT_TRUE(contains(r.err, "No such file or directory")) << r.err;
}

TEST_F(Cli, ValidateTooBig) {
  // Valid JSON up to the cap, then one byte more: refused before any parsing.
  std::string big = kImageManifest;
  big.append(appc::kMaxManifestSize + 1 - big.size(), ' ');
  const std::string file = tmp_.write("big.json", big);
  const Outcome r = run_rkt({"validate", file});
  EXPECT_EQ(r.exit_code, 254);
  EXPECT_TRUE(contains(r.err, "larger than the limit")) << r.err;

  const std::string at_cap = tmp_.write("at-cap.json", big.substr(0, appc::kMaxManifestSize));
  EXPECT_EQ(run_rkt({"validate", at_cap}).exit_code, 0);
}

TEST_F(Cli, ValidateNeedsAFile) {
  const Outcome r = run_rkt({"validate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "rkt help validate")) << r.err;
}

}  // namespace
