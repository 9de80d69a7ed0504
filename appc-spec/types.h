// The composite types shared by both manifests: labels, annotations, environment, the app
// section, ports and mount points.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "appc-spec/isolators.h"
#include "appc-spec/names.h"

namespace appc {

struct Label {
  AcIdentifier name;
  std::string value;
  bool operator==(const Label&) const = default;
};
// Unique names, never "name"; os/arch values checked as a pair.
using Labels = std::vector<Label>;
std::optional<std::string> find_label(const Labels& labels, std::string_view name);

struct Annotation {
  AcIdentifier name;
  std::string value;
  bool operator==(const Annotation&) const = default;
};
// Unique names; `created` must be a timestamp, `homepage`/`documentation` http(s) URLs.
using Annotations = std::vector<Annotation>;
std::optional<std::string> find_annotation(const Annotations& a, std::string_view name);

struct EnvironmentVariable {
  std::string name;
  std::string value;
  bool operator==(const EnvironmentVariable&) const = default;
};
using Environment = std::vector<EnvironmentVariable>;

enum class EventName { kPreStart, kPostStop };
std::string_view to_string(EventName e);

struct EventHandler {
  EventName name = EventName::kPreStart;
  std::vector<std::string> exec;
  bool operator==(const EventHandler&) const = default;
};

struct MountPoint {
  AcName name;
  std::string path;
  bool read_only = false;
  bool operator==(const MountPoint&) const = default;
};

struct Port {
  AcName name;
  std::string protocol;
  uint16_t port = 0;
  uint16_t count = 1;
  bool socket_activated = false;
  bool operator==(const Port&) const = default;
};

using StringMap = std::map<std::string, std::string>;

struct App {
  std::vector<std::string> exec;
  std::string user;
  std::string group;
  std::vector<uint32_t> supplementary_gids;
  std::vector<EventHandler> event_handlers;
  std::string working_directory;  // empty: not set ("/" at run time)
  Environment environment;
  std::vector<Isolator> isolators;
  std::vector<MountPoint> mount_points;
  std::vector<Port> ports;
  StringMap user_annotations;
  StringMap user_labels;
  bool operator==(const App&) const = default;
};

// The rules that involve more than one field of an app; the decoders call it, and so must code
// that assembles an App by hand (stage0 applying CLI overrides).
Status validate_app(const App& app);

// The `app` object on its own: stage1 hands it to stage2 on fd 3 (stage1-interface.md). The
// decoder applies the same rules as inside a manifest; `json` is capped at kMaxManifestSize.
Result<App> decode_app_json(std::string_view json);
std::string encode_app_json(const App& app);

}  // namespace appc
