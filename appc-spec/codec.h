// Internal: the decoders and encoders of the shared types, used by both manifests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "appc-spec/json_reader.h"
#include "appc-spec/types.h"

namespace appc::detail {

// Unknown isolator names are an error inside an app, and kept at pod level (spec/ace.md).
enum class IsolatorScope { kApp, kPod };

Result<std::vector<Isolator>> decode_isolators(const std::optional<Reader>& r, IsolatorScope scope);
Result<Isolator> decode_isolator(const Reader& r, IsolatorScope scope);
Json encode_isolator(const Isolator& iso);

Result<Labels> decode_labels(const std::optional<Reader>& r);
Result<Annotations> decode_annotations(const std::optional<Reader>& r);
Result<App> decode_app(const Reader& r);
Result<Port> decode_port(const Reader& r);

Json encode_labels(const Labels& labels);
Json encode_annotations(const Annotations& annotations);
Json encode_app(const App& app);
Json encode_port(const Port& port);

// Parsers for scalar types at a path, turning the value parser's message into "path: rule".
Result<AcName> read_ac_name(const Reader& r);
Result<AcIdentifier> read_ac_identifier(const Reader& r);
Result<ImageId> read_image_id(const Reader& r);
Result<SemVer> read_ac_version(const Reader& r);
// acKind must name `want`.
Status check_ac_kind(const Reader& top, AcKind want);

}  // namespace appc::detail
