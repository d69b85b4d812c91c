package contain

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/internal/cmdline"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// NewRedactor returns the run's redactor (the snapshot's: every secret
// model.Load saw) with the secrets of the state files the report's
// neighbourhood can echo registered too — auth profiles, credentials,
// SecretRef files — and extra (the newly generated values). Every byte of
// the report passes through it.
func NewRedactor(s *model.Snapshot, extra ...string) *model.Redactor {
	r := s.Redact()
	if r == nil {
		r = model.NewRedactor()
	}
	r.AddStateFiles(s)
	if s != nil {
		remediate.LearnBackups(r, s.Target.StateDir) // old tokens hardshell replaced
	}
	r.AddKnown(extra...)
	return r
}

// Exposure is how the gateway was reachable at the time of the incident
// (from the snapshot before containment).
type Exposure struct {
	Bind           string `json:"bind"`
	CustomBindHost string `json:"customBindHost,omitempty"`
	BeyondLoopback bool   `json:"beyondLoopback"`
	Tailscale      string `json:"tailscale"` // off, serve, funnel
	MDNS           string `json:"mdns"`
	ControlUI      bool   `json:"controlUi"`
	AuthMode       string `json:"authMode"`
}

// ExposureOf reads the exposure of s.
func ExposureOf(s *model.Snapshot) Exposure {
	e := Exposure{Bind: "loopback", Tailscale: "off", MDNS: "minimal", ControlUI: true, AuthMode: "token"}
	if s == nil || s.Doc == nil {
		return e
	}
	d := s.Doc
	if b := strings.ToLower(strings.TrimSpace(d.Get("gateway.bind").Text())); b != "" {
		e.Bind = b
	}
	e.CustomBindHost = d.Get("gateway.customBindHost").Text()
	switch e.Bind {
	case "loopback", "auto":
	case "custom":
		h := strings.Trim(e.CustomBindHost, "[] ")
		e.BeyondLoopback = !(h == "localhost" || strings.HasPrefix(h, "127.") || h == "::1")
	default:
		e.BeyondLoopback = !(e.Bind == "localhost" || strings.HasPrefix(e.Bind, "127.") || e.Bind == "::1")
	}
	if m := strings.ToLower(d.Get("gateway.tailscale.mode").Text()); m != "" {
		e.Tailscale = m
	}
	if m := d.Get("discovery.mdns.mode").Text(); m != "" {
		e.MDNS = m
	}
	e.ControlUI = !d.Get("gateway.controlUi.enabled").IsFalse()
	if m := d.Get("gateway.auth.mode").Text(); m != "" {
		e.AuthMode = m
	} else if d.Get("gateway.auth.password").IsSet() {
		e.AuthMode = "password"
	} else if !d.Get("gateway.auth.token").IsSet() {
		e.AuthMode = "none (no shared secret in the config)"
	}
	return e
}

// Host is the gateway host.
type Host struct {
	OS       string `json:"os"`
	Arch     string `json:"arch"`
	Hostname string `json:"hostname,omitempty"`
	Kernel   string `json:"kernel,omitempty"`
}

// HostInfo describes this host (runtime, hostname, kernel release).
func HostInfo() Host {
	h := Host{OS: runtime.GOOS, Arch: runtime.GOARCH}
	h.Hostname, _ = os.Hostname()
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		h.Kernel = strings.TrimSpace(string(b))
	}
	return h
}

// AuditCounts summarises one audit.
type AuditCounts struct {
	Critical int      `json:"critical"`
	Warn     int      `json:"warn"`
	Info     int      `json:"info"`
	Urgent   []string `json:"urgent"` // tier-1/2 warn and critical check ids
}

// CountAudit summarises a report.
func CountAudit(r *audit.Report) AuditCounts {
	c := AuditCounts{Urgent: []string{}}
	if r == nil {
		return c
	}
	c.Critical, c.Warn, c.Info = r.Summary.Critical, r.Summary.Warn, r.Summary.Info
	for _, f := range r.Findings {
		if f.Priority <= model.TierExposure && f.Severity > model.Info {
			c.Urgent = append(c.Urgent, f.CheckID)
		}
	}
	return c
}

// Change is one containment change, for the report.
type Change struct {
	What   string `json:"what"`
	Reason string `json:"reason"`
}

