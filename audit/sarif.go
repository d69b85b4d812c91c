package audit

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// InformationURI is the project home reported in SARIF.
const InformationURI = "https://github.com/hardshell/hardshell"

const sarifStateBase = "STATEDIR"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                      `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLocURI `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult                  `json:"results"`
}

type sarifArtifactLocURI struct {
	URI string `json:"uri"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name,omitempty"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	DefaultConfiguration sarifRuleConf  `json:"defaultConfiguration"`
	Properties           sarifRuleProps `json:"properties"`
}

type sarifRuleConf struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	SecuritySeverity string   `json:"security-severity"`
	Tags             []string `json:"tags"`
}

type sarifResult struct {
	RuleID        string             `json:"ruleId"`
	RuleIndex     int                `json:"ruleIndex"`
	Level         string             `json:"level"`
	Message       sarifText          `json:"message"`
	Locations     []sarifLocation    `json:"locations,omitempty"`
	Suppressions  []sarifSuppression `json:"suppressions,omitempty"`
	BaselineState string             `json:"baselineState,omitempty"`
	Properties    sarifResultProps   `json:"properties"`
}

type sarifResultProps struct {
	Priority int      `json:"priority"`
	Tier     string   `json:"tier"`
	Fix      string   `json:"fix"`
	Severity string   `json:"severity"`
	Paths    []string `json:"paths,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

func sarifLevel(s model.Severity) string {
	switch s {
	case model.Critical:
		return "error"
	case model.Warn:
		return "warning"
	}
	return "note"
}

func securitySeverity(s model.Severity) string {
	switch s {
	case model.Critical:
		return "9.0"
	case model.Warn:
		return "5.0"
	}
	return "1.0"
}

// WriteSARIF writes the report as SARIF 2.1.0: one rule per checkId present
// (a dynamic check's instantiated id is its own rule), one result per
// finding; suppressed findings are results with an external suppression.
// reg supplies the declarations (nil = the default registry).
func WriteSARIF(w io.Writer, r *Report, reg *Registry) error {
	if reg == nil {
		reg = defaultRegistry
	}
	all := make([]model.Finding, 0, len(r.Findings)+len(r.SuppressedFindings))
	all = append(all, r.Findings...)
	all = append(all, r.SuppressedFindings...)

	// Rules: one per id, severity = the highest seen for it.
	maxSev := map[string]model.Severity{}
	tierOf := map[string]model.Tier{}
	fixOf := map[string]model.FixKind{}
	var ids []string
	for _, f := range all {
		if s, ok := maxSev[f.CheckID]; !ok || f.Severity > s {
			if !ok {
				ids = append(ids, f.CheckID)
			}
			maxSev[f.CheckID] = f.Severity
		}
		tierOf[f.CheckID], fixOf[f.CheckID] = f.Priority, f.Fix
	}
	sort.Strings(ids)
	index := map[string]int{}
	rules := make([]sarifRule, 0, len(ids))
	for i, id := range ids {
		index[id] = i
		c, _ := reg.Lookup(id)
		title := nonEmpty(c.Title, id)
		why := nonEmpty(c.Why, title)
		help := nonEmpty(c.Remediation, title)
		tags := []string{"security", "tier-" + strconv.Itoa(int(tierOf[id])), "fix-" + string(fixOf[id])}
		if c.Area != "" {
			tags = append(tags, c.Area)
		}
		rules = append(rules, sarifRule{
			ID:                   id,
			Name:                 ruleName(id),
			ShortDescription:     sarifText{title},
			FullDescription:      sarifText{why},
			Help:                 sarifText{help},
			DefaultConfiguration: sarifRuleConf{Level: sarifLevel(maxSev[id])},
			Properties:           sarifRuleProps{SecuritySeverity: securitySeverity(maxSev[id]), Tags: tags},
		})
	}

	stateDir := r.Target.StateDir
	results := make([]sarifResult, 0, len(all))
	for i, f := range all {
		msg := f.Title
		if f.Detail != "" {
			msg += "\n" + f.Detail
		}
		if f.Remediation != "" {
			msg += "\nFix: " + f.Remediation
		}
		res := sarifResult{
			RuleID:    f.CheckID,
			RuleIndex: index[f.CheckID],
			Level:     sarifLevel(f.Severity),
			Message:   sarifText{msg},
			Properties: sarifResultProps{
				Priority: int(f.Priority), Tier: f.Priority.Name(), Fix: string(f.Fix),
				Severity: f.Severity.String(), Paths: f.Paths,
			},
		}
		if f.File != "" {
			loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: artifactFor(f.File, stateDir)}}
			if f.Line > 0 {
				loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Line}
			}
			res.Locations = []sarifLocation{loc}
		}
		if i >= len(r.Findings) {
			res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: "suppressed by " + SuppressionsPath}}
		} else if r.baseline != nil {
			res.BaselineState = "new"
			if r.InBaseline(f) {
				res.BaselineState = "unchanged"
			}
		}
		results = append(results, res)
	}

	run := sarifRun{
		Tool:    sarifTool{Driver: sarifDriver{Name: "hardshell", Version: r.Tool.Version, InformationURI: InformationURI, Rules: rules}},
		Results: results,
	}
	if stateDir != "" && filepath.IsAbs(stateDir) {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocURI{sarifStateBase: {URI: fileURI(stateDir) + "/"}}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
}

// artifactFor is a URI relative to the state dir when the file is inside it,
// else an absolute file URI.
func artifactFor(file, stateDir string) sarifArtifact {
	if stateDir != "" && filepath.IsAbs(file) {
		if rel, err := filepath.Rel(stateDir, file); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			u := url.URL{Path: filepath.ToSlash(rel)}
			return sarifArtifact{URI: u.EscapedPath(), URIBaseID: sarifStateBase}
		}
	}
	if filepath.IsAbs(file) {
		return sarifArtifact{URI: fileURI(file)}
	}
	u := url.URL{Path: filepath.ToSlash(file)}
	return sarifArtifact{URI: u.EscapedPath()}
}

func fileURI(p string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(strings.TrimRight(p, string(filepath.Separator)))}
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String()
}

// ruleName is a PascalCase name from the id ("gateway.bind_no_auth" →
// "GatewayBindNoAuth"), as SARIF viewers show it.
func ruleName(id string) string {
	var b strings.Builder
	up := true
	for _, r := range id {
		if r == '.' || r == '_' || r == '-' || r == '<' || r == '>' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}

func nonEmpty(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}
