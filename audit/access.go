package audit

// Access review checks (issue 13): what the stores that decide who may
// reach the gateway hold — the 2026.9 state DB (its file modes, pending
// device requests, paired devices, exec "allow always" approvals, stale DM
// pairing requests, pairing-approved senders behind a "*") and the 2026.2
// JSON stores where they say the same. OpenClaw's audit has none of these
// concepts, so the ids are hardshell's. The review is read once per
// snapshot (access.FromSnapshot).

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hardshell/hardshell/access"
	"github.com/hardshell/hardshell/model"
)

// Check ids declared in this file (see DESIGN.md, "A fact lives in one place").
const (
	IDChannelsDMStoreSendersBehindWildcard = "channels.<id>.dm.store_senders_behind_wildcard"
	IDChannelsPairingStaleRequests         = "channels.<id>.pairing.stale_requests"
	IDFsStateDBPermsReadable               = "fs.state_db.perms_readable"
	IDFsStateDBUnreadable                  = "fs.state_db.unreadable"
	IDGatewayDevicesPairedStale            = "gateway.devices.paired_stale"
	IDGatewayDevicesPendingAdmin           = "gateway.devices.pending_admin"
	IDToolsExecAllowAlwaysEntries          = "tools.exec.allow_always_entries"
)

// StaleDeviceAge is how long a paired device or node may go unseen before
// the audit asks whether it is still yours.
const StaleDeviceAge = 30 * 24 * time.Hour

const whyAccess = "Pairing is how OpenClaw decides who may talk to the bot and which devices and nodes may drive the gateway. Every approved sender, paired device and standing exec approval is a standing grant: review them like SSH keys, and revoke what you no longer recognise (hardshell access lists them; access revoke / access device remove take them back, with a backup)."

// adminScopes are operator scopes that let a device change the gateway or
// approve others.
var adminScopes = map[string]bool{"operator.admin": true, "operator.approvals": true, "operator.pairing": true}

func init() {
	Register("filesystem",
		Check{
			ID: IDFsStateDBPermsReadable, Title: "State DB is readable by others",
			Tier: model.TierPermissions, Fix: model.FixManual, Severity: "warn", FSOnly: true,
			Trigger:     "state/openclaw.sqlite, its -wal or -shm, or the state/ dir has group or other permission bits",
			Remediation: "chmod 700 <state>/state; chmod 600 <state>/state/openclaw.sqlite*",
			Why:         "OpenClaw 2026.9 keeps pairing state, device tokens, the gateway's private key, stored secrets and queued message text in the state DB; the -wal file holds its latest writes in clear. OpenClaw creates them 0600 in a 0700 dir.",
			Breaks:      "Nothing, unless another local user was (wrongly) reading the DB.",
			Since:       "OpenClaw 2026.9",
			Run:         runStateDBPerms,
		},
		Check{
			ID: IDFsStateDBUnreadable, Title: "State DB could not be read",
			Tier: model.TierPermissions, Fix: model.FixManual, Severity: "warn", FSOnly: true,
			Trigger:     "state/openclaw.sqlite exists but is not a regular file, is corrupt, or has a schema newer than hardshell knows",
			Remediation: "Check the file (openclaw doctor); update hardshell for a newer OpenClaw.",
			Why:         "Without the state DB hardshell cannot see the senders and devices approved through pairing, so checks that reason about senders may be wrong.",
			Since:       "hardshell",
			Run: func(s *model.Snapshot) []Hit {
				r := access.FromSnapshot(s)
				if r.DB == nil || r.DB.Err == nil {
					return nil
				}
				return []Hit{{Severity: model.Warn, Detail: r.DB.Err.Error() + "; senders and devices approved through pairing were not checked.", Paths: []string{r.DB.Path}}}
			},
		},
	)
	Register("gateway",
		Check{
			ID: IDGatewayDevicesPendingAdmin, Title: "A device asks to pair with operator admin scopes",
			Tier: model.TierExposure, Fix: model.FixManual, Severity: "warn",
			Trigger:     "a pending (not expired) device pairing request asks for operator.admin, operator.approvals or operator.pairing",
			Remediation: "Approve only if you started that client: hardshell access device reject <requestId> otherwise.",
			Why:         whyAccess + " An operator.admin device can change the gateway's config and approve other devices.",
			Since:       "OpenClaw 2026.2",
			Run:         runPendingAdmin,
		},
		Check{
			ID: IDGatewayDevicesPairedStale, Title: "A paired device or node has not been seen for a long time",
			Tier: model.TierExposure, Fix: model.FixManual, Severity: "warn",
			Trigger:     "a paired device or node with an active role has not connected (2026.9 last_seen_at_ms; 2026.2: its token's lastUsedAtMs, else its approval) for 30 days",
			Remediation: "hardshell access device remove <deviceId> for devices you no longer use.",
			Why:         whyAccess + " A forgotten pairing keeps a valid token: whoever has that device (or a copy of its key) can still connect.",
			Breaks:      "The removed device or node must pair again to connect.",
			Since:       "OpenClaw 2026.2",
			Run:         runStaleDevices,
		},
	)
	Register("tools",
		Check{
			ID: IDToolsExecAllowAlwaysEntries, Title: "Exec approvals answered \"allow always\"",
			Tier: model.TierInbound, Fix: model.FixManual, Severity: "info; warn for an exact shell command or a shell/interpreter",
			Trigger:     "the exec approvals document has allowlist entries with source \"allow-always\" (2026.9)",
			Remediation: "Review them with hardshell access; remove what you do not want to run unasked (openclaw approvals allowlist remove).",
			Why:         "Every \"allow always\" answer lets the agent run that binary or exact command again without asking, whoever prompted it. A prompt-injected chat that got one approval keeps it.",
			Since:       "OpenClaw 2026.9",
			Run:         runAllowAlways,
		},
	)
	Register("channels",
		Check{
			ID: IDChannelsPairingStaleRequests, Title: "Expired pairing requests are still stored",
			Tier: model.TierInbound, Fix: model.FixManual, Severity: "info",
			Trigger:     "a DM pairing request older than OpenClaw's 1 h TTL is still in the store",
			Remediation: "hardshell access reject <channel> <code> (OpenClaw also drops them on its next pairing write).",
			Why:         whyAccess + " An expired request cannot be approved, but it keeps the sender's id and names in the store.",
			Since:       "OpenClaw 2026.2",
			Run:         runStaleRequests,
		},
		Check{
			ID: IDChannelsDMStoreSendersBehindWildcard, Title: "Pairing-approved senders wait behind an open \"*\"",
			Tier: model.TierInbound, Fix: model.FixManual, Severity: "warn",
			Trigger:     "a channel account whose config admits \"*\" also has senders approved through pairing in the store",
			Remediation: "Revoke the approved senders you no longer want (hardshell access revoke) before closing the account again.",
			Why:         whyAccess + " While \"*\" admits everyone the store is moot, but switching the account back to pairing silently re-admits every sender approved before it was opened.",
			Since:       "OpenClaw 2026.2",
			Run:         runStoreBehindWildcard,
		},
	)
}

