// rkt's output for pods: the api/v1 JSON that `list` and `status --format=json` print (consumed by
// Nomad and rktlet), the rows of `rkt list` and the key=value lines of `rkt status`. Pure
// functions of PodInfo; times go through a formatter so tests can pin them.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "stage0/pods/pod_info.h"

namespace stage0::pods {

using TimeFormatter = std::function<std::string(int64_t ns)>;

// api/v1 Pod: name (the UUID), state, networks, app_names, apps, created_at and started_at in
// seconds, user_annotations, user_labels; empty fields left out as Go's omitempty did.
nlohmann::ordered_json pod_json(const PodInfo& pod);
// An array of pods ("null" when empty, as Go marshalled a nil slice), compact or pretty with
// tabs (json.MarshalIndent(v, "", "\t")), with the trailing newline.
std::string dump_pods_json(const std::vector<PodInfo>& pods, bool pretty);
std::string dump_pod_json(const PodInfo& pod, bool pretty);

// Whether `rkt list` shows a pod in this state (rkt walked prepare/, prepared/, run/ and
// exited-garbage/ only).
bool listed(PodState s);
// The table of `rkt list`: header unless `no_legend`, one row per app, the pod's columns only on
// its first row. `full`: whole UUID, the IMAGE ID column; `time` formats CREATED and STARTED.
std::vector<std::vector<std::string>> list_rows(const std::vector<PodInfo>& pods, bool full,
                                                bool no_legend, const TimeFormatter& time);

// `rkt status` lines: state=, created=, started=, networks=, pid=, exited=, app-<name>=.
std::string status_text(const PodInfo& pod, const TimeFormatter& time);

}  // namespace stage0::pods
