package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
)

// SuppressionsPath is where OpenClaw (2026.9+) keeps audit suppressions.
const SuppressionsPath = "security.audit.suppressions"

// SuppressionsFile is where hardshell keeps the suppressions of a config
// whose OpenClaw has no SuppressionsPath: OpenClaw 2026.2's schema rejects
// the whole security key (testdata/compat/keys.md), so writing it there
// would stop the gateway from loading its config. The file, relative to
// the state dir, holds {"suppressions": [entries]} in OpenClaw's entry
// shape, so the entries can be moved into the config after an upgrade;
// only hardshell reads it.
const SuppressionsFile = ".hardshell/suppressions.json"

// Suppression is one security.audit.suppressions entry: checkId matches
// exactly; titleIncludes / detailIncludes are case-insensitive substrings
// that must also match when given.
type Suppression struct {
	CheckID        string `json:"checkId"`
	TitleIncludes  string `json:"titleIncludes,omitempty"`
	DetailIncludes string `json:"detailIncludes,omitempty"`
	Reason         string `json:"reason,omitempty"`
	Index          int    `json:"-"` // position in the config array (or the file's)
	InFile         bool   `json:"-"` // read from SuppressionsFile, not the config
}

// unsuppressible ids: hiding them would hide that the audit itself is
// incomplete or that suppressions are in force.
var unsuppressible = map[string]bool{
	IDSuppressionsActive: true,
	IDConfigUnreadable:   true,
	IDCheckFailed:        true,
}

// Suppressible says why a finding with this id cannot be suppressed (nil
// when it can).
func Suppressible(checkID string) error {
	if unsuppressible[checkID] {
		return fmt.Errorf("%s cannot be suppressed: hiding it would hide that the audit is incomplete or that suppressions are in force", checkID)
	}
	return nil
}

// SuppressEdit is the change that suppresses f: an entry with its checkId,
// titleIncludes when other findings of the report share the id, and the
// reason (required: OpenClaw's schema wants a non-empty reason when one is
// given, and a suppression without a why is not reviewable). On a
// 2026.7+-era config the entry is appended to security.audit.suppressions;
// on any other config (2026.2's schema rejects the key, and a config
// hardshell cannot place in an era may be for 2026.2) it is added to
// SuppressionsFile, which hardshell's audit reads beside the config. It
// refuses an id that cannot be suppressed.
func SuppressEdit(s *model.Snapshot, f model.Finding, report []model.Finding, reason string) (model.ChangeSet, error) {
	if err := Suppressible(f.CheckID); err != nil {
		return model.ChangeSet{}, err
	}
	if s.DocErr != nil {
		return model.ChangeSet{}, fmt.Errorf("the config could not be read, so no suppression is written (fix the config first): %v", s.DocErr)
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return model.ChangeSet{}, fmt.Errorf("a suppression of %s needs a reason", f.CheckID)
	}
	entry := Suppression{CheckID: f.CheckID, Reason: reason}
	shared := 0
	for _, g := range report {
		if g.CheckID == f.CheckID {
			shared++
		}
	}
	if shared > 1 && f.Title != "" {
		entry.TitleIncludes = f.Title
	}
	why := "suppress " + f.CheckID + ": " + reason
	if s.Era.Era == model.EraModern {
		v := model.Obj{{Key: "checkId", Value: entry.CheckID}}
		if entry.TitleIncludes != "" {
			v = append(v, model.Field{Key: "titleIncludes", Value: entry.TitleIncludes})
		}
		v = append(v, model.Field{Key: "reason", Value: entry.Reason})
		return model.ChangeSet{Edits: []model.Edit{{Op: model.OpAppend, Path: SuppressionsPath, Value: v, CheckID: "", Reason: why}}}, nil
	}
	file, err := fileSuppressions(s)
	if err != nil {
		return model.ChangeSet{}, err
	}
	data, err := json.MarshalIndent(struct {
		Suppressions []Suppression `json:"suppressions"`
	}{append(file, entry)}, "", "  ")
	if err != nil {
		return model.ChangeSet{}, err
	}
	return model.ChangeSet{Writes: []model.FileWrite{{Path: suppressionsFilePath(s), Data: append(data, '\n'), Mode: 0o600, Reason: why + " (kept by hardshell: this OpenClaw has no " + SuppressionsPath + ")"}}}, nil
}

func suppressionsFilePath(s *model.Snapshot) string {
	return filepath.Join(s.Target.StateDir, filepath.FromSlash(SuppressionsFile))
}