// Report is the incident report (the guide's "collect for a report").
type Report struct {
	ID             string       `json:"id"`
	GeneratedAt    time.Time    `json:"generatedAt"`
	Window         [2]time.Time `json:"window"`
	Host           Host         `json:"host"`
	OpenClaw       string       `json:"openclawVersion"`
	StateDir       string       `json:"stateDir"`
	ConfigPath     string       `json:"configPath"`
	Exposure       Exposure     `json:"exposureAtIncident"`
	Evidence       Evidence     `json:"evidence"`
	Changes        []Change     `json:"containment"`
	Rotated        []string     `json:"rotated"`
	ManualRotation []Credential `json:"rotateByHand"`
	NextSteps      []string     `json:"nextSteps"`
	BackupID       string       `json:"backupId,omitempty"`
	DryRun         bool         `json:"dryRun,omitempty"`
	AuditBefore    AuditCounts  `json:"auditBefore"`
	AuditAfter     AuditCounts  `json:"auditAfter"`
	// command builds the hardshell commands the report names
	// (ScanOptions.Command); nil = a bare "hardshell ARGS".
	command func(args ...string) string
}

// hardshell is a hardshell command line the report names, acting on the
// run's target.
func (r *Report) hardshell(args ...string) string {
	if r.command != nil {
		return r.command(args...)
	}
	return cmdline.Target{}.Command(args...)
}

// ChangesOf lists a change set's edits and writes for the report (paths
// and reasons only: values never appear).
func ChangesOf(cs model.ChangeSet) []Change {
	out := []Change{}
	for _, e := range cs.Edits {
		op := "set"
		if e.Op == model.OpUnset {
			op = "remove"
		}
		out = append(out, Change{What: op + " " + e.Path, Reason: e.Reason})
	}
	for _, w := range cs.Writes {
		out = append(out, Change{What: "write " + w.Path, Reason: w.Reason})
	}
	for _, c := range cs.Chmods {
		out = append(out, Change{What: fmt.Sprintf("chmod %04o %s", c.Mode.Perm(), c.Path), Reason: c.Reason})
	}
	return out
}

