// Command compatreport writes docs/compat.md: per state-dir fixture, the
// checkIds that the real OpenClaw CLIs (saved under testdata/compat/) and
// hardshell report, with severities, and every difference with an
// explanation. Run by scripts/compat.sh, which produces the hardshell side.
//
//	go run ./internal/tools/compatreport -hardshell DIR [-compat testdata/compat]
//	    [-states testdata/states] [-o docs/compat.md]
//
// Explanations come, in order, from testdata/compat/explanations.tsv
// (state<TAB>checkId<TAB>text, state "*" for any), then from rules: the
// registry says "Since hardshell", the id is deep-only, the id is a
// plugin-owned collector in 2026.9.x, the id is new in OpenClaw 2026.9, or
// an OpenClaw era rejects the fixture's config. Anything else reads
// "TODO: explain".
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/audit"
)

// Versions of the real CLI, oldest first.
var versions = []string{"2026.2.1", "2026.9.6"}

type finding struct {
	CheckID  string `json:"checkId"`
	Severity string `json:"severity"`
}

type report struct {
	OK       *bool     `json:"ok"`
	Findings []finding `json:"findings"`
	Error    *struct {
		Message string `json:"message"`
	} `json:"error"`
	Issues []struct {
		Path    string `json:"path"`
		Message string `json:"message"`
	} `json:"issues"`
}

// side is one tool's result on one state: checkId → max severity and count.
type side struct {
	ran      bool   // a report was found
	rejected string // the CLI refused the config (schema); empty when it audited
	sev      map[string]string
	count    map[string]int
}

func rank(sev string) int {
	switch sev {
	case "critical":
		return 3
	case "warn":
		return 2
	case "info":
		return 1
	}
	return 0
}

func readSide(path string) (side, error) {
	s := side{sev: map[string]string{}, count: map[string]int{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	s.ran = true
	// The CLI may print banners or warnings before the JSON: start at the
	// first line that opens an object. 2026.2.x prints no JSON at all when it
	// refuses the config (only the doctor's boxes); the reason is the
	// loader's "Problem:" list, on stdout or in the saved stderr.
	start := -1
	if strings.HasPrefix(string(data), "{") {
		start = 0
	} else if i := strings.Index(string(data), "\n{"); i >= 0 {
		start = i + 1
	}
	if start < 0 {
		p := problems(data)
		if p == "" {
			if e, err := os.ReadFile(strings.TrimSuffix(path, ".json") + ".stderr"); err == nil {
				p = problems(e)
			}
		}
		s.rejected = "config invalid (no JSON report)" + p
		return s, nil
	}
	data = data[start:]
	var r report
	if err := json.Unmarshal(data, &r); err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	if r.OK != nil && !*r.OK {
		var parts []string
		for _, is := range r.Issues {
			parts = append(parts, fmt.Sprintf("`%s`: %s", is.Path, is.Message))
		}
		msg := "config rejected"
		if r.Error != nil {
			msg = r.Error.Message
		}
		if len(parts) > 0 {
			msg += " — " + strings.Join(parts, "; ")
		}
		s.rejected = msg
		return s, nil
	}
	for _, f := range r.Findings {
		if rank(f.Severity) > rank(s.sev[f.CheckID]) {
			s.sev[f.CheckID] = f.Severity
		}
		s.count[f.CheckID]++
	}
	return s, nil
}

// problems returns " — a; b" from the loader's "Problem:" block in out.
func problems(data []byte) string {
	var out []string
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "Problem:"):
			in = true
		case in && strings.HasPrefix(line, "  - "):
			out = append(out, strings.TrimPrefix(line, "  - "))
		case in:
			in = false
		}
	}
	if len(out) == 0 {
		return ""
	}
	return " — " + strings.Join(out, "; ")
}

func (s side) cell(id string) string {
	switch {
	case !s.ran:
		return "n/a"
	case s.rejected != "":
		return "(rejected)"
	case s.sev[id] == "":
		return "—"
	case s.count[id] > 1:
		return fmt.Sprintf("%s ×%d", s.sev[id], s.count[id])
	}
	return s.sev[id]
}

func (s side) audited() bool { return s.ran && s.rejected == "" }

// deepOnly lists ids that OpenClaw computes only with --deep.
func deepOnly(id string) bool {
	return strings.HasPrefix(id, "gateway.probe_") || strings.HasPrefix(id, "plugins.code_safety") ||
		strings.HasPrefix(id, "skills.code_safety") || id == "skills.markdown_sensitive_network"
}

