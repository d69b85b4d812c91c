package fix

import (
	"fmt"
	"github.com/hardshell/hardshell/audit"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Fixes for the checks of audit/plugins.go: an explicit plugins.allow built
// from the extensions actually installed, without entries for missing plugins.

func init() {
	Register(
		Remediation{
			CheckIDs:  []string{audit.IDPluginsExtensionsNoAllowlist, audit.IDPluginsAllowPhantomEntries},
			Title:     "Allow only the installed plugins you use",
			Questions: pluginsQuestions, Plan: pluginsPlan,
		},
	)
}

func installed(s *model.Snapshot) (all []model.Extension) {
	if s.FS == nil {
		return nil
	}
	return s.FS.Extensions
}

func pluginsQuestions(s *model.Snapshot, f model.Finding) []model.Question {
	var opts []model.Option
	var def []string
	current := map[string]bool{}
	for _, e := range s.Doc.Get("plugins.allow").Strings() {
		current[e] = true
	}
	for _, e := range installed(s) {
		label := e.ID
		if e.Name != "" {
			label += " (" + e.Name
			if e.Version != "" {
				label += "@" + e.Version
			}
			label += ")"
		} else {
			label += " (package.json unreadable)"
		}
		opts = append(opts, model.Option{Value: e.ID, Label: label})
		readable := e.Name != ""
		if f.CheckID == audit.IDPluginsAllowPhantomEntries {
			readable = current[e.ID] || (len(current) == 0 && readable)
		}
		if readable {
			def = append(def, e.ID)
		}
	}
	return []model.Question{{
		ID: "allow", Kind: model.MultiSelect, Title: "Which installed plugins may load?",
		Help:    "Plugins run inside the gateway process. plugins.allow lists the ones allowed to load; entries for plugins that are not installed are dropped.",
		Options: opts, Default: strings.Join(def, ","),
		Breaks: "Unchecked plugins stop loading (their tools, channels and hooks disappear) after the restart.",
	}}
}

func pluginsPlan(s *model.Snapshot, f model.Finding, a model.Answers) (model.ChangeSet, error) {
	var cs model.ChangeSet
	ids := map[string]bool{}
	for _, e := range installed(s) {
		ids[e.ID] = true
	}
	allow := a.List("allow")
	for _, id := range allow {
		if !ids[id] {
			return cs, fmt.Errorf("allow: %q is not installed under extensions/", id)
		}
	}
	if len(allow) == 0 && f.CheckID == audit.IDPluginsExtensionsNoAllowlist {
		return cs, fmt.Errorf("allow: choose at least one plugin (to load none, set plugins.enabled false instead)")
	}
	cs.Edits = append(cs.Edits, set(f, "plugins.allow", model.List(allow), "load only installed, chosen plugins"))
	cs.After = append(cs.After, restartGateway)
	return cs, nil
}
