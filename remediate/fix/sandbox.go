package fix

import (
	"fmt"
	"github.com/hardshell/hardshell/audit"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Fixes for the checks of audit/sandbox.go: dangerous or relative bind mounts
// are dropped, host/container networking becomes "none", unconfined
// seccomp/AppArmor profiles go back to Docker's defaults, Docker settings that
// do nothing because the sandbox is off get a sandbox mode, and shared or
// writable sandboxes get an access profile.

func init() {
	Register(
		Remediation{
			CheckIDs:  []string{audit.IDSandboxDangerousBindMount, audit.IDSandboxBindMountNonAbsolute},
			Title:     "Drop sandbox bind mounts that expose the host",
			Questions: bindsQuestions, Plan: bindsPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDSandboxDangerousNetworkMode},
			Title:     "Give the sandbox no host network",
			Questions: sandboxNetQuestions, Plan: sandboxNetPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDSandboxDangerousSeccompProfile, audit.IDSandboxDangerousApparmorProfile},
			Title:     "Confine the sandbox with Docker's default profiles",
			Questions: confineQuestions, Plan: confinePlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDSandboxDockerConfigModeOff},
			Title:     "Turn the sandbox on where Docker settings are configured",
			Questions: sandboxOnQuestions, Plan: sandboxOnPlan,
		},
		Remediation{
			CheckIDs:  []string{audit.IDSandboxScopeShared, audit.IDSandboxWorkspaceRwReachable},
			Title:     "Give reachable agents a restricted access profile",
			Questions: profileQuestions, Plan: profilePlan,
		},
	)
}

// flaggedBinds groups the finding's binds[i] paths by their binds array.
func flaggedBinds(f model.Finding) map[string]map[int]bool {
	out := map[string]map[int]bool{}
	for _, p := range f.Paths {
		i := strings.LastIndex(p, ".binds[")
		if i < 0 || !strings.HasSuffix(p, "]") {
			continue
		}
		arr := p[:i+len(".binds")]
		var n int
		if _, err := fmt.Sscanf(p[i+len(".binds["):], "%d]", &n); err != nil {
			continue
		}
		if out[arr] == nil {
			out[arr] = map[int]bool{}
		}
		out[arr][n] = true
	}
	return out
}

func bindsQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	var opts []model.Option
	var def []string
	for arr, idx := range flaggedBinds(f) {
		for i, b := range s.Doc.Get(arr).Strings() {
			if idx[i] {
				v := model.Index(arr, i)
				opts = append(opts, model.Option{Value: v, Label: b + "  (" + v + ")"})
				def = append(def, v)
			}
		}
	}
	sort.Slice(opts, func(i, j int) bool { return opts[i].Value < opts[j].Value })
	sort.Strings(def)
	return []model.Question{{
		ID: "drop", Kind: model.MultiSelect, Title: "Which bind mounts should be removed?",
		Help:    "Each was flagged by the audit (a credential or system path, or a relative source). Mount a narrow project directory instead, read-only where possible.",
		Options: opts, Default: strings.Join(def, ","),
		Breaks: "Tools in the sandbox lose access to the host paths those mounts exposed.",
	}}
}

func bindsPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	flagged := flaggedBinds(f)
	drop := map[string]map[int]bool{}
	for _, v := range a.List("drop") {
		ok := false
		for arr, idx := range flagged {
			for i := range idx {
				if v == model.Index(arr, i) {
					if drop[arr] == nil {
						drop[arr] = map[int]bool{}
					}
					drop[arr][i], ok = true, true
				}
			}
		}
		if !ok {
			return cs, fmt.Errorf("drop: %q is not a flagged bind mount", v)
		}
	}
	for arr, idx := range flagged {
		for i := range idx {
			if !drop[arr][i] {
				return cs, fmt.Errorf("drop: keeping %s (%s) leaves the finding; remove it, or suppress the finding if the mount is intended", model.Index(arr, i), s.Doc.Get(model.Index(arr, i)).Text())
			}
		}
	}
	arrs := make([]string, 0, len(drop))
	for arr := range drop {
		arrs = append(arrs, arr)
	}
	sort.Strings(arrs)
	for _, arr := range arrs {
		var keep []string
		for i, b := range s.Doc.Get(arr).Strings() {
			if !drop[arr][i] {
				keep = append(keep, b)
			}
		}
		if len(keep) == 0 {
			cs.Edits = append(cs.Edits, unset(f, arr, "no host path is mounted into the sandbox"))
		} else {
			cs.Edits = append(cs.Edits, set(f, arr, model.List(keep), "only safe host paths are mounted into the sandbox"))
		}
	}
	cs.After = append(cs.After, restartGateway, "Recreate running sandboxes so the mounts go away: `openclaw sandbox recreate --all`.")
	return cs, nil
}