// pluginOwned lists ids that moved into plugin-owned collectors in 2026.9.x
// (they run only with --deep there).
func pluginOwned(id string) bool { return strings.HasPrefix(id, "browser.") }

type explainer struct {
	manual map[[2]string]string
}

func loadExplanations(path string) (explainer, error) {
	e := explainer{manual: map[[2]string]string{}}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return e, nil
	}
	if err != nil {
		return e, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if strings.TrimSpace(t) == "" || strings.HasPrefix(t, "#") {
			continue
		}
		parts := strings.SplitN(t, "\t", 3)
		if len(parts) != 3 {
			return e, fmt.Errorf("%s:%d: want state<TAB>checkId<TAB>explanation", path, line)
		}
		e.manual[[2]string{parts[0], parts[1]}] = parts[2]
	}
	return e, sc.Err()
}

type diff struct {
	id, kind, openclaw, hardshell, why string
}

func (e explainer) explain(state string, d diff, oc map[string]side, hs side) string {
	if t, ok := e.manual[[2]string{state, d.id}]; ok {
		return t
	}
	if t, ok := e.manual[[2]string{"*", d.id}]; ok {
		return t
	}
	c, declared := audit.Lookup(d.id)
	switch {
	case strings.HasPrefix(d.kind, "hardshell-only") && declared && c.Since == "hardshell":
		return "hardshell-only concept (Since hardshell)"
	case deepOnly(d.id):
		return "needs --deep"
	case pluginOwned(d.id) && oc["2026.2.1"].sev[d.id] != "" && oc["2026.9.6"].audited() && oc["2026.9.6"].sev[d.id] == "":
		return "plugin-owned check in 2026.9.x (runs with --deep there)"
	case d.kind == "2026.9-only" && declared && c.Since == "OpenClaw 2026.9":
		return "new in OpenClaw 2026.9"
	case strings.HasPrefix(d.kind, "MISSING") && !declared:
		return "not declared in hardshell's registry: no check yet"
	}
	for _, v := range versions {
		if oc[v].rejected != "" && strings.HasPrefix(d.kind, "hardshell-only") && !anyAudited(oc) {
			return "every OpenClaw era rejected this config; hardshell audits it anyway"
		}
	}
	return "TODO: explain"
}

func anyAudited(oc map[string]side) bool {
	for _, v := range versions {
		if oc[v].audited() {
			return true
		}
	}
	return false
}

func main() {
	compat := flag.String("compat", "testdata/compat", "saved OpenClaw outputs (openclaw-<version>/<state>.json)")
	states := flag.String("states", "testdata/states", "state-dir fixtures")
	hsDir := flag.String("hardshell", "", "hardshell reports (<state>.json)")
	out := flag.String("o", "docs/compat.md", "output markdown")
	flag.Parse()
	if *hsDir == "" {
		fmt.Fprintln(os.Stderr, "usage: compatreport -hardshell DIR [-compat DIR] [-states DIR] [-o FILE]")
		os.Exit(2)
	}
	if err := run(*compat, *states, *hsDir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "compatreport:", err)
		os.Exit(1)
	}
}

