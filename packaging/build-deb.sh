#!/usr/bin/env bash
# The Debian package of a built sokenh: bash packaging/build-deb.sh [BINARY [OUT]]
# (default: target/dist/sokenh, the `dist` profile's — `cargo build --profile dist -p sokenh`;
# CI packages the binary its tests built). The binary with its debug information stripped goes
# to /usr/bin, the configuration to /etc/sokenh/sokenh.toml (a conffile: an upgrade keeps the
# office's edits), the systemd unit, README.Debian and the maintainer scripts, all from this
# folder, assembled by dpkg-deb. A shell script rather than a Rust tool, so that packaging never
# compiles anything.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
binary=${1:-$root/target/dist/sokenh}
[ -x "$binary" ] || { echo "không có $binary: dựng trước (cargo build --profile dist -p sokenh)" >&2; exit 1; }
version=$("$binary" --version | awk '{ print $NF }')
arch=$(dpkg --print-architecture)
out=${2:-$root/target/sokenh_${version}_${arch}.deb}
stage=$(mktemp -d)
chmod 0755 "$stage"
trap 'rm -rf "$stage"' EXIT
install -D -m 0755 "$binary" "$stage/usr/bin/sokenh"
strip --strip-debug "$stage/usr/bin/sokenh"
install -D -m 0644 "$here/sokenh.toml" "$stage/etc/sokenh/sokenh.toml"
install -D -m 0644 "$here/sokenh.service" "$stage/lib/systemd/system/sokenh.service"
install -D -m 0644 "$here/README.Debian" "$stage/usr/share/doc/sokenh/README.Debian"
for script in postinst prerm postrm; do
  install -D -m 0755 "$here/$script" "$stage/DEBIAN/$script"
done
echo /etc/sokenh/sokenh.toml > "$stage/DEBIAN/conffiles"
size_kib=$(du -sk "$stage/usr" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: sokenh
Version: $version
Architecture: $arch
Maintainer: sokenh <sokenh@localhost>
Installed-Size: $size_kib
Depends: libc6, adduser
Recommends: tesseract-ocr-vie, libreoffice-writer-nogui
Suggests: postgresql
Section: admin
Priority: optional
Description: Sổ kênh: sổ đăng ký trang, kênh, nhóm trên không gian mạng
 One binary with a Vietnamese web application for a commune office: the register of
 pages, channels and groups, official channels and impostors, members' declarations,
 detection of scams and leaks, cases with evidence, and the periodic report.
CONTROL
mkdir -p "$(dirname "$out")"
dpkg-deb --root-owner-group --build "$stage" "$out" >/dev/null
printf '%s: %s MB (sokenh %s, %s; installed %s MB)\n' "$out" \
  "$(awk -v b="$(stat -c %s "$out")" 'BEGIN { printf "%.1f", b / 1e6 }')" "$version" "$arch" \
  "$(awk -v k="$size_kib" 'BEGIN { printf "%.1f", k / 1024 }')"
