// Command dispatch (prefix matching, the command table) and flag parsing, without spawning rkt.
// The process-level view of the same behaviour is tests/cli_test.cc.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "stage0/command_line.h"
#include "stage0/command_table.h"
#include "stage0/global_config.h"
#include "stage0/test_support.h"

namespace stage0 {
namespace {

using testing_support::case_name;
using Args = std::vector<std::string>;

oslayer::Result<int> run_nothing(const Invocation&) { return kExitOk; }
void add_list_flags(FlagSet& f) {
  f.add_bool("full", false, "show full ids");
  f.add_string("format", "", "output format");
}

// A table with shared prefixes, which the real one does not have (yet).
const Command kList = {
    .name = "list", .summary = "l", .add_flags = add_list_flags, .run = run_nothing};
const Command kListing = {.name = "listing", .summary = "l2", .run = run_nothing};
const Command kLifecycle = {.name = "lifecycle", .summary = "lc", .run = run_nothing};
const Command kGc = {.name = "gc", .summary = "g", .run = run_nothing};
constexpr const Command* kFakeTable[] = {&kGc, &kLifecycle, &kList, &kListing};

FlagSet globals() {
  FlagSet f;
  add_global_flags(f);
  return f;
}

oslayer::Result<CommandLine> parse(const Args& args) {
  return parse_command_line(args, globals(), kFakeTable);
}

// --- resolve_command: cobra's prefix matching, plus the candidates when ambiguous ------------

struct ResolveCase {
  std::string name;
  std::string word;
  std::string want;  // the command's name, or the whole error
  bool ok;
};
void PrintTo(const ResolveCase& c, std::ostream* os) { *os << c.name; }

class ResolveCommandTest : public ::testing::TestWithParam<ResolveCase> {};

TEST_P(ResolveCommandTest, Resolve) {
  const ResolveCase& c = GetParam();
  auto r = resolve_command(c.word, kFakeTable);
  ASSERT_EQ(r.has_value(), c.ok) << "word: \"" << c.word << "\"";
  if (r) {
    EXPECT_EQ((*r)->name, c.want);
  } else {
    EXPECT_EQ(r.error().text(), c.want);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Prefixes, ResolveCommandTest,
    ::testing::Values(
        ResolveCase{"Exact", "gc", "gc", true}, ResolveCase{"UniquePrefix", "g", "gc", true},
        // An exact name wins even when it is also a prefix of another command.
        ResolveCase{"ExactBeatsLongerName", "list", "list", true},
        ResolveCase{"PrefixOfLongerName", "listi", "listing", true},
        ResolveCase{"PrefixAmongSimilar", "lif", "lifecycle", true},
        ResolveCase{"AmbiguousListsCandidates", "li",
                    "ambiguous command \"li\": could be lifecycle, list, listing", false},
        ResolveCase{"AmbiguousOneLetter", "l",
                    "ambiguous command \"l\": could be lifecycle, list, listing", false},
        ResolveCase{"Unknown", "bogus", "unknown command \"bogus\"", false},
        // The empty word would be a prefix of everything; it names nothing.
        ResolveCase{"Empty", "", "unknown command \"\"", false},
        ResolveCase{"LongerThanAnyName", "gcx", "unknown command \"gcx\"", false},
        ResolveCase{"CaseSensitive", "GC", "unknown command \"GC\"", false}),
    case_name<ResolveCase>);

TEST(ResolveCommand, RealTable) {
  auto ver = resolve_command("ver", command_table());
  ASSERT_TRUE(ver);
  EXPECT_EQ((*ver)->name, "version");
  auto val = resolve_command("va", command_table());
  ASSERT_TRUE(val);
  EXPECT_EQ((*val)->name, "validate");
  auto v = resolve_command("v", command_table());
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().text(), "ambiguous command \"v\": could be validate, version");
}

// --- the command table itself ----------------------------------------------------------------

TEST(CommandTable, NamesUniqueSortedAndComplete) {
  std::string previous;
  for (const Command* c : command_table()) {
    EXPECT_FALSE(c->name.empty());
    EXPECT_FALSE(c->summary.empty()) << c->name;
    EXPECT_FALSE(c->description.empty()) << c->name;
    // A group has no run function of its own, only subcommands.
    EXPECT_NE(c->run == nullptr, c->subcommands.empty()) << c->name;
    EXPECT_LE(c->min_args, c->max_args) << c->name;
    EXPECT_LT(previous, std::string(c->name)) << "the table must be sorted by name";
    previous = c->name;
  }
}

TEST(CommandTable, OwnFlagsDoNotClashWithGlobals) {
  const FlagSet g = globals();
  for (const Command* c : command_table()) {
    if (c->add_flags == nullptr) continue;
    FlagSet own;
    c->add_flags(own);
    for (const FlagSpec& s : own.specs()) {
      EXPECT_EQ(g.find(s.name), nullptr) << c->name << " --" << s.name;
      EXPECT_EQ(g.find_short(s.short_name), nullptr) << c->name << " -" << s.short_name;
    }
  }
}

// --- find_command_word: the first word that is neither a flag nor a global flag's value -------

struct WordCase {
  std::string name;
  Args args;
  std::optional<size_t> want;
};
void PrintTo(const WordCase& c, std::ostream* os) { *os << c.name; }

class FindCommandWordTest : public ::testing::TestWithParam<WordCase> {};

TEST_P(FindCommandWordTest, Find) {
  EXPECT_EQ(find_command_word(GetParam().args, globals()), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Words, FindCommandWordTest,
    ::testing::Values(WordCase{"NoArgs", {}, std::nullopt}, WordCase{"Alone", {"version"}, 0},
                      WordCase{"AfterFlagValue", {"--dir", "/x", "version"}, 2},
                      WordCase{"AfterFlagEqualsValue", {"--dir=/x", "version"}, 1},
                      // Booleans never take the next word.
                      WordCase{"AfterBoolean", {"--debug", "version"}, 1},
                      WordCase{"AfterBooleanFalse", {"--debug=false", "version"}, 1},
                      WordCase{"AfterShortHelp", {"-h", "version"}, 1},
                      WordCase{"AfterSeveralValues",
                               {"--insecure-options", "all", "--user-config", "u", "gc"},
                               4},
                      WordCase{"NothingAfterTerminator", {"--", "version"}, std::nullopt},
                      WordCase{"OnlyFlags", {"--debug"}, std::nullopt},
                      // Unknown flags are assumed to take no value; parsing refuses them.
                      WordCase{"AfterUnknownFlag", {"--bogus", "version"}, 1},
                      WordCase{"DashIsAWord", {"-", "version"}, 0}),
    case_name<WordCase>);

// --- parse_command_line: global flags before or after the command, Go's boolean syntax ------

struct DirCase {
  std::string name;
  Args args;
};
void PrintTo(const DirCase& c, std::ostream* os) { *os << c.name; }

class GlobalFlagPlacementTest : public ::testing::TestWithParam<DirCase> {};

TEST_P(GlobalFlagPlacementTest, Parse) {
  auto line = parse(GetParam().args);
  ASSERT_TRUE(line) << line.error().text();
  ASSERT_NE(line->command, nullptr);
  EXPECT_EQ(line->command->name, "gc");
  EXPECT_EQ(line->flags.get_string("dir"), "/d");
  EXPECT_TRUE(line->args.empty());
}

INSTANTIATE_TEST_SUITE_P(Placement, GlobalFlagPlacementTest,
                         ::testing::Values(DirCase{"BeforeSeparateValue", {"--dir", "/d", "gc"}},
                                           DirCase{"BeforeEquals", {"--dir=/d", "gc"}},
                                           DirCase{"AfterSeparateValue", {"gc", "--dir", "/d"}},
                                           DirCase{"AfterEquals", {"gc", "--dir=/d"}},
                                           DirCase{"AfterPrefix", {"g", "--dir=/d"}}),
                         case_name<DirCase>);

struct BoolCase {
  std::string name;
  Args args;
  bool debug;
};
void PrintTo(const BoolCase& c, std::ostream* os) { *os << c.name; }

class GoBooleanFlagTest : public ::testing::TestWithParam<BoolCase> {};

TEST_P(GoBooleanFlagTest, Parse) {
  auto line = parse(GetParam().args);
  ASSERT_TRUE(line) << line.error().text();
  EXPECT_EQ(line->flags.get_bool("debug"), GetParam().debug);
  EXPECT_EQ(line->command->name, "gc");
}

INSTANTIATE_TEST_SUITE_P(
    Syntax, GoBooleanFlagTest,
    ::testing::Values(BoolCase{"Default", {"gc"}, false},
                      BoolCase{"BareBefore", {"--debug", "gc"}, true},
                      BoolCase{"BareAfter", {"gc", "--debug"}, true},
                      BoolCase{"EqualsTrue", {"--debug=true", "gc"}, true},
                      // What Nomad passes.
                      BoolCase{"EqualsFalse", {"--debug=false", "gc"}, false},
                      BoolCase{"EqualsFalseAfter", {"gc", "--debug=false"}, false},
                      BoolCase{"One", {"--debug=1", "gc"}, true},
                      BoolCase{"Zero", {"--debug=0", "gc"}, false},
                      BoolCase{"LetterT", {"--debug=T", "gc"}, true},
                      BoolCase{"UpperFalse", {"--debug=FALSE", "gc"}, false},
                      BoolCase{"LastWins", {"--debug", "--debug=false", "gc"}, false}),
    case_name<BoolCase>);

TEST(ParseCommandLine, BooleanDoesNotSwallowTheNextWord) {
  auto line = parse({"list", "--full", "arg1", "--debug", "arg2"});
  ASSERT_TRUE(line) << line.error().text();
  EXPECT_TRUE(line->flags.get_bool("full"));
  EXPECT_TRUE(line->flags.get_bool("debug"));
  EXPECT_EQ(line->args, (Args{"arg1", "arg2"}));
}

TEST(ParseCommandLine, CommandFlagsAndPositionals) {
  auto line = parse({"--insecure-options=image", "list", "--format", "json", "a", "--", "--full"});
  ASSERT_TRUE(line) << line.error().text();
  EXPECT_EQ(line->command->name, "list");
  EXPECT_EQ(line->flags.get_string("format"), "json");
  EXPECT_FALSE(line->flags.get_bool("full"));  // after "--" it is an argument
  EXPECT_EQ(line->args, (Args{"a", "--full"}));
  EXPECT_EQ(line->flags.get_string("insecure-options"), "image");
}

TEST(ParseCommandLine, RepeatedFlagsLastWinsAllKept) {
  auto line = parse({"gc", "--dir=/a", "--dir", "/b"});
  ASSERT_TRUE(line) << line.error().text();
  EXPECT_EQ(line->flags.get_string("dir"), "/b");
  EXPECT_EQ(line->flags.get_all("dir"), (Args{"/a", "/b"}));
  EXPECT_TRUE(line->flags.is_set("dir"));
  EXPECT_FALSE(line->flags.is_set("user-config"));
  EXPECT_EQ(line->flags.get_string("local-config"), "/etc/rkt");  // the default
}

TEST(ParseCommandLine, HelpShortAndLong) {
  for (const Args& args :
       std::vector<Args>{{"-h"}, {"--help"}, {"gc", "-h"}, {"--help=true", "gc"}}) {
    auto line = parse(args);
    ASSERT_TRUE(line) << line.error().text();
    EXPECT_TRUE(line->flags.get_bool("help")) << ::testing::PrintToString(args);
  }
  auto none = parse({"-h"});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->command, nullptr);
}

TEST(ParseCommandLine, EmptyValueAfterEquals) {
  // pflag takes "--name=" as the empty value and never the next word.
  auto dir = parse({"gc", "--user-config=", "arg"});
  ASSERT_TRUE(dir) << dir.error().text();
  EXPECT_EQ(dir->flags.get_string("user-config"), "");
  EXPECT_TRUE(dir->flags.is_set("user-config"));
  EXPECT_EQ(dir->args, (Args{"arg"}));

  auto debug = parse({"gc", "--debug=", "true"});
  ASSERT_FALSE(debug);
  EXPECT_TRUE(debug.error().text().starts_with("invalid argument \"\" for \"--debug\" flag"))
      << debug.error().text();
}

struct UsageCase {
  std::string name;
  Args args;
  std::string want;  // the whole error line
};
void PrintTo(const UsageCase& c, std::ostream* os) { *os << c.name; }

class UsageErrorTest : public ::testing::TestWithParam<UsageCase> {};

TEST_P(UsageErrorTest, Parse) {
  auto line = parse(GetParam().args);
  ASSERT_FALSE(line);
  EXPECT_EQ(line.error().text(), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, UsageErrorTest,
    ::testing::Values(
        UsageCase{"UnknownCommand", {"bogus"}, "unknown command \"bogus\" (see \"rkt help\")"},
        UsageCase{"UnknownCommandAmidFlags",
                  {"--debug", "bogus", "--dir=/x"},
                  "unknown command \"bogus\" (see \"rkt help\")"},
        UsageCase{"AmbiguousCommand",
                  {"li"},
                  "ambiguous command \"li\": could be lifecycle, list, listing (see \"rkt help\")"},
        UsageCase{"UnknownFlag", {"gc", "--bogus"}, "unknown flag: --bogus (see \"rkt help gc\")"},
        UsageCase{"UnknownFlagWithValue",
                  {"gc", "--bogus=1"},
                  "unknown flag: --bogus (see \"rkt help gc\")"},
        UsageCase{"UnknownFlagNoCommand", {"--bogus"}, "unknown flag: --bogus (see \"rkt help\")"},
        UsageCase{"UnknownShortFlag", {"gc", "-x"}, "unknown flag: -x (see \"rkt help gc\")"},
        // pflag has no abbreviated flags, so neither has Rocket.
        UsageCase{"AbbreviatedFlag", {"gc", "--de"}, "unknown flag: --de (see \"rkt help gc\")"},
        UsageCase{
            "OtherCommandsFlag", {"gc", "--full"}, "unknown flag: --full (see \"rkt help gc\")"},
        UsageCase{
            "MissingValue", {"gc", "--dir"}, "flag needs an argument: --dir (see \"rkt help gc\")"},
        UsageCase{"NotABoolean",
                  {"gc", "--debug=maybe"},
                  "invalid argument \"maybe\" for \"--debug\" flag: not a boolean (true, false, 1, "
                  "0, t, f) (see \"rkt help gc\")"},
        // Program_options' own message would loop forever on a placeholder in the word.
        UsageCase{"PlaceholderInAnUnknownFlag",
                  {"gc", "--x%option%y="},
                  "unknown flag: --x%option%y (see \"rkt help gc\")"},
        UsageCase{"UnknownFlagWithEmptyValue",
                  {"gc", "--bogus="},
                  "unknown flag: --bogus (see \"rkt help gc\")"},
        // The hidden carrier of positional arguments is not a flag.
        UsageCase{"PositionalCarrier",
                  {"gc", "--positional-arguments=x"},
                  "unknown flag: --positional-arguments (see \"rkt help gc\")"}),
    case_name<UsageCase>);

// --- Go's strconv.ParseBool ------------------------------------------------------------------

struct GoBoolCase {
  std::string name;
  std::string input;
  std::optional<bool> want;
};
void PrintTo(const GoBoolCase& c, std::ostream* os) { *os << c.name; }

class GoBoolTest : public ::testing::TestWithParam<GoBoolCase> {};

TEST_P(GoBoolTest, Parse) { EXPECT_EQ(parse_go_bool(GetParam().input), GetParam().want); }

INSTANTIATE_TEST_SUITE_P(
    Spellings, GoBoolTest,
    ::testing::Values(GoBoolCase{"One", "1", true}, GoBoolCase{"t", "t", true},
                      GoBoolCase{"T", "T", true}, GoBoolCase{"TRUE", "TRUE", true},
                      GoBoolCase{"true", "true", true}, GoBoolCase{"True", "True", true},
                      GoBoolCase{"Zero", "0", false}, GoBoolCase{"f", "f", false},
                      GoBoolCase{"F", "F", false}, GoBoolCase{"FALSE", "FALSE", false},
                      GoBoolCase{"false", "false", false}, GoBoolCase{"False", "False", false},
                      GoBoolCase{"Empty", "", std::nullopt}, GoBoolCase{"yes", "yes", std::nullopt},
                      GoBoolCase{"MixedCase", "tRUE", std::nullopt},
                      GoBoolCase{"Two", "2", std::nullopt},
                      GoBoolCase{"LeadingSpace", " true", std::nullopt},
                      GoBoolCase{"on", "on", std::nullopt}),
    case_name<GoBoolCase>);

// --- a command that is not interspersed (rkt run): flags stop at the first positional --------

void add_runlike_flags(FlagSet& f) {
  f.add_string("volume", "", "a volume");
  f.add_bool("interactive", false, "interactive");
}
const Command kRunLike = {.name = "runlike",
                          .summary = "r",
                          .add_flags = add_runlike_flags,
                          .run = run_nothing,
                          .interspersed = false};
constexpr const Command* kRunTable[] = {&kRunLike};

struct VerbatimCase {
  std::string name;
  Args args;
  std::string volume;
  bool debug;
  Args want_args;
};
void PrintTo(const VerbatimCase& c, std::ostream* os) { *os << c.name; }

class NotInterspersedTest : public ::testing::TestWithParam<VerbatimCase> {};

TEST_P(NotInterspersedTest, Parse) {
  const VerbatimCase& c = GetParam();
  auto line = parse_command_line(c.args, globals(), kRunTable);
  ASSERT_TRUE(line) << line.error().text();
  ASSERT_EQ(line->command, &kRunLike);
  EXPECT_EQ(line->flags.get_string("volume"), c.volume);
  EXPECT_EQ(line->flags.get_bool("debug"), c.debug);
  EXPECT_EQ(line->args, c.want_args);
}

INSTANTIATE_TEST_SUITE_P(
    Words, NotInterspersedTest,
    ::testing::Values(
        VerbatimCase{
            "FlagsThenImage", {"runlike", "--volume", "v", "--debug", "img"}, "v", true, {"img"}},
        VerbatimCase{"GlobalBeforeCommand",
                     {"--debug", "runlike", "img", "--exec=/x"},
                     "",
                     true,
                     {"img", "--exec=/x"}},
        VerbatimCase{"FlagsAfterImageVerbatim",
                     {"runlike", "img", "--volume=w", "--", "a", "---", "img2"},
                     "",
                     false,
                     {"img", "--volume=w", "--", "a", "---", "img2"}},
        VerbatimCase{
            "DoubleDashDropped", {"runlike", "--interactive", "--", "--img"}, "", false, {"--img"}},
        VerbatimCase{"NoPositional", {"runlike", "--volume=x"}, "x", false, {}}),
    case_name<VerbatimCase>);

TEST(NotInterspersedTest, UnknownFlagBeforeFirstPositionalIsAnError) {
  auto line = parse_command_line(Args{"runlike", "--exec", "img"}, globals(), kRunTable);
  ASSERT_FALSE(line);
  EXPECT_NE(line.error().text().find("unknown flag: --exec"), std::string::npos)
      << line.error().text();
}

}  // namespace
}  // namespace stage0