// ReportID is the UTC id of a report made at t.
func ReportID(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// DefaultDir is <state>/.hardshell/incidents/<id>.
func DefaultDir(stateDir, id string) string {
	return filepath.Join(stateDir, ".hardshell", "incidents", id)
}

// Markdown renders the report. Every free-text field passes through red,
// and then the whole text.
func (r *Report) Markdown(red *model.Redactor) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	m := red.String
	ts := func(t time.Time) string {
		if t.IsZero() {
			return "(no time)"
		}
		return t.UTC().Format(time.RFC3339)
	}
	w("# Incident report %s\n\n", r.ID)
	if r.DryRun {
		w("> Dry run: nothing was changed.\n\n")
	}
	w("- Generated: %s\n", ts(r.GeneratedAt))
	w("- Window reviewed: %s → %s\n", ts(r.Window[0]), ts(r.Window[1]))
	w("- Gateway host: %s/%s", r.Host.OS, r.Host.Arch)
	if r.Host.Kernel != "" {
		w(", kernel %s", r.Host.Kernel)
	}
	if r.Host.Hostname != "" {
		w(", hostname %s", m(r.Host.Hostname))
	}
	w("\n- OpenClaw version: %s\n", orUnknown(r.OpenClaw))
	w("- State dir: %s\n- Config: %s\n", r.StateDir, r.ConfigPath)
	if r.BackupID != "" {
		w("- Backup of the changed files: %s (undo: %s)\n", r.BackupID, r.hardshell("restore", r.BackupID))
	}

	e := r.Exposure
	w("\n## Exposure at the time of the incident\n\n")
	w("- Reachable beyond loopback: **%s** (gateway.bind=%q", yesNo(e.BeyondLoopback || e.Tailscale == "funnel" || e.Tailscale == "serve"), e.Bind)
	if e.CustomBindHost != "" {
		w(", customBindHost=%q", e.CustomBindHost)
	}
	w(")\n- Tailscale: %s\n- mDNS: %s\n- Control UI: %s\n- Gateway auth: %s\n", e.Tailscale, e.MDNS, onOff(e.ControlUI), e.AuthMode)

	ev := r.Evidence
	w("\n## What was sent to the agent\n\n")
	if len(ev.Inbound) == 0 {
		w("Nothing in the window in sessions with risky tool calls.\n")
	}
	for _, in := range ev.Inbound {
		w("- %s `%s` (agent %s): %s\n", ts(in.Time), m(in.Source), in.Agent, quote(m(in.Text)))
	}
	w("\n## What the agent did\n\n")
	if len(ev.ToolCalls) == 0 && len(ev.Sends) == 0 {
		w("No exec, process, write, edit, apply_patch, browser or web_fetch call and no message send in the window.\n")
	}
	for _, c := range ev.ToolCalls {
		extra := ""
		if c.Elevated {
			extra = " **elevated**"
		}
		if c.Error {
			extra += " (failed)"
		}
		w("- %s **%s**%s `%s`: %s\n", ts(c.Time), c.Tool, extra, m(c.Source), quote(m(c.Args)))
		if c.Result != "" {
			w("  - result: %s\n", quote(m(c.Result)))
		}
	}
	for _, s := range ev.Sends {
		flag := ""
		if s.NewRecipient {
			flag = " **new recipient (in no allowlist)**"
		}
		w("- %s message to %s %s%s `%s`: %s\n", ts(s.Time), orUnknown(s.Channel), m(s.To), flag, m(s.Source), quote(m(s.Text)))
	}
	if db := ev.StateDB; db != nil {
		w("\n## The gateway's own records (state DB)\n\n")
		if len(db.Grants) > 0 {
			w("Approvals made in the window (review; take back what you did not approve):\n\n")
			for _, g := range db.Grants {
				w("- %s %s — undo: `%s`\n", ts(g.Time), m(g.What), g.Undo)
			}
			w("\n")
		}
		w("Inbound queue (who wrote in):\n\n")
		if len(db.Ingress) == 0 {
			w("Nothing in the window.\n")
		}
		for _, in := range db.Ingress {
			text := ""
			if in.Text != "" {
				text = ": " + quote(m(in.Text))
			}
			failed := ""
			if in.Failed != "" {
				failed = " (" + in.Failed + ")"
			}
			w("- %s %s/%s sender %s, %s%s%s\n", ts(in.Time), in.Channel, in.Account, orUnknown(m(in.Sender)), in.Status, failed, text)
		}
		w("\nAudit events (tool calls, agent runs, messages; metadata only):\n\n")
		if len(db.Audit) == 0 {
			w("Nothing in the window.\n")
		}
		for _, a := range db.Audit {
			what := a.Action
			if a.Tool != "" {
				what += " " + a.Tool
			}
			if a.Channel != "" {
				what += " " + a.Channel
			}
			if a.ErrorCode != "" {
				what += " (" + a.ErrorCode + ")"
			}
			w("- %s %s: %s\n", ts(a.Time), a.Status, what)
		}
	}
	w("\n## Extensions changed in the window\n\n")
	if len(ev.Extensions) == 0 {
		w("None.\n")
	}
	for _, x := range ev.Extensions {
		w("- %s (%s) changed %s\n", x.ID, x.Path, ts(x.ModTime))
	}
	w("\n## Gateway log tail (masked)\n\n")
	if len(ev.LogFiles) == 0 {
		w("No gateway log found for the window.\n")
	} else {
		w("Read: %s\n\n```\n", strings.Join(ev.LogFiles, ", "))
		for _, l := range ev.LogTail {
			w("%s  %s\n", l.Source, strings.ReplaceAll(m(l.Text), "```", "'''"))
		}
		w("```\n")
	}
	if len(ev.Notes) > 0 || ev.Truncated {
		w("\nNotes:\n")
		for _, n := range ev.Notes {
			w("- %s\n", m(n))
		}
		if ev.Truncated {
			w("- More items than the report keeps; see the transcripts themselves.\n")
		}
	}
	w("\nTranscripts reviewed: %d\n", len(ev.Transcripts))

	w("\n## Containment\n\n")
	for _, c := range r.Changes {
		w("- %s — %s\n", m(c.What), m(c.Reason))
	}
	if len(r.Rotated) > 0 {
		w("\nRotated: %s\n", m(strings.Join(r.Rotated, "; ")))
	}
	w("\n## Rotate by hand\n\n")
	for _, c := range r.ManualRotation {
		w("- **%s**: %s — %s\n", c.What, m(c.Where), c.How)
	}
	w("\n## Audit\n\n")
	w("| | critical | warn | info | tier-1/2 (warn+) |\n|---|---|---|---|---|\n")
	w("| before | %d | %d | %d | %d |\n", r.AuditBefore.Critical, r.AuditBefore.Warn, r.AuditBefore.Info, len(r.AuditBefore.Urgent))
	w("| after | %d | %d | %d | %d |\n", r.AuditAfter.Critical, r.AuditAfter.Warn, r.AuditAfter.Info, len(r.AuditAfter.Urgent))
	if len(r.AuditAfter.Urgent) > 0 {
		w("\nStill reported (tier 1/2): %s\n", strings.Join(r.AuditAfter.Urgent, ", "))
	}
	w("\n## Next steps\n\n")
	for _, s := range r.NextSteps {
		w("- %s\n", m(s))
	}
	return b.String()
}

// JSON renders the report as JSON, masked as a whole (escaped forms
// included: the redactor reads through JSON escapes).
func (r *Report) JSON(red *model.Redactor) ([]byte, error) {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return red.Bytes(data), nil
}