// fileSuppressions reads SuppressionsFile through the snapshot (absent =
// none). A file that does not parse is an *model.InputError.
func fileSuppressions(s *model.Snapshot) ([]Suppression, error) {
	if s == nil || s.Target.StateDir == "" {
		return nil, nil
	}
	p := suppressionsFilePath(s)
	data, err := s.ReadFile(p, fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxStore})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var v struct {
		Suppressions []Suppression `json:"suppressions"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, jsonInputError(p, data, err)
	}
	var out []Suppression
	for i, e := range v.Suppressions {
		if e.CheckID = strings.TrimSpace(e.CheckID); e.CheckID == "" {
			continue
		}
		e.Index, e.InFile = i, true
		out = append(out, e)
	}
	return out, nil
}

// SuppressionsOf is every suppression in force on s: the config's
// security.audit.suppressions, then SuppressionsFile's entries.
func SuppressionsOf(s *model.Snapshot) ([]Suppression, error) {
	out := Suppressions(Config(s))
	file, err := fileSuppressions(s)
	return append(out, file...), err
}

// Suppressions reads security.audit.suppressions from the config root.
// Entries without a checkId are ignored, as OpenClaw does.
func Suppressions(root *model.Node) []Suppression {
	arr := root.Lookup(SuppressionsPath)
	if arr == nil || arr.Kind != model.KindArray {
		return nil
	}
	var out []Suppression
	for i, e := range arr.Elems {
		id := strings.TrimSpace(e.Get("checkId").Text())
		if id == "" {
			continue
		}
		out = append(out, Suppression{
			CheckID:        id,
			TitleIncludes:  e.Get("titleIncludes").Text(),
			DetailIncludes: e.Get("detailIncludes").Text(),
			Reason:         e.Get("reason").Text(),
			Index:          i,
		})
	}
	return out
}

// Matches reports whether the suppression applies to f.
func (s Suppression) Matches(f model.Finding) bool {
	if unsuppressible[f.CheckID] || s.CheckID != f.CheckID {
		return false
	}
	if s.TitleIncludes != "" && !strings.Contains(strings.ToLower(f.Title), strings.ToLower(s.TitleIncludes)) {
		return false
	}
	if s.DetailIncludes != "" && !strings.Contains(strings.ToLower(f.Detail), strings.ToLower(s.DetailIncludes)) {
		return false
	}
	return true
}

// applySuppressions splits findings into kept and suppressed. When any
// suppression is configured it returns the hit for
// security.audit.suppressions.active.
func applySuppressions(s *model.Snapshot, fs []model.Finding) (kept, suppressed []model.Finding, active *Hit, err error) {
	root := Config(s)
	sups := Suppressions(root)
	configured := root.Lookup(SuppressionsPath).Len()
	file, err := fileSuppressions(s)
	if err != nil {
		return fs, nil, nil, err
	}
	sups = append(sups, file...)
	if len(sups) == 0 && configured == 0 {
		return fs, nil, nil, nil
	}
	used := make([]int, len(sups))
	for _, f := range fs {
		hit := -1
		for i, s := range sups {
			if s.Matches(f) {
				hit = i
				break
			}
		}
		if hit < 0 {
			kept = append(kept, f)
			continue
		}
		used[hit]++
		suppressed = append(suppressed, f)
	}
	// OpenClaw 2026.9 reports the notice whenever suppressions are
	// configured, even when none matched.
	var b strings.Builder
	var paths []string
	if configured > 0 || len(file) == 0 {
		fmt.Fprintf(&b, "%s has %d configured suppression(s); %d finding(s) moved to suppressedFindings.", SuppressionsPath, configured, len(suppressed))
		paths = append(paths, SuppressionsPath)
	}
	if len(file) > 0 {
		if len(paths) > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s (kept by hardshell: this OpenClaw has no %s) has %d suppression(s); %d finding(s) moved to suppressedFindings.", SuppressionsFile, SuppressionsPath, len(file), len(suppressed))
		paths = append(paths, SuppressionsFile)
	}
	if len(suppressed) > 0 {
		fmt.Fprintf(&b, "\n%d finding(s) suppressed by %s (listed under suppressedFindings):", len(suppressed), SuppressionsPath)
	}
	for i, s := range sups {
		if used[i] == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n- %s", s.CheckID)
		if s.TitleIncludes != "" {
			fmt.Fprintf(&b, " title~%q", s.TitleIncludes)
		}
		if s.DetailIncludes != "" {
			fmt.Fprintf(&b, " detail~%q", s.DetailIncludes)
		}
		fmt.Fprintf(&b, ": %d", used[i])
		if s.Reason != "" {
			fmt.Fprintf(&b, " (reason: %s)", s.Reason)
		}
	}
	return kept, suppressed, &Hit{
		ID:       IDSuppressionsActive,
		Severity: model.Info,
		Detail:   b.String(),
		Paths:    paths,
	}, nil
}
