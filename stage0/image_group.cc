// `rkt image`: the group of commands that manage the local image store.
#include "stage0/commands.h"

namespace stage0 {
namespace {

// Alphabetical, as cobra listed them.
constexpr const Command* kImageSubcommands[] = {
    &kImageCatManifestCommand, &kImageExportCommand, &kImageExtractCommand, &kImageGcCommand,
    &kImageListCommand,        &kImageRenderCommand, &kImageRmCommand,      &kImageVerifyCommand,
};

}  // namespace

const Command kImageCommand = {
    .name = "image",
    .summary = "Operate on image(s) in the local store",
    .usage = "",
    .description =
        "List, inspect, export, render, verify and remove the images in the local store.",
    .min_args = 0,
    .max_args = 0,
    .add_flags = nullptr,
    .run = nullptr,
    .subcommands = kImageSubcommands,
};

}  // namespace stage0