func run(compat, states, hsDir, out string) error {
	ex, err := loadExplanations(filepath.Join(compat, "explanations.tsv"))
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(states)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)

	var b strings.Builder
	var summary strings.Builder
	totalMissing, totalLower := 0, 0
	for _, name := range names {
		oc := map[string]side{}
		for _, v := range versions {
			s, err := readSide(filepath.Join(compat, "openclaw-"+v, name+".json"))
			if err != nil {
				return err
			}
			oc[v] = s
		}
		hs, err := readSide(filepath.Join(hsDir, name+".json"))
		if err != nil {
			return err
		}
		ids := map[string]bool{}
		for _, s := range append([]side{hs}, oc[versions[0]], oc[versions[1]]) {
			for id := range s.sev {
				ids[id] = true
			}
		}
		sorted := make([]string, 0, len(ids))
		for id := range ids {
			sorted = append(sorted, id)
		}
		sort.Strings(sorted)

		var diffs []diff
		for _, id := range sorted {
			ocMax, ocWho := "", []string{}
			for _, v := range versions {
				if sev := oc[v].sev[id]; sev != "" {
					ocWho = append(ocWho, v)
					if rank(sev) > rank(ocMax) {
						ocMax = sev
					}
				}
			}
			ocCells := fmt.Sprintf("%s / %s", oc[versions[0]].cell(id), oc[versions[1]].cell(id))
			h := hs.sev[id]
			switch {
			case ocMax != "" && h == "":
				diffs = append(diffs, diff{id: id, kind: "**MISSING in hardshell**", openclaw: ocCells, hardshell: "—"})
			case ocMax != "" && rank(h) < rank(ocMax):
				diffs = append(diffs, diff{id: id, kind: "**LOWER**", openclaw: ocCells, hardshell: h})
			case ocMax != "" && rank(h) > rank(ocMax):
				diffs = append(diffs, diff{id: id, kind: "higher", openclaw: ocCells, hardshell: h})
			case ocMax == "" && h != "":
				kind := "hardshell-only"
				if !anyAudited(oc) {
					kind = "hardshell-only (OpenClaw rejected the config)"
				}
				diffs = append(diffs, diff{id: id, kind: kind, openclaw: ocCells, hardshell: h})
			}
			// Eras that both audited but disagree.
			if oc[versions[0]].audited() && oc[versions[1]].audited() && len(ocWho) == 1 && h != "" {
				diffs = append(diffs, diff{id: id, kind: ocWho[0][:6] + "-only", openclaw: ocCells, hardshell: h})
			}
		}
		missing, lower := 0, 0
		for i := range diffs {
			diffs[i].why = ex.explain(name, diffs[i], oc, hs)
			if strings.Contains(diffs[i].kind, "MISSING") {
				missing++
			}
			if strings.Contains(diffs[i].kind, "LOWER") {
				lower++
			}
		}
		totalMissing += missing
		totalLower += lower
		fmt.Fprintf(&summary, "| [%s](#%s) | %s | %s | %s | %d | %d |\n", name, name,
			countCell(oc[versions[0]]), countCell(oc[versions[1]]), countCell(hs), missing, lower)

		fmt.Fprintf(&b, "\n## %s\n\n", name)
		for _, v := range versions {
			if oc[v].rejected != "" {
				fmt.Fprintf(&b, "- OpenClaw %s refused the config: %s\n", v, oc[v].rejected)
			}
			if !oc[v].ran {
				fmt.Fprintf(&b, "- OpenClaw %s: no saved output\n", v)
			}
		}
		fmt.Fprintf(&b, "\n| checkId | OpenClaw %s | OpenClaw %s | hardshell |\n|---|---|---|---|\n", versions[0], versions[1])
		for _, id := range sorted {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", id, oc[versions[0]].cell(id), oc[versions[1]].cell(id), hs.cell(id))
		}
		if len(diffs) == 0 {
			b.WriteString("\nNo differences.\n")
			continue
		}
		fmt.Fprintf(&b, "\nDifferences:\n\n| checkId | difference | OpenClaw %s / %s | hardshell | explanation |\n|---|---|---|---|---|\n", versions[0], versions[1])
		for _, d := range diffs {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", d.id, d.kind, d.openclaw, orDash(d.hardshell), d.why)
		}
	}

	var doc strings.Builder
	doc.WriteString("# Compatibility with the real OpenClaw audit\n\n")
	doc.WriteString("Generated by `scripts/compat.sh` (do not edit by hand; add explanations to\n" +
		"`testdata/compat/explanations.tsv` and rerun). Each state dir under `testdata/states/` is\n" +
		"materialized with its modes and symlinks and audited by `hardshell audit --json` and by the real\n" +
		"`openclaw security audit --json` of two eras (outputs saved in `testdata/compat/`, see its README).\n" +
		"Cells: the highest severity reported for the checkId (×N when reported N times); `—` not reported;\n" +
		"`(rejected)` that OpenClaw release refused the config as invalid and audited nothing.\n\n")
	fmt.Fprintf(&doc, "**MISSING in hardshell: %d. LOWER severity than OpenClaw: %d.**\n\n", totalMissing, totalLower)
	fmt.Fprintf(&doc, "| state | OpenClaw %s | OpenClaw %s | hardshell | MISSING | LOWER |\n|---|---|---|---|---|---|\n", versions[0], versions[1])
	doc.WriteString(summary.String())
	doc.WriteString(b.String())
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(out, []byte(doc.String()), 0o644)
}

func countCell(s side) string {
	switch {
	case !s.ran:
		return "n/a"
	case s.rejected != "":
		return "rejected"
	}
	n := 0
	for _, c := range s.count {
		n += c
	}
	return fmt.Sprintf("%d findings", n)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
