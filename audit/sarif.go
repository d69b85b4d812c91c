package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hardshell/hardshell/model"
)

// InformationURI is the project home reported in SARIF.
const InformationURI = "https://github.com/hardshell/hardshell"

// sarifRootBase is the uriBaseId of every location: the --sarif-root
// directory (CodeQL's convention, which GitHub resolves against the
// repository root).
const sarifRootBase = "%SRCROOT%"

// maxSARIFDescription is GitHub's limit for fullDescription.text.
const maxSARIFDescription = 1024

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                      `json:"tool"`
	AutomationDetails  sarifAutomation                `json:"automationDetails"`
	OriginalURIBaseIDs map[string]sarifArtifactLocURI `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult                  `json:"results"`
}

// sarifAutomation is run.automationDetails (GitHub's runAutomationDetails):
// id "category/" keeps uploads for several gateways side by side.
type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifArtifactLocURI struct {
	URI string `json:"uri"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	Version         string      `json:"version,omitempty"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	InformationURI  string      `json:"informationUri"`
	Rules           []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name,omitempty"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifHelp      `json:"help"`
	DefaultConfiguration sarifRuleConf  `json:"defaultConfiguration"`
	Properties           sarifRuleProps `json:"properties"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifRuleConf struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	SecuritySeverity string   `json:"security-severity"`
	Tags             []string `json:"tags"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	BaselineState       string             `json:"baselineState,omitempty"`
	Properties          sarifResultProps   `json:"properties"`
}

type sarifResultProps struct {
	Tags     []string `json:"tags"`
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

// SARIFOptions tune WriteSARIFWith.
type SARIFOptions struct {
	// Registry supplies the declarations (nil = the default registry).
	Registry *Registry
	// Root is the directory artifact URIs are relative to (--sarif-root;
	// "" = the state dir): the root of the repository the file is uploaded
	// for, so GitHub can show the line.
	Root string
	// Category names the run (runAutomationDetails.id = Category + "/"):
	// one per gateway when several are uploaded for one commit. "" =
	// "hardshell/" + the state dir.
	Category string
	// IsDir reports a path that is a directory (a finding about the state
	// dir or a folder), which GitHub cannot show: such results point at the
	// config file instead. nil = no path is a directory.
	IsDir func(path string) bool
	// Real resolves symbolic links in a path (GitHub matches the real
	// file); nil = paths are taken as written.
	Real func(path string) string
}

// WriteSARIF writes the report as SARIF 2.1.0 relative to the state dir;
// see WriteSARIFWith.
func WriteSARIF(w io.Writer, r *Report, reg *Registry) error {
	return WriteSARIFWith(w, r, SARIFOptions{Registry: reg})
}

// WriteSARIFWith writes the report as SARIF 2.1.0 for GitHub code
// scanning: one rule per checkId present (a dynamic check's instantiated id
// is its own rule) with help text and markdown, "security" among its tags
// and a security-severity; one result per finding, every one located (a
// finding about a directory, or with no file, points at the config's
// closest line) and fingerprinted; suppressed findings are results with an
// external suppression.
func WriteSARIFWith(w io.Writer, r *Report, o SARIFOptions) error {
	reg := o.Registry
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
		rules = append(rules, sarifRule{
			ID:                   id,
			Name:                 ruleName(id),
			ShortDescription:     sarifText{title},
			FullDescription:      sarifText{cutText(why, maxSARIFDescription)},
			Help:                 ruleHelp(c, id, title),
			DefaultConfiguration: sarifRuleConf{Level: sarifLevel(maxSev[id])},
			Properties:           sarifRuleProps{SecuritySeverity: securitySeverity(maxSev[id]), Tags: ruleTags(c, tierOf[id], fixOf[id])},
		})
	}

	root := o.Root
	if root == "" {
		root = r.Target.StateDir
	}
	real := func(p string) string { return p }
	if o.Real != nil {
		real = o.Real
	}
	root = real(root)
	occurrences := map[string]int{}
	results := make([]sarifResult, 0, len(all))
	for i, f := range all {
		msg := f.Title
		if f.Detail != "" {
			msg += "\n" + f.Detail
		}
		if f.Remediation != "" {
			msg += "\nFix: " + f.Remediation
		}
		file, line := sarifPlace(f, r.Target.ConfigPath, o.IsDir)
		art := artifactFor(real(file), root)
		res := sarifResult{
			RuleID:    f.CheckID,
			RuleIndex: index[f.CheckID],
			Level:     sarifLevel(f.Severity),
			Message:   sarifText{msg},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: art, Region: &sarifRegion{StartLine: line}}}},
			Properties: sarifResultProps{
				Tags:     []string{"security"},
				Priority: int(f.Priority), Tier: f.Priority.Name(), Fix: string(f.Fix),
				Severity: f.Severity.String(), Paths: f.Paths,
			},
		}
		key := fingerprint(f, art.URI)
		occurrences[key]++
		res.PartialFingerprints = map[string]string{
			"primaryLocationLineHash": key[:16] + ":" + strconv.Itoa(occurrences[key]),
			"hardshellFinding/v1":     key,
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

	category := o.Category
	if category == "" {
		category = "hardshell/" + strings.Trim(filepath.ToSlash(r.Target.StateDir), "/")
	}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{Name: "hardshell", Version: r.Tool.Version, SemanticVersion: semver(r.Tool.Version),
			InformationURI: InformationURI, Rules: rules}},
		AutomationDetails: sarifAutomation{ID: strings.TrimRight(category, "/") + "/"},
		Results:           results,
	}
	if root != "" && filepath.IsAbs(root) {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocURI{sarifRootBase: {URI: fileURI(root) + "/"}}
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

// sarifPlace is where a result points: the finding's file and line, or —
// for a finding about a directory, or with no file (a missing config, a
// live probe) — the config file at the closest line the finding has
// (line 1 when it has none). GitHub shows nothing for a result without a
// location.
func sarifPlace(f model.Finding, configPath string, isDir func(string) bool) (string, int) {
	file, line := f.File, f.Line
	if file == "" || (isDir != nil && isDir(file)) {
		file = configPath
		if f.File != "" {
			line = 0
		}
	}
	if file == "" {
		file = "openclaw.json"
	}
	if line < 1 {
		line = 1
	}
	return file, line
}

// fingerprint identifies a finding across runs whatever its line: the
// rule, the file and the config paths (sorted), never the detail, whose
// values (counts, masked secrets) change.
func fingerprint(f model.Finding, uri string) string {
	paths := append([]string(nil), f.Paths...)
	sort.Strings(paths)
	h := sha256.New()
	for _, p := range append([]string{f.CheckID, uri}, paths...) {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ruleTags are a rule's properties.tags: "security" first (GitHub files
// the alert under security), then tier, fix kind and area.
func ruleTags(c Check, tier model.Tier, fix model.FixKind) []string {
	tags := []string{"security", "tier-" + strconv.Itoa(int(tier)), "fix-" + string(fix)}
	if c.Area != "" {
		tags = append(tags, c.Area)
	}
	return tags
}

// ruleHelp is help.text and help.markdown from the declaration.
func ruleHelp(c Check, id, title string) sarifHelp {
	fix := nonEmpty(c.Remediation, title)
	var t, m strings.Builder
	t.WriteString(fix)
	m.WriteString("**" + mdEscape(title) + "** (`" + id + "`)\n\n")
	m.WriteString("**Fix:** " + mdEscape(fix) + "\n")
	for _, part := range []struct{ label, text string }{
		{"Why it matters", c.Why}, {"What triggers it", c.Trigger}, {"What the fix may break", c.Breaks}, {"Severity", c.Severity},
	} {
		if strings.TrimSpace(part.text) == "" {
			continue
		}
		t.WriteString("\n\n" + part.label + ": " + part.text)
		m.WriteString("\n**" + part.label + ":** " + mdEscape(part.text) + "\n")
	}
	if c.ID != "" {
		ref := InformationURI + "/blob/main/docs/checks.md"
		t.WriteString("\n\nReference: " + ref)
		m.WriteString("\nSee [docs/checks.md](" + ref + ") for every check.\n")
	}
	return sarifHelp{Text: t.String(), Markdown: m.String()}
}

// mdEscape keeps text literal in markdown (no accidental emphasis, links or
// HTML).
func mdEscape(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}

// cutText keeps s within n bytes, on a rune boundary, marking the cut.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

var semverRe = regexp.MustCompile(`^v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)$`)

// semver is the version when it is a semantic version ("" otherwise).
func semver(v string) string {
	if m := semverRe.FindStringSubmatch(v); m != nil {
		return m[1]
	}
	return ""
}

// artifactFor is the file's URI relative to root (with "../" when it lies
// outside), under the %SRCROOT% base; a relative file stays as written.
func artifactFor(file, root string) sarifArtifact {
	if root != "" && filepath.IsAbs(file) && filepath.IsAbs(root) {
		if rel, err := filepath.Rel(root, file); err == nil {
			u := url.URL{Path: filepath.ToSlash(rel)}
			return sarifArtifact{URI: u.EscapedPath(), URIBaseID: sarifRootBase}
		}
	}
	if filepath.IsAbs(file) {
		return sarifArtifact{URI: fileURI(file)}
	}
	u := url.URL{Path: filepath.ToSlash(file)}
	return sarifArtifact{URI: u.EscapedPath(), URIBaseID: sarifRootBase}
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
