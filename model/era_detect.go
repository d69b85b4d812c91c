package model

import (
	"fmt"
	"regexp"
	"strconv"
)

var calver = regexp.MustCompile(`(\d{4})\.(\d{1,2})\.(\d{1,2})`)

// versionEra maps an OpenClaw CalVer version to its key era.
func versionEra(v string) Era {
	m := calver.FindStringSubmatch(v)
	if m == nil {
		return EraUnknown
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	if y > 2026 || (y == 2026 && mo >= 7) {
		return EraModern
	}
	return EraGuide
}

// DetectEra tells which key era the config is in, from its key shapes,
// meta.lastTouchedVersion and the installed CLI's version (cliVersion, ""
// when `openclaw` is not on PATH). Key shapes say what the file is; the CLI
// says what the running OpenClaw accepts and wins when it disagrees, since
// that is what a write must satisfy.
func DetectEra(d *Document, cliVersion string) EraInfo {
	info := EraInfo{}
	guide, modern := 0, 0
	note := func(e Era, why string) {
		info.Evidence = append(info.Evidence, why)
		if e == EraGuide {
			guide++
		} else {
			modern++
		}
	}
	if d != nil {
		if d.Get("agents.list") != nil {
			note(EraGuide, "agents.list[] is set")
		}
		if d.Get("agents.entries") != nil {
			note(EraModern, "agents.entries{} is set")
		}
		if d.Get("logging.redactSensitive") != nil {
			note(EraGuide, "logging.redactSensitive is set")
		}
		if d.Get("gateway.controlUi.allowInsecureAuth") != nil {
			note(EraGuide, "gateway.controlUi.allowInsecureAuth is set")
		}
		if d.Get("gateway.nodes.allowCommands") != nil || d.Get("gateway.nodes.denyCommands") != nil {
			note(EraGuide, "gateway.nodes.allow/denyCommands is set")
		}
		if d.Get("gateway.nodes.commands") != nil {
			note(EraModern, "gateway.nodes.commands is set")
		}
		for _, s := range d.Scopes() {
			if s.Node.Lookup("dm.policy") != nil {
				note(EraGuide, fmt.Sprintf("%s.dm.policy is set", s.Path))
				break
			}
		}
		if v := d.Get("meta.lastTouchedVersion").Text(); v != "" {
			info.Version = v
			if e := versionEra(v); e != EraUnknown {
				note(e, "meta.lastTouchedVersion is "+v)
			}
		}
	}
	switch {
	case guide > modern:
		info.Era = EraGuide
	case modern > guide:
		info.Era = EraModern
	}
	if cliVersion != "" {
		if e := versionEra(cliVersion); e != EraUnknown {
			info.Evidence = append(info.Evidence, "openclaw --version is "+cliVersion)
			info.Version = cliVersion
			info.Era = e
		}
	}
	return info
}
