package model

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Severity is OpenClaw's three-level scale. The zero value is Info.
type Severity int

const (
	Info Severity = iota
	Warn
	Critical
)

func (s Severity) String() string {
	switch s {
	case Critical:
		return "critical"
	case Warn:
		return "warn"
	default:
		return "info"
	}
}

// ParseSeverity reads "critical", "warn" or "info" (case-insensitive).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "critical":
		return Critical, nil
	case "warn", "warning":
		return Warn, nil
	case "info":
		return Info, nil
	}
	return Info, fmt.Errorf("unknown severity %q (want critical, warn or info)", s)
}

func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

func (s *Severity) UnmarshalJSON(b []byte) error {
	var str string
	if err := json.Unmarshal(b, &str); err != nil {
		return err
	}
	v, err := ParseSeverity(str)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Tier is the security guide's priority checklist position (1 = most urgent).
type Tier int

const (
	TierInbound     Tier = 1 // "open" inbound with tools enabled
	TierExposure    Tier = 2 // public network exposure
	TierBrowser     Tier = 3 // remote browser control
	TierPermissions Tier = 4 // state/config/credentials permissions and secrets on disk
	TierPlugins     Tier = 5 // plugins / extensions
	TierModels      Tier = 6 // model choice
)

// Tiers lists the checklist in order.
var Tiers = []Tier{TierInbound, TierExposure, TierBrowser, TierPermissions, TierPlugins, TierModels}

// Name is the checklist heading for the tier, in English.
func (t Tier) Name() string {
	switch t {
	case TierInbound:
		return "Open inbound with tools"
	case TierExposure:
		return "Public network exposure"
	case TierBrowser:
		return "Remote browser control"
	case TierPermissions:
		return "Permissions and secrets on disk"
	case TierPlugins:
		return "Plugins and extensions"
	case TierModels:
		return "Model choice"
	}
	return fmt.Sprintf("tier %d", int(t))
}

// FixKind says how a finding is remediated.
type FixKind string

const (
	FixSafe   FixKind = "safe"   // no question needed; cannot lock the owner out
	FixGuided FixKind = "guided" // needs answers from the operator
	FixManual FixKind = "manual" // advice only; hardshell does not write
)

// Finding is one audit result. The first five JSON fields are OpenClaw's own
// report shape; the rest are hardshell's additions (see DESIGN.md).
type Finding struct {
	CheckID     string   `json:"checkId"`
	Severity    Severity `json:"severity"`
	Title       string   `json:"title"`
	Detail      string   `json:"detail"`
	Remediation string   `json:"remediation,omitempty"`
	Priority    Tier     `json:"priority"`
	Paths       []string `json:"paths,omitempty"` // config paths involved (dotted), or filesystem paths
	File        string   `json:"file,omitempty"`  // file that defines the first path, when known
	Line        int      `json:"line,omitempty"`
	// Fix is the fix kind as it applies to this config (after the era
	// rules): safe is applied by `hardshell fix --yes`, guided has a fix
	// with questions, manual is advice. The audit runner sets it once;
	// every front end reads it from here.
	Fix FixKind `json:"fix"`
	// FixTitle is the title of the fix offered for this finding ("" = none).
	FixTitle string `json:"-"`
	// Why and Breaks are the check's declaration: why it matters and what
	// the fix may break.
	Why    string `json:"-"`
	Breaks string `json:"-"`
}

// Location renders file:line, or "" when unknown.
func (f Finding) Location() string {
	if f.File == "" {
		return ""
	}
	if f.Line > 0 {
		return fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	return f.File
}