// Write writes report.md and report.json (0600) into dir (created 0700)
// and returns their paths. They are written through the transactions'
// file system (remediate.WritePrivate): over --host on the gateway's
// machine, where the containment was written.
func (r *Report) Write(dir string, red *model.Redactor) (mdPath, jsonPath string, err error) {
	js, err := r.JSON(red)
	if err != nil {
		return "", "", err
	}
	mdPath, jsonPath = filepath.Join(dir, "report.md"), filepath.Join(dir, "report.json")
	if err := remediate.WritePrivate(mdPath, []byte(red.String(r.Markdown(red)))); err != nil {
		return "", "", err
	}
	if err := remediate.WritePrivate(jsonPath, append(js, '\n')); err != nil {
		return "", "", err
	}
	return mdPath, jsonPath, nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func orUnknown(s string) string {
	if strings.TrimSpace(s) == "" {
		return "unknown"
	}
	return s
}

func quote(s string) string {
	return "“" + strings.ReplaceAll(s, "`", "'") + "”"
}

// FinishInput is what Finish needs after the containment was committed (or
// not, for a dry run).
type FinishInput struct {
	Before      *model.Snapshot // the snapshot the plan was made from
	Changes     model.ChangeSet
	Options     Options
	AuditBefore *audit.Report
	AuditAfter  *audit.Report // nil = same as before (dry run)
	BackupID    string
	DryRun      bool
	Since, Now  time.Time
	Scan        ScanOptions // Redact is set by Finish
	Dir         string      // "" = DefaultDir(state, id)
	Gathered    *Gathered   // what Gather read before the commit; nil = gather in Finish
	// Host is the gateway's machine; nil = this one (HostInfo). Over
	// --host the caller describes the remote.
	Host *Host
}

// Gathered is what the report reads from the target: the secrets the
// redactor masks and the evidence of the window. Gather it before the
// commit, so nothing is read from disk once the containment is written.
type Gathered struct {
	red      *model.Redactor
	evidence Evidence
}

// Gather reads what the report of in needs (in.Before, in.Changes,
// in.Since, in.Now and in.Scan are used).
func Gather(in FinishInput) *Gathered {
	red := redactorFor(in)
	so := in.Scan
	so.Redact = red.String
	return &Gathered{red: red, evidence: Scan(in.Before, in.Since, in.Now.UTC(), so)}
}

// Finish reviews the evidence (in.Gathered, or gathered now) and writes the
// redacted report. The redactor knows the old secrets and the new ones in
// the change set.
func Finish(in FinishInput) (rep *Report, mdPath, jsonPath string, err error) {
	s := in.Before
	g := in.Gathered
	if g == nil {
		g = Gather(in)
	}
	red := g.red
	after := in.AuditAfter
	if after == nil {
		after = in.AuditBefore
	}
	now := in.Now.UTC()
	host := HostInfo()
	if in.Host != nil {
		host = *in.Host
	}
	rep = &Report{
		ID: ReportID(now), GeneratedAt: now, Window: [2]time.Time{in.Since.UTC(), now},
		Host: host, OpenClaw: s.Era.Version, StateDir: s.Target.StateDir, ConfigPath: s.Target.ConfigPath,
		Exposure: ExposureOf(s), Evidence: g.evidence, Changes: ChangesOf(in.Changes),
		Rotated: Rotated(s, in.Options), ManualRotation: Credentials(s), NextSteps: in.Changes.After,
		BackupID: in.BackupID, DryRun: in.DryRun, AuditBefore: CountAudit(in.AuditBefore), AuditAfter: CountAudit(after),
		command: in.Scan.Command,
	}
	return writeReport(in, rep, red)
}

// redactorFor knows the snapshot's secrets and the new ones of the change
// set.
func redactorFor(in FinishInput) *model.Redactor {
	s := in.Before
	var fresh []string
	for _, w := range in.Changes.Writes {
		for k, v := range model.ParseDotenv(w.Data) {
			if model.IsSecretKey(k) {
				fresh = append(fresh, v)
			}
		}
	}
	for _, e := range in.Changes.Edits {
		key := e.Path
		if i := strings.LastIndex(key, "."); i >= 0 {
			key = key[i+1:]
		}
		if v, ok := e.Value.(string); ok && model.IsSecretKey(key) {
			fresh = append(fresh, v)
		}
	}
	return NewRedactor(s, fresh...)
}

func writeReport(in FinishInput, rep *Report, red *model.Redactor) (_ *Report, mdPath, jsonPath string, err error) {
	s := in.Before
	if rep.ManualRotation == nil {
		rep.ManualRotation = []Credential{}
	}
	if rep.NextSteps == nil {
		rep.NextSteps = []string{}
	}
	dir := in.Dir
	if dir == "" {
		dir = DefaultDir(s.Target.StateDir, rep.ID)
	}
	mdPath, jsonPath, err = rep.Write(dir, red)
	if err != nil {
		return rep, "", "", fmt.Errorf("the report could not be written to %s: %w", dir, err)
	}
	return rep, mdPath, jsonPath, nil
}
