#!/bin/sh
# Installs the Gridsight edge agent on a Debian/Ubuntu gateway from a checkout or release tree.
# Usage (as root, from the repository root after `npm ci && npx tsc -b edge-agent`):
#   deploy/gateway/install.sh [--with-ffmpeg]
# Leaves an existing /etc/gridsight-edge/edge-agent.yaml alone; re-running upgrades the code.
set -eu

PREFIX=/opt/gridsight-edge
CONFIG_DIR=/etc/gridsight-edge
STATE_DIR=/var/lib/gridsight-edge
UNIT=/etc/systemd/system/gridsight-edge-agent.service
SOURCE=$(cd "$(dirname "$0")/../.." && pwd)

[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
command -v node >/dev/null || { echo "install.sh: Node.js 20 or newer is needed (apt-get install nodejs)" >&2; exit 1; }
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || { echo "install.sh: Node.js 20 or newer is needed" >&2; exit 1; }
[ -f "$SOURCE/edge-agent/dist/main.js" ] || { echo "install.sh: build first: npx tsc -b edge-agent" >&2; exit 1; }

# TurboJPEG decodes camera frames at about a third of sharp's CPU; without it the agent uses sharp.
apt-get install -y --no-install-recommends libturbojpeg0 || echo "install.sh: libturbojpeg0 not installed; frames will be decoded with sharp" >&2

if [ "${1:-}" = "--with-ffmpeg" ]; then
  apt-get install -y --no-install-recommends ffmpeg
fi

id gridsight-edge >/dev/null 2>&1 || useradd --system --home-dir "$STATE_DIR" --shell /usr/sbin/nologin gridsight-edge

install -d -m 0755 "$PREFIX" "$PREFIX/models"
# The workspace packages the agent needs, with their installed dependencies.
for part in edge-agent contracts service-kit; do
  rm -rf "${PREFIX:?}/$part"
  mkdir -p "$PREFIX/$part"
  cp -R "$SOURCE/$part/dist" "$SOURCE/$part/package.json" "$PREFIX/$part/"
done
rm -rf "$PREFIX/node_modules"
cp -R "$SOURCE/node_modules" "$PREFIX/node_modules"
# Workspace links point back into the checkout; point them at the copies instead.
rm -rf "$PREFIX/node_modules/@gridsight"
mkdir -p "$PREFIX/node_modules/@gridsight"
for part in edge-agent contracts service-kit; do ln -s "../../$part" "$PREFIX/node_modules/@gridsight/$part"; done
cp "$SOURCE/models/gridsight-detector.onnx" "$PREFIX/models/"
chown -R root:root "$PREFIX"

install -d -m 0750 -o root -g gridsight-edge "$CONFIG_DIR"
install -d -m 0700 -o gridsight-edge -g gridsight-edge "$STATE_DIR"
if [ ! -f "$CONFIG_DIR/edge-agent.yaml" ]; then
  install -m 0640 -o root -g gridsight-edge "$SOURCE/deploy/gateway/edge-agent.example.yaml" "$CONFIG_DIR/edge-agent.yaml"
  echo "install.sh: edit $CONFIG_DIR/edge-agent.yaml and put the gateway secret in $CONFIG_DIR/secret (mode 0640, group gridsight-edge)"
fi

install -m 0644 "$SOURCE/deploy/systemd/gridsight-edge-agent.service" "$UNIT"
systemctl daemon-reload
systemctl enable gridsight-edge-agent.service
if node "$PREFIX/edge-agent/dist/main.js" --config "$CONFIG_DIR/edge-agent.yaml" --check-config; then
  systemctl restart gridsight-edge-agent.service
  echo "install.sh: started; logs: journalctl -u gridsight-edge-agent -f; health: curl localhost:9304/health"
else
  echo "install.sh: fix the config above, then: systemctl start gridsight-edge-agent" >&2
fi
