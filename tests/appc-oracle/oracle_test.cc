// The reference `actool validate` as a test oracle. For every fixture under valid/ and invalid/:
// our decoder's verdict must match the folder, and actool's verdict must match ours unless the
// fixture is listed in disagreements.txt with exactly the two verdicts seen. A listed fixture that
// no longer disagrees fails as well, so the list stays true.
//
// Inputs (environment): FIXTURES, this directory; ACTOOL, the actool binary (default "actool",
// looked up in PATH). File names say which decoder applies: image-*.json or pod-*.json.
// Needs no privileges; runs actool once per fixture.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "appc-spec/image_manifest.h"
#include "appc-spec/pod_manifest.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;

enum class Verdict { kValid, kInvalid };

const char* to_string(Verdict v) { return v == Verdict::kValid ? "valid" : "invalid"; }
void PrintTo(Verdict v, std::ostream* os) { *os << to_string(v); }

std::optional<Verdict> parse_verdict(const std::string& s) {
  if (s == "valid") return Verdict::kValid;
  if (s == "invalid") return Verdict::kInvalid;
  return std::nullopt;
}

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

fs::path fixtures_dir() { return env_or("FIXTURES", "."); }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every fixture, as a path relative to the fixtures directory ("valid/image-minimal.json").
std::vector<std::string> list_fixtures() {
  std::vector<std::string> out;
  const fs::path root = fixtures_dir();
  for (const char* folder : {"valid", "invalid"}) {
    std::error_code ec;
    fs::recursive_directory_iterator it(root / folder, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file() && it->path().extension() == ".json") {
        out.push_back(fs::relative(it->path(), root).generic_string());
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Disagreement {
  Verdict rocket, actool;
  std::string reason;
};

struct DisagreementList {
  std::map<std::string, Disagreement> entries;
  std::vector<std::string> errors;  // malformed lines
};

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return fields;
}

std::optional<Verdict> parse_field(const std::string& field, const std::string& key) {
  if (field.rfind(key + "=", 0) != 0) return std::nullopt;
  return parse_verdict(field.substr(key.size() + 1));
}

const DisagreementList& disagreements() {
  static const DisagreementList list = [] {
    DisagreementList l;
    std::ifstream in(fixtures_dir() / "disagreements.txt");
    if (!in) {
      l.errors.push_back("cannot read disagreements.txt");
      return l;
    }
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      if (line.empty() || line[0] == '#') continue;
      const std::string where = "disagreements.txt:" + std::to_string(n) + ": ";
      auto f = split_tabs(line);
      if (f.size() != 4) {
        l.errors.push_back(where + "want 4 TAB-separated fields, got " + std::to_string(f.size()));
        continue;
      }
      auto rocket = parse_field(f[1], "rocket");
      auto actool = parse_field(f[2], "actool");
      if (!rocket || !actool) {
        l.errors.push_back(where + "want rocket=valid|invalid and actool=valid|invalid");
        continue;
      }
      if (*rocket == *actool) l.errors.push_back(where + "both verdicts are the same");
      if (f[3].empty()) l.errors.push_back(where + "the reason is empty");
      if (!l.entries.emplace(f[0], Disagreement{*rocket, *actool, f[3]}).second) {
        l.errors.push_back(where + "duplicate entry for " + f[0]);
      }
    }
    return l;
  }();
  return list;
}

// Our verdict, with the error text when invalid.
std::pair<Verdict, std::string> rocket_verdict(const std::string& rel, const std::string& json) {
  const std::string base = fs::path(rel).filename().string();
  if (base.rfind("pod-", 0) == 0) {
    auto r = appc::decode_pod_manifest(json);
    if (r) return {Verdict::kValid, ""};
    return {Verdict::kInvalid, r.error().text()};
  }
  auto r = appc::decode_image_manifest(json);
  if (r) return {Verdict::kValid, ""};
  return {Verdict::kInvalid, r.error().text()};
}

// Runs `$ACTOOL args...` with stdout and stderr discarded; its exit status, or -1 (and a message)
// when it could not run or was killed by a signal.
int run_actool(const std::vector<std::string>& args, std::string* problem) {
  const std::string actool = env_or("ACTOOL", "actool");
  std::vector<std::string> argv_storage = {actool};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int err = posix_spawnp(&pid, actool.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) {
    *problem = "cannot run " + actool + ": " + std::strerror(err);
    return -1;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      *problem = std::string("waitpid: ") + std::strerror(errno);
      return -1;
    }
  }
  if (!WIFEXITED(status)) {
    *problem = actool + " was killed by signal " + std::to_string(WTERMSIG(status));
    return -1;
  }
  return WEXITSTATUS(status);
}

