#include "oslayer/device_filter.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>

namespace oslayer {
namespace {

// Instruction encoders for the few forms the program uses (linux/bpf_common.h opcodes).
bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn i{};
  i.code = code;
  i.dst_reg = dst & 0xf;
  i.src_reg = src & 0xf;
  i.off = off;
  i.imm = imm;
  return i;
}
bpf_insn load_u32(uint8_t dst, uint8_t src, int16_t off) {
  return insn(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0);
}
bpf_insn mov_reg(uint8_t dst, uint8_t src) {
  return insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
}
bpf_insn mov_imm(uint8_t dst, int32_t imm) {
  return insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
}
bpf_insn and_imm(uint8_t dst, int32_t imm) {
  return insn(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, imm);
}
bpf_insn rsh_imm(uint8_t dst, int32_t imm) {
  return insn(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, imm);
}
bpf_insn jne_imm(uint8_t dst, int32_t imm, int16_t off) {
  return insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm);
}
bpf_insn exit_insn() { return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

constexpr uint32_t kAllAccess = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;

Result<int64_t> parse_number(std::string_view s, std::string_view rule) {
  if (s == "*") return int64_t{-1};
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0 || v > 0x7fffffffLL) {
    return Error::msg("device rule \"" + std::string(rule) + "\": bad number \"" + std::string(s) +
                      "\"");
  }
  return v;
}

long bpf(int cmd, bpf_attr* attr) { return ::syscall(SYS_bpf, cmd, attr, sizeof *attr); }

}  // namespace

Result<DeviceRule> parse_device_rule(std::string_view rule) {
  auto bad = [&](const char* why) {
    return Error::msg("device rule \"" + std::string(rule) + "\": " + why);
  };
  const size_t sp1 = rule.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : rule.find(' ', sp1 + 1);
  if (sp1 != 1 || sp2 == std::string_view::npos) return bad("not \"TYPE MAJOR:MINOR ACCESS\"");
  DeviceRule r;
  r.type = rule[0];
  if (r.type != 'c' && r.type != 'b' && r.type != 'a') return bad("type must be c, b or a");
  std::string_view numbers = rule.substr(sp1 + 1, sp2 - sp1 - 1);
  const size_t colon = numbers.find(':');
  if (colon == std::string_view::npos) return bad("no MAJOR:MINOR");
  auto major = parse_number(numbers.substr(0, colon), rule);
  if (!major) return std::move(major).error();
  auto minor = parse_number(numbers.substr(colon + 1), rule);
  if (!minor) return std::move(minor).error();
  r.major = *major;
  r.minor = *minor;
  std::string_view access = rule.substr(sp2 + 1);
  if (access.empty()) return bad("no access");
  for (char c : access) {
    switch (c) {
      case 'm':
        r.access |= BPF_DEVCG_ACC_MKNOD;
        break;
      case 'r':
        r.access |= BPF_DEVCG_ACC_READ;
        break;
      case 'w':
        r.access |= BPF_DEVCG_ACC_WRITE;
        break;
      default:
        return bad("access must be letters among r, w and m");
    }
  }
  return r;
}

std::vector<bpf_insn> device_filter_program(const std::vector<DeviceRule>& allow) {
  // r1: struct bpf_cgroup_dev_ctx {u32 access_type; u32 major; u32 minor;}. Loaded once:
  // r2 = device type, r3 = access asked, r4 = major, r5 = minor.
  std::vector<bpf_insn> p = {
      load_u32(2, 1, 0), and_imm(2, 0xffff), load_u32(3, 1, 0),
      rsh_imm(3, 16),    load_u32(4, 1, 4),  load_u32(5, 1, 8),
  };
  for (const DeviceRule& r : allow) {
    // Each rule is one block that falls through to "allow" or jumps over its own end.
    std::vector<bpf_insn> block;
    std::vector<size_t> skips;  // indexes of the jumps to patch to the block's end
    if (r.type != 'a') {
      skips.push_back(block.size());
      block.push_back(jne_imm(2, r.type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK, 0));
    }
    if ((r.access & kAllAccess) != kAllAccess) {
      // Every access asked must be among the rule's: (asked & ~allowed) == 0.
      block.push_back(mov_reg(0, 3));
      block.push_back(and_imm(0, static_cast<int32_t>(~r.access & kAllAccess)));
      skips.push_back(block.size());
      block.push_back(jne_imm(0, 0, 0));
    }
    if (r.major >= 0) {
      skips.push_back(block.size());
      block.push_back(jne_imm(4, static_cast<int32_t>(r.major), 0));
    }
    if (r.minor >= 0) {
      skips.push_back(block.size());
      block.push_back(jne_imm(5, static_cast<int32_t>(r.minor), 0));
    }
    block.push_back(mov_imm(0, 1));
    block.push_back(exit_insn());
    for (size_t i : skips) block[i].off = static_cast<int16_t>(block.size() - i - 1);
    p.insert(p.end(), block.begin(), block.end());
  }
  p.push_back(mov_imm(0, 0));
  p.push_back(exit_insn());
  return p;
}

Status attach_device_filter(const std::string& cgroup_dir, const std::vector<DeviceRule>& allow) {
  std::vector<bpf_insn> prog = device_filter_program(allow);
  static const char kLicense[] = "Apache-2.0";
  auto load = [&](char* log, uint32_t log_size) {
    bpf_attr a{};
    a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    a.insns = reinterpret_cast<uint64_t>(prog.data());
    a.insn_cnt = static_cast<uint32_t>(prog.size());
    a.license = reinterpret_cast<uint64_t>(kLicense);
    a.log_buf = reinterpret_cast<uint64_t>(log);
    a.log_size = log_size;
    a.log_level = log == nullptr ? 0 : 1;
    std::strncpy(a.prog_name, "rkt_devices", sizeof a.prog_name - 1);
    return static_cast<int>(bpf(BPF_PROG_LOAD, &a));
  };
  int prog_fd = load(nullptr, 0);
  if (prog_fd < 0) {
    const int e = errno;
    // Loaded again with the verifier's log, only to say why.
    std::string log(1 << 16, '\0');
    if (int again = load(log.data(), static_cast<uint32_t>(log.size())); again >= 0) {
      ::close(again);
    }
    log.resize(std::strlen(log.c_str()));
    std::string why = "loading the device filter program";
    if (!log.empty())
      why += " (verifier: " + log.substr(log.size() > 300 ? log.size() - 300 : 0) + ")";
    return Error::sys(e, why);
  }
  Fd prog_owner(prog_fd);
  auto dir = open_path(cgroup_dir, O_RDONLY | O_DIRECTORY);
  if (!dir) return std::move(dir).error().context("attaching the device filter");
  bpf_attr attach{};
  attach.target_fd = static_cast<uint32_t>(dir->get());
  attach.attach_bpf_fd = static_cast<uint32_t>(prog_fd);
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf(BPF_PROG_ATTACH, &attach) < 0) {
    return Error::sys(errno, "attaching the device filter to " + cgroup_dir);
  }
  return ok();
}

}  // namespace oslayer