func runStateDBPerms(s *model.Snapshot) []Hit {
	r := access.FromSnapshot(s)
	if r.DB == nil {
		return nil
	}
	var loose []string
	if fi, err := s.Sys().Lstat(filepath.Dir(r.DB.Path)); err == nil && fi.IsDir() && fi.Mode.Perm()&0o077 != 0 {
		loose = append(loose, fmt.Sprintf("%s is %04o", filepath.Dir(r.DB.Path), fi.Mode.Perm()))
	}
	paths := []string{}
	for _, f := range r.DB.Files {
		if f.Exists && f.Mode.IsRegular() && f.Mode.Perm()&0o077 != 0 {
			loose = append(loose, fmt.Sprintf("%s is %04o", f.Path, f.Mode.Perm()))
			paths = append(paths, f.Path)
		}
	}
	if len(loose) == 0 {
		return nil
	}
	if len(paths) == 0 {
		paths = []string{filepath.Dir(r.DB.Path)}
	}
	return []Hit{{Severity: model.Warn, Detail: strings.Join(loose, "; ") + "; OpenClaw creates them 0600 in a 0700 dir.", Paths: paths}}
}

func runPendingAdmin(s *model.Snapshot) []Hit {
	r := access.FromSnapshot(s)
	var hits []Hit
	for _, d := range r.Devices.Pending {
		if d.Expired {
			continue
		}
		var asked []string
		for _, sc := range d.Scopes {
			if adminScopes[sc] {
				asked = append(asked, sc)
			}
		}
		if len(asked) == 0 {
			continue
		}
		from := "loopback"
		if d.RemoteIP != "" {
			from = d.RemoteIP
		}
		name := strings.TrimSpace(d.DisplayName + " " + d.ClientID)
		hits = append(hits, Hit{Severity: model.Warn,
			Detail: fmt.Sprintf("request %s from %s (%s, role %s) asks for %s, %s ago. Approve only if you started it; otherwise: hardshell access device reject %s",
				d.RequestID, from, name, d.Role, strings.Join(asked, ", "), access.Age(r.Now.Sub(d.RequestedAt)), d.RequestID),
			Paths: []string{reviewWhere(r, "device_pairing_pending", "devices/pending.json", s)}})
	}
	return hits
}

