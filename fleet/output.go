package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/hardshell/hardshell/audit"
	"github.com/hardshell/hardshell/model"
)

// WriteJSON writes {"hosts":[{"host","summary",…}],…} with a final newline.
func WriteJSON(w io.Writer, f *Fleet) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(f)
}

// maxSharedText is how many shared checks the text view lists.
const maxSharedText = 10

// WriteText writes the fleet view: hosts × tiers worst first, the checks
// most hosts share, and the hosts without a usable report.
func WriteText(w io.Writer, f *Fleet) error {
	ok := 0
	for _, h := range f.Hosts {
		if h.report != nil {
			ok++
		}
	}
	fmt.Fprintf(w, "Fleet: %d hosts, %d reports (%s)\n\n", len(f.Hosts), ok, f.Dir)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"HOST", "CRIT", "WARN"}
	for _, t := range model.Tiers {
		head = append(head, fmt.Sprintf("T%d", int(t)))
	}
	head = append(head, "STATUS")
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, h := range f.Hosts {
		row := []string{h.Host}
		if h.report == nil {
			row = append(row, "-", "-")
			for range model.Tiers {
				row = append(row, "-")
			}
		} else {
			row = append(row, fmt.Sprint(h.Summary.Critical), fmt.Sprint(h.Summary.Warn))
			for _, t := range model.Tiers {
				cell := "."
				for _, tc := range h.Tiers {
					if tc.Tier == int(t) && tc.Critical+tc.Warn > 0 {
						cell = fmt.Sprintf("%dc/%dw", tc.Critical, tc.Warn)
					}
				}
				row = append(row, cell)
			}
		}
		row = append(row, h.Status)
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nTiers:")
	for _, t := range model.Tiers {
		fmt.Fprintf(w, "  T%d %s\n", int(t), t.Name())
	}
	if len(f.Shared) > 0 {
		fmt.Fprintln(w, "\nFindings most hosts share:")
		for i, s := range f.Shared {
			if i == maxSharedText {
				fmt.Fprintf(w, "  … and %d more (see --json)\n", len(f.Shared)-i)
				break
			}
			fmt.Fprintf(w, "  %d/%d hosts  %-8s %s — %s\n", len(s.Hosts), ok, s.Severity, s.CheckID, s.Title)
		}
	}
	var problems []*Host
	for _, h := range f.Hosts {
		if h.Status != "ok" {
			problems = append(problems, h)
		}
	}
	if len(problems) > 0 {
		fmt.Fprintln(w, "\nHosts to look at:")
		for _, h := range problems {
			fmt.Fprintf(w, "  %s: %s — %s\n", h.Host, h.Status, h.Problem)
		}
	}
	return nil
}

// AutomationID is the SARIF runAutomationDetails.id of host's run:
// "hardshell/<host>/", so code-scanning tools keep one category per host.
func AutomationID(host string) string { return "hardshell/" + host + "/" }

// WriteSARIF writes one SARIF 2.1.0 log with one run per host that has a
// report (each exactly what `hardshell audit --sarif` wrote for that host),
// each run's automationDetails.id naming the host.
func WriteSARIF(w io.Writer, f *Fleet) error {
	var log map[string]any
	runs := []any{}
	for _, h := range f.Hosts {
		if h.report == nil {
			continue
		}
		var b bytes.Buffer
		if err := audit.WriteSARIF(&b, h.report, nil); err != nil {
			return fmt.Errorf("%s: %w", h.Host, err)
		}
		var one map[string]any
		if err := json.Unmarshal(b.Bytes(), &one); err != nil {
			return fmt.Errorf("%s: %w", h.Host, err)
		}
		if log == nil {
			log = one
		}
		rs, _ := one["runs"].([]any)
		for _, r := range rs {
			run, ok := r.(map[string]any)
			if !ok {
				continue
			}
			run["automationDetails"] = map[string]any{
				"id":          AutomationID(h.Host),
				"description": map[string]any{"text": "hardshell audit of " + h.Host},
			}
			runs = append(runs, run)
		}
	}
	if log == nil {
		log = map[string]any{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0"}
	}
	log["runs"] = runs
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}
