package rotate

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// Prepare renders and validates the plan (remediate.Prepare) and pins every
// file to the bytes the plan was computed from, so Commit refuses if one
// changed in between.
func Prepare(ctx context.Context, s *model.Snapshot, cs model.ChangeSet, info Info, validate remediate.Validator) (*remediate.Prepared, error) {
	p, err := remediate.Prepare(ctx, s, cs, validate)
	if err != nil {
		return nil, err
	}
	for path, data := range info.Originals {
		p.Txn.Track(path, data)
	}
	return p, nil
}

// Check is one credential presented to the gateway.
type Check struct {
	Label  string // "new token", "old token #1"
	Want   audit.AuthVerdict
	Result audit.AuthProbeResult
}

// OK reports the verdict that was wanted.
func (c Check) OK() bool { return c.Result.Verdict == c.Want }

// Verification is the live probe's outcome.
type Verification struct {
	Addr    string
	Skipped string // why nothing was probed
	Checks  []Check
}

// Reachable reports whether the gateway answered.
func (v Verification) Reachable() bool {
	for _, c := range v.Checks {
		if c.Result.Verdict == audit.AuthUnreachable {
			return false
		}
	}
	return len(v.Checks) > 0
}

// OK reports every old secret refused and the new one accepted.
func (v Verification) OK() bool {
	if v.Skipped != "" || len(v.Checks) == 0 {
		return false
	}
	for _, c := range v.Checks {
		if !c.OK() {
			return false
		}
	}
	return true
}

// VerifyOptions tune the live probe.
type VerifyOptions struct {
	Host    string // "" = 127.0.0.1
	Timeout time.Duration
	// Dial opens the probe's connections (nil: this host; over --host the
	// ssh session's forward to the remote's loopback).
	Dial audit.DialFunc
}

// Verify presents the new secret and each old one to the gateway on
// loopback: the new must be accepted, every old one refused. A remote
// secret is not probed here (the gateway it opens is elsewhere).
func Verify(ctx context.Context, info Info, o VerifyOptions) Verification {
	host := o.Host
	if host == "" {
		host = "127.0.0.1"
	}
	v := Verification{Addr: fmt.Sprintf("%s:%d", host, info.Port)}
	if info.Target == Remote {
		v.Skipped = "the remote secret opens a gateway on another machine; check it there with `openclaw status`"
		return v
	}
	if info.New == "" {
		v.Skipped = "the current secret could not be resolved here"
		return v
	}
	kind := info.Kind
	if info.Target == Hooks {
		kind = "hooks"
	}
	po := audit.AuthProbeOptions{Host: host, Port: info.Port, Timeout: o.Timeout, Kind: kind, HooksPath: info.HooksPath, Dial: o.Dial}
	what := string(info.Target) + " " + info.Kind
	nv := Check{Label: "new " + what, Want: audit.AuthAccepted, Result: audit.ProbeAuth(ctx, info.New, po)}
	v.Checks = append(v.Checks, nv)
	if nv.Result.Verdict == audit.AuthUnreachable {
		return v
	}
	for i, old := range info.Old {
		label := "old " + what
		if len(info.Old) > 1 {
			label += fmt.Sprintf(" #%d", i+1)
		}
		v.Checks = append(v.Checks, Check{Label: label, Want: audit.AuthRefused, Result: audit.ProbeAuth(ctx, old, po)})
	}
	return v
}

// VerifyInfo builds what Verify needs for `hardshell rotate --verify`: the
// current secret as New, and as Old the values the latest rotation's backup
// set held for it (config, .env, service files, the SecretRef file).
func VerifyInfo(s *model.Snapshot, target Target) (Info, error) {
	sec, err := Resolve(s, target)
	if err != nil {
		return Info{}, err
	}
	info := Info{Secret: sec, Port: audit.GatewayPort(s), HooksPath: audit.Config(s).Lookup("hooks.path").Text()}
	if sec.Known {
		info.New = sec.Current
	}
	sets, err := remediate.ListBackups(s.Target.StateDir)
	if err != nil {
		return info, err
	}
	cfg := map[string]bool{}
	if s.Doc != nil {
		for _, f := range s.Doc.Files {
			cfg[f.Path], cfg[realPath(s.Sys(), f.Path)] = true, true
		}
	}
	for _, set := range sets {
		if !strings.HasPrefix(set.Command, "rotate "+string(target)) {
			continue
		}
		seen := map[string]bool{info.New: true}
		add := func(vals ...string) {
			for _, v := range vals {
				if strings.TrimSpace(v) != "" && !seen[v] {
					seen[v] = true
					info.Old = append(info.Old, v)
				}
			}
		}
		for _, e := range set.Entries {
			if e.Backup == "" {
				continue
			}
			data, err := fsys.Local{}.ReadFile(filepath.Join(set.Dir, filepath.FromSlash(e.Backup)), fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxConfig})
			if err != nil {
				continue
			}
			base := filepath.Base(e.Path)
			switch {
			case cfg[e.Path]:
				if root, err := model.ParseValue(e.Path, data); err == nil {
					if n := root.Lookup(sec.Path); n.IsLiteralSecret() {
						add(n.Text())
					}
					for _, name := range sec.EnvNames {
						add(root.Lookup("env."+name).Text(), root.Lookup("env.vars."+name).Text())
					}
				}
			case e.Path == sec.File && sec.File != "":
				if sec.FileMode == "singleValue" {
					add(strings.TrimRight(string(data), "\r\n"))
				} else if root, err := model.ParseValue(e.Path, data); err == nil {
					if n := jsonPointer(root, sec.RefID); n != nil && n.Kind == model.KindString {
						add(n.Str)
					}
				}
			case strings.HasSuffix(base, ".service"):
				_, vals := replaceSystemdEnv(data, sec.EnvNames, "")
				add(vals...)
			case strings.HasSuffix(base, ".plist"):
				_, vals := replacePlistEnv(data, sec.EnvNames, "")
				add(vals...)
			case base == ".env" || strings.HasSuffix(base, ".env"):
				add(dotenvValues(data, sec.EnvNames)...)
			}
		}
		break // the latest rotation of this target only
	}
	return info, nil
}