// reviewWhere is the store a finding points at: the DB (a table named in
// the detail) or the JSON file.
func reviewWhere(r *access.Review, table, jsonRel string, s *model.Snapshot) string {
	if r.Store == access.StoreSQLite && r.DB != nil {
		return r.DB.Path
	}
	return filepath.Join(s.Target.StateDir, jsonRel)
}

func runStaleDevices(s *model.Snapshot) []Hit {
	r := access.FromSnapshot(s)
	var lines []string
	for _, d := range r.Devices.Paired {
		if len(d.ActiveRoles) == 0 {
			continue
		}
		seen, how := d.LastSeen, "last seen"
		if seen.IsZero() {
			seen, how = d.ApprovedAt, "never seen since its approval"
		}
		if seen.IsZero() || r.Now.Sub(seen) < StaleDeviceAge {
			continue
		}
		lines = append(lines, fmt.Sprintf("%s %s (%s, roles %s): %s %s ago — hardshell access device remove %s",
			d.Role, d.Title(), access.ShortID(d.DeviceID), strings.Join(d.ActiveRoles, ","), how, access.Age(r.Now.Sub(seen)), access.ShortID(d.DeviceID)))
	}
	if len(lines) == 0 {
		return nil
	}
	return []Hit{{Severity: model.Warn, Detail: "Paired and unused for 30 days or more:\n- " + strings.Join(lines, "\n- "),
		Paths: []string{reviewWhere(r, "device_pairing_paired", "devices/paired.json", s)}}}
}

// riskyPattern is an allow-always pattern that runs arbitrary code: an
// exact shell command or a shell/interpreter binary.
func riskyPattern(p string) bool {
	if strings.HasPrefix(p, "=command:") || strings.HasPrefix(p, "=node-command:") {
		return true
	}
	switch filepath.Base(p) {
	case "sh", "bash", "zsh", "dash", "python", "python3", "node", "perl", "ruby", "curl", "wget", "env", "sudo":
		return true
	}
	return false
}

func runAllowAlways(s *model.Snapshot) []Hit {
	r := access.FromSnapshot(s)
	var lines []string
	sev := model.Info
	for _, e := range r.ExecApprovals {
		if e.Source != "allow-always" {
			continue
		}
		what := e.Pattern
		if e.Command != "" {
			what += " (" + e.Command + ")"
		}
		if riskyPattern(e.Pattern) {
			sev = model.Warn
			what += " — runs an exact shell command or an interpreter unasked"
		}
		used := "never used"
		if !e.LastUsedAt.IsZero() {
			used = "last used " + access.Age(r.Now.Sub(e.LastUsedAt)) + " ago"
		}
		lines = append(lines, fmt.Sprintf("agent %s: %s, %s", e.Agent, what, used))
	}
	if len(lines) == 0 {
		return nil
	}
	sort.Strings(lines)
	where := reviewWhere(r, "exec_approvals_config", "exec-approvals.json", s)
	return []Hit{{Severity: sev, Detail: fmt.Sprintf("%d \"allow always\" exec approvals:\n- %s", len(lines), strings.Join(lines, "\n- ")), Paths: []string{where}}}
}

func runStaleRequests(s *model.Snapshot) []Hit {
	r := access.FromSnapshot(s)
	a := newChanAgg()
	for _, c := range r.Channels {
		for _, p := range c.Pending {
			if !p.Expired {
				continue
			}
			a.add(chanID(c.Channel, "pairing.stale_requests"), model.Info, chanLabel(c.Channel)+" has expired pairing requests",
				fmt.Sprintf("%s: request %s of %s asked %s ago (OpenClaw approves only within %s)", c.Name(), p.Code, p.ID, access.Age(r.Now.Sub(p.CreatedAt)), access.DMPendingTTL),
				reviewWhere(r, "channel_pairing_requests", "credentials/"+c.Channel+"-pairing.json", s))
		}
	}
	return a.result()
}

func runStoreBehindWildcard(s *model.Snapshot) []Hit {
	r := access.FromSnapshot(s)
	a := newChanAgg()
	for _, c := range r.Channels {
		var wild string
		var store []string
		for _, snd := range c.Senders {
			switch {
			case snd.Source == access.SourceConfig && snd.Kind == "dm" && snd.ID == "*":
				wild = snd.Where
			case snd.Source == access.SourceStore:
				store = append(store, snd.ID)
			}
		}
		if wild == "" || len(store) == 0 {
			continue
		}
		a.add(chanID(c.Channel, "dm.store_senders_behind_wildcard"), model.Warn, chanLabel(c.Channel)+" keeps pairing-approved senders behind \"*\"",
			fmt.Sprintf("%s: %s admits everyone; %d sender(s) approved through pairing (%s) are re-admitted if it is closed again", c.Name(), wild, len(store), strings.Join(firstN(store, 5), ", ")),
			wild)
	}
	return a.result()
}
