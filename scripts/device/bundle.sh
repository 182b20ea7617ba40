#!/usr/bin/env bash
# Prepares .device/ (git-ignored) for a run on the lent GPU machine: the check bundled into one file,
# the `webgpu` package (Dawn, linux-x64 only), this machine's node compressed, and the Vulkan loader
# debs (the device image has the NVIDIA driver but no loader); esbuild comes from apps/browser-test. Then call the device tool with
# carry ['.device'] and the command in run.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
# A worktree's .git is a file: ask git where the (shared) exclude file is.
exclude=$(git rev-parse --git-path info/exclude)
grep -qx '/.device/' "$exclude" || echo '/.device/' >> "$exclude"
rm -rf .device && mkdir -p .device/node_modules/webgpu/dist/linux-x64 .device/gl
for check in webgpu-check conformance-check transformer-check; do
  apps/browser-test/node_modules/.bin/esbuild "scripts/device/$check.ts" --bundle --platform=node --format=esm --target=node20 \
    --conditions=@tapeflow/source --external:webgpu --outfile=".device/$check.mjs" --log-level=warning
done
src=$(node -e "console.log(require('path').dirname(require.resolve('webgpu/package.json', { paths: ['packages/backend-webgpu'] })))")
cp "$src/package.json" "$src/index.js" .device/node_modules/webgpu/
cp "$src/dist/linux-x64/dawn.node" .device/node_modules/webgpu/dist/linux-x64/
xz -T2 -6 -c "$(readlink -f "$(command -v node)")" > .device/node.xz
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
mkdir -p /tmp/amd64/partial
apt-get $o update -qq
# libGLX_nvidia (the NVIDIA Vulkan ICD) needs glvnd beside the loader, or vkCreateInstance is missing.
(cd .device/gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null)
du -sh .device