// dockerPaths are the distinct sandbox.docker blocks a finding names.
func dockerPaths(f model.Finding) []string {
	var out []string
	for _, p := range f.Paths {
		i := strings.Index(p, "sandbox.docker")
		if i < 0 {
			continue
		}
		d := p[:i+len("sandbox.docker")]
		if !containsS(out, d) {
			out = append(out, d)
		}
	}
	return out
}

func sandboxNetQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	return []model.Question{{
		ID: "network", Kind: model.Select, Title: "Sandbox network for " + strings.Join(dockerPaths(f), ", "),
		Help: "none: no network at all (OpenClaw's default). bridge: Docker's default bridge, internet access but not the host's localhost services.",
		Options: []model.Option{
			{Value: "none", Label: "none (no network)"},
			{Value: "bridge", Label: "bridge (Docker's default network)"},
		},
		Default: "none",
		Breaks:  "Tools in the sandbox lose access to services on the host's localhost (and with none, to the network).",
	}}
}

func sandboxNetPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	n := a["network"]
	if n != "none" && n != "bridge" {
		return cs, fmt.Errorf("network: %q is not none or bridge", n)
	}
	for _, d := range dockerPaths(f) {
		cs.Edits = append(cs.Edits, set(f, d+".network", n, "sandbox network "+n))
	}
	cs.After = append(cs.After, restartGateway, "Recreate running sandboxes: `openclaw sandbox recreate --all`.")
	return cs, nil
}

func confineQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	what := "seccomp"
	if f.CheckID == audit.IDSandboxDangerousApparmorProfile {
		what = "AppArmor"
	}
	q := onlyOption("profile", "Sandbox "+what+" profile", "default", "Docker's default "+what+" profile (remove \"unconfined\")",
		"Tools needing syscalls or capabilities the default profile blocks (rare: debuggers, some VPN tools) fail in the sandbox.")
	return []model.Question{q}
}

func confinePlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	if err := requireOnly(a, "profile", "default"); err != nil {
		return cs, err
	}
	which := "seccomp"
	if f.CheckID == audit.IDSandboxDangerousApparmorProfile {
		which = "apparmor"
	}
	for _, d := range dockerPaths(f) {
		dn := s.Doc.Get(d)
		if strings.EqualFold(strings.TrimSpace(dn.Get(which+"Profile").Text()), "unconfined") {
			cs.Edits = append(cs.Edits, unset(f, d+"."+which+"Profile", which+": Docker's default profile"))
		}
		if opts := dn.Get("securityOpt"); opts != nil {
			var keep []string
			changed := false
			for _, o := range opts.Strings() {
				if strings.ToLower(strings.ReplaceAll(strings.TrimSpace(o), ":", "=")) == which+"=unconfined" {
					changed = true
					continue
				}
				keep = append(keep, o)
			}
			switch {
			case !changed:
			case len(keep) == 0:
				cs.Edits = append(cs.Edits, unset(f, d+".securityOpt", "no unconfined "+which))
			default:
				cs.Edits = append(cs.Edits, set(f, d+".securityOpt", model.List(keep), "no unconfined "+which))
			}
		}
	}
	cs.After = append(cs.After, restartGateway, "Recreate running sandboxes: `openclaw sandbox recreate --all`.")
	return cs, nil
}

// modeOffTargets are the sandbox.mode paths to set for docker_config_mode_off:
// agents.defaults when its docker block is dormant, and each agent whose own
// docker block is dormant.
func modeOffTargets(s *model.Snapshot, f model.Finding) []string {
	var out []string
	for _, d := range dockerPaths(f) {
		m := strings.TrimSuffix(d, ".docker") + ".mode"
		if !containsS(out, m) {
			out = append(out, m)
		}
	}
	return out
}

func sandboxOnQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	return []model.Question{{
		ID: "mode", Kind: model.Select, Title: "Sandbox mode for " + strings.Join(modeOffTargets(s, f), ", "),
		Help: "all: every session runs tools in Docker. non-main: only sessions other than your main one (groups, other people's DMs).",
		Options: []model.Option{
			{Value: "all", Label: "all (every session sandboxed)"},
			{Value: "non-main", Label: "non-main (your main session stays on the host)"},
		},
		Default: "all",
		Breaks:  "Tools run in Docker containers (Docker must be installed); host files outside the workspace are no longer reachable.",
	}}
}

func sandboxOnPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	m := a["mode"]
	if m != "all" && m != "non-main" {
		return cs, fmt.Errorf("mode: %q is not all or non-main", m)
	}
	for _, p := range modeOffTargets(s, f) {
		cs.Edits = append(cs.Edits, set(f, p, m, "sandbox mode "+m+" so the Docker settings apply"))
	}
	cs.After = append(cs.After, restartGateway, "Check with `openclaw sandbox explain`; the sandbox needs Docker on the gateway host.")
	return cs, nil
}