class OracleTest : public testing::TestWithParam<std::string> {};

TEST_P(OracleTest, VerdictsAgreeOrAreListed) {
  const std::string& rel = GetParam();
  const fs::path path = fixtures_dir() / rel;
  const std::string base = fs::path(rel).filename().string();
  ASSERT_TRUE(base.rfind("image-", 0) == 0 || base.rfind("pod-", 0) == 0)
      << rel << ": fixture names start with image- or pod- (that picks the decoder)";
  const Verdict folder = rel.rfind("valid/", 0) == 0 ? Verdict::kValid : Verdict::kInvalid;

  const auto [ours, why] = rocket_verdict(rel, read_file(path));
  EXPECT_EQ(ours, folder) << rel << ": Rocket says " << to_string(ours)
                          << (why.empty() ? "" : " (" + why + ")");

  std::string problem;
  const int rc = run_actool({"validate", path.string()}, &problem);
  ASSERT_GE(rc, 0) << problem;
  // 0: valid, 1: invalid, 2: a Go panic (missing acKind, isolator without value): invalid.
  ASSERT_LE(rc, 2) << "actool validate " << rel << " exited " << rc;
  const Verdict theirs = rc == 0 ? Verdict::kValid : Verdict::kInvalid;

  const auto& entries = disagreements().entries;
  auto listed = entries.find(rel);
  if (listed == entries.end()) {
    EXPECT_EQ(ours, theirs) << rel << ": Rocket says " << to_string(ours) << ", actool says "
                            << to_string(theirs)
                            << "; if that is deliberate, list it in disagreements.txt";
    return;
  }
  EXPECT_EQ(listed->second.rocket, ours)
      << rel << ": disagreements.txt says rocket=" << to_string(listed->second.rocket)
      << " but Rocket says " << to_string(ours);
  EXPECT_EQ(listed->second.actool, theirs)
      << rel << ": disagreements.txt says actool=" << to_string(listed->second.actool)
      << " but actool says " << to_string(theirs) << " (a stale entry: remove it)";
}

std::string fixture_name(const testing::TestParamInfo<std::string>& info) {
  std::string out;
  for (char c : info.param) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

INSTANTIATE_TEST_SUITE_P(Corpus, OracleTest, testing::ValuesIn(list_fixtures()), fixture_name);

TEST(Oracle, ActoolRuns) {
  std::string problem;
  EXPECT_EQ(run_actool({"version"}, &problem), 0)
      << problem << " (set ACTOOL, or meson's -Dactool=, to the reference actool)";
}

TEST(Oracle, CorpusIsThere) {
  const auto fixtures = list_fixtures();
  EXPECT_GE(fixtures.size(), 60u) << "FIXTURES=" << fixtures_dir();
  auto count = [&](const char* prefix) {
    return std::count_if(fixtures.begin(), fixtures.end(),
                         [&](const std::string& f) { return f.rfind(prefix, 0) == 0; });
  };
  EXPECT_GT(count("valid/"), 0);
  EXPECT_GT(count("invalid/"), 0);
}

TEST(Oracle, DisagreementListIsWellFormed) {
  const auto& list = disagreements();
  for (const auto& e : list.errors) ADD_FAILURE() << e;
  const auto fixtures = list_fixtures();
  for (const auto& [rel, d] : list.entries) {
    EXPECT_TRUE(std::binary_search(fixtures.begin(), fixtures.end(), rel))
        << "disagreements.txt lists " << rel << ", which is not a fixture";
    const Verdict folder = rel.rfind("valid/", 0) == 0 ? Verdict::kValid : Verdict::kInvalid;
    EXPECT_EQ(d.rocket, folder) << rel << ": rocket= must match the folder";
  }
}

}  // namespace
