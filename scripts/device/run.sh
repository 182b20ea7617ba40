# The device-side command (run from the repository root with .device carried), as one line:
for f in .device/gl/*.deb; do dpkg -x "$f" /; done; ldconfig
xz -dc .device/node.xz > /tmp/node && chmod +x /tmp/node
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json VK_ICD_FILENAMES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
cd .device && timeout 300 /tmp/node webgpu-check.mjs | tee "$OUT/webgpu-check.json"
