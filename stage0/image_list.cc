// `rkt image list`: the images in the store, as a table or as rkt's JSON (api v1 image
// fields: id, name, import_time, last_used_time, size).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "oslayer/fd.h"
#include "stage0/commands.h"
#include "stage0/store/store.h"
#include "stage0/table_writer.h"

namespace stage0 {
namespace {

// rkt's short image ID: "sha512-" and 12 hex digits.
constexpr size_t kListIdLength = 7 + 12;

struct Field {
  std::string_view flag;    // in --fields and --sort
  std::string_view header;  // the table column
};
constexpr Field kFields[] = {{"id", "ID"},
                             {"name", "NAME"},
                             {"size", "SIZE"},
                             {"importtime", "IMPORT TIME"},
                             {"lastused", "LAST USED"},
                             {"latest", "LATEST"}};

void add_list_flags(FlagSet& flags) {
  flags.add_string("fields", "id,name,size,importtime,lastused",
                   "comma-separated list of fields to display: id, name, importtime, lastused, "
                   "size, latest");
  flags.add_string("sort", "importtime",
                   "sort the output by these fields (same names as --fields)");
  flags.add_string("order", "asc", "sort order: asc or desc");
  flags.add_bool("full", false, "use the long output format");
  flags.add_bool("no-legend", false, "suppress a legend with the list");
  flags.add_string("format", "", "choose the output format: json or json-pretty");
}

oslayer::Result<std::vector<std::string>> split_fields(const std::string& list, const char* flag) {
  std::vector<std::string> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    bool known = std::any_of(std::begin(kFields), std::end(kFields),
                             [&](const Field& f) { return f.flag == item; });
    if (!known) {
      return oslayer::Error::msg(std::string("--") + flag + ": unknown field \"" + item +
                                 "\" (known: id, name, importtime, lastused, size, latest)");
    }
    out.push_back(item);
  }
  return out;
}

// The name as rkt showed it: with ":version" when the image has a version label.
std::string display_name(const store::ImageRecord& r) {
  auto labels = nlohmann::json::parse(r.labels_json, nullptr, false);
  if (labels.is_array()) {
    for (const auto& l : labels) {
      if (l.value("name", "") == "version") return r.name + ":" + l.value("value", "");
    }
  }
  return r.name;
}

oslayer::Result<int> run_image_list(const Invocation& inv) {
  auto fields = split_fields(inv.flags.get_string("fields"), "fields");
  if (!fields) return std::move(fields).error();
  auto sort_fields = split_fields(inv.flags.get_string("sort"), "sort");
  if (!sort_fields) return std::move(sort_fields).error();
  const std::string& order = inv.flags.get_string("order");
  if (order != "asc" && order != "desc") {
    return oslayer::Error::msg("--order must be asc or desc, not \"" + order + "\"");
  }
  const std::string& format = inv.flags.get_string("format");
  if (!format.empty() && format != "json" && format != "json-pretty") {
    return oslayer::Error::msg("--format must be json or json-pretty, not \"" + format + "\"");
  }
  auto store = store::Store::open(inv.global.dir);
  if (!store) return std::move(store).error();
  auto images = store->list();
  if (!images) return std::move(images).error();

  // "latest": the most recent import of each name.
  std::map<std::string, int64_t> newest;
  for (const auto& r : *images) newest[r.name] = std::max(newest[r.name], r.import_time_ns);
  auto key = [&](const store::ImageRecord& r, const std::string& f) -> std::string {
    char buf[32];
    if (f == "id") return r.id;
    if (f == "name") return display_name(r);
    if (f == "latest") return newest[r.name] == r.import_time_ns ? "1" : "0";
    int64_t v = f == "size" ? static_cast<int64_t>(r.size)
                            : (f == "importtime" ? r.import_time_ns : r.last_used_ns);
    std::snprintf(buf, sizeof buf, "%020lld", static_cast<long long>(v));
    return buf;
  };
  std::stable_sort(images->begin(), images->end(), [&](const auto& a, const auto& b) {
    for (const auto& f : *sort_fields) {
      auto ka = key(a, f);
      auto kb = key(b, f);
      if (ka != kb) return order == "asc" ? ka < kb : ka > kb;
    }
    return false;
  });

  std::string out;
  if (!format.empty()) {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto& r : *images) {
      arr.push_back({{"id", r.id},
                     {"name", display_name(r)},
                     {"import_time", r.import_time_ns},
                     {"last_used_time", r.last_used_ns},
                     {"size", r.size}});
    }
    out = arr.dump(format == "json-pretty" ? 2 : -1) + "\n";
  } else {
    bool full = inv.flags.get_bool("full");
    int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    std::vector<std::vector<std::string>> rows;
    if (!inv.flags.get_bool("no-legend")) {
      std::vector<std::string> header;
      for (const auto& f : *fields) {
        for (const auto& k : kFields) {
          if (k.flag == f) header.emplace_back(k.header);
        }
      }
      rows.push_back(std::move(header));
    }
    for (const auto& r : *images) {
      std::vector<std::string> row;
      for (const auto& f : *fields) {
        if (f == "id") {
          row.push_back(full ? r.id : r.id.substr(0, kListIdLength));
        } else if (f == "name") {
          row.push_back(display_name(r));
        } else if (f == "size") {
          row.push_back(full ? std::to_string(r.size) : human_bytes(r.size));
        } else if (f == "latest") {
          row.push_back(newest[r.name] == r.import_time_ns ? "true" : "false");
        } else {
          int64_t t = f == "importtime" ? r.import_time_ns : r.last_used_ns;
          row.push_back(full ? absolute_time(t) : human_time_ago(t, now));
        }
      }
      rows.push_back(std::move(row));
    }
    out = format_table(rows);
  }
  if (auto st = oslayer::write_all(STDOUT_FILENO, out); !st) return std::move(st).error();
  return kExitOk;
}

}  // namespace

const Command kImageListCommand = {
    .name = "list",
    .summary = "List images in the local store",
    .usage = "",
    .description = "List the images in the local store, as a table or as JSON.",
    .min_args = 0,
    .max_args = 0,
    .add_flags = add_list_flags,
    .run = run_image_list,
    .group = "image",
};

}  // namespace stage0
