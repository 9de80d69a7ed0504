#include "oslayer/device_filter.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace oslayer {
namespace {

TEST(DeviceRule, Parses) {
  auto r = parse_device_rule("c 1:3 rwm");
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(
      *r, (DeviceRule{'c', 1, 3, BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE}));
  EXPECT_EQ(*parse_device_rule("b *:* m"), (DeviceRule{'b', -1, -1, BPF_DEVCG_ACC_MKNOD}));
  EXPECT_EQ(*parse_device_rule("c 136:* rw"),
            (DeviceRule{'c', 136, -1, BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE}));
  for (const char* bad : {"", "c", "c 1:3", "x 1:3 r", "c 1-3 r", "c a:3 r", "c 1:3 rx", "cc 1:3 r",
                          "c -1:3 r", "c 99999999999:1 r"}) {
    EXPECT_FALSE(parse_device_rule(bad)) << bad;
  }
}

// The kernel's semantics of the few instructions the program uses, to run it without root.
int run(const std::vector<bpf_insn>& prog, uint32_t type, uint32_t access, uint32_t major,
        uint32_t minor) {
  const uint32_t ctx[3] = {(access << 16) | type, major, minor};
  uint64_t reg[11] = {};
  for (size_t pc = 0; pc < prog.size(); ++pc) {
    const bpf_insn& i = prog[pc];
    switch (i.code) {
      case BPF_LDX | BPF_MEM | BPF_W:
        reg[i.dst_reg] = ctx[i.off / 4];
        break;
      case BPF_ALU64 | BPF_MOV | BPF_X:
        reg[i.dst_reg] = reg[i.src_reg];
        break;
      case BPF_ALU64 | BPF_MOV | BPF_K:
        reg[i.dst_reg] = static_cast<uint64_t>(int64_t{i.imm});
        break;
      case BPF_ALU64 | BPF_AND | BPF_K:
        reg[i.dst_reg] &= static_cast<uint64_t>(int64_t{i.imm});
        break;
      case BPF_ALU64 | BPF_RSH | BPF_K:
        reg[i.dst_reg] >>= i.imm;
        break;
      case BPF_JMP | BPF_JNE | BPF_K:
        if (reg[i.dst_reg] != static_cast<uint64_t>(int64_t{i.imm})) pc += i.off;
        break;
      case BPF_JMP | BPF_EXIT:
        return static_cast<int>(reg[0]);
      default:
        ADD_FAILURE() << "unexpected opcode " << int{i.code};
        return -1;
    }
  }
  ADD_FAILURE() << "fell off the end";
  return -1;
}

constexpr uint32_t kChar = BPF_DEVCG_DEV_CHAR, kBlock = BPF_DEVCG_DEV_BLOCK;
constexpr uint32_t kM = BPF_DEVCG_ACC_MKNOD, kR = BPF_DEVCG_ACC_READ, kW = BPF_DEVCG_ACC_WRITE;

TEST(DeviceFilter, AllowsOnlyWhatARuleAllows) {
  std::vector<DeviceRule> rules;
  for (const char* r : {"c *:* m", "b *:* m", "c 1:3 rwm", "c 136:* rw"}) {
    rules.push_back(*parse_device_rule(r));
  }
  auto prog = device_filter_program(rules);
  EXPECT_EQ(run(prog, kChar, kR | kW, 1, 3), 1);  // /dev/null
  EXPECT_EQ(run(prog, kChar, kR, 1, 5), 0);       // /dev/zero: no rule
  EXPECT_EQ(run(prog, kBlock, kR, 8, 0), 0);      // a host disk
  EXPECT_EQ(run(prog, kBlock, kM, 8, 0), 1);      // ... may be made, not opened
  EXPECT_EQ(run(prog, kChar, kM, 10, 200), 1);
  EXPECT_EQ(run(prog, kChar, kR | kW, 136, 7), 1);  // any pts
  EXPECT_EQ(run(prog, kChar, kM, 136, 7), 1);       // mknod: the "c *:* m" rule
  EXPECT_EQ(run(prog, kChar, kR | kM, 136, 7), 0);  // no single rule allows both
  EXPECT_EQ(run(prog, kBlock, kR, 136, 7), 0);      // the type matters
  EXPECT_EQ(run(device_filter_program({}), kChar, kR, 1, 3), 0);
  EXPECT_EQ(run(device_filter_program({*parse_device_rule("a *:* rwm")}), kBlock, kR | kW, 8, 1),
            1);
}

}  // namespace
}  // namespace oslayer
