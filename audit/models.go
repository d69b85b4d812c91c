package audit

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// Check ids declared in this file (see DESIGN.md, "A fact lives in one place").
const (
	IDModelsLegacy      = "models.legacy"
	IDModelsSmallParams = "models.small_params"
	IDModelsWeakTier    = "models.weak_tier"
)

// Tier 6: model choice. Advice only (FixManual): hardshell never swaps a
// model. Model refs are read from agents.defaults.model and
// agents.defaults.imageModel (a string or {primary, fallbacks}) and from
// each agent's model in both eras (agents.list[].model,
// agents.entries.<id>.model). Image models are excluded from
// models.small_params, as in OpenClaw.
//
// One deliberate difference from OpenClaw: a claude-* id with no version
// number at all (an alias such as "claude-opus-latest") is not called weak,
// because its tier cannot be told from the name.

// modelsRef is one configured model id and where it is set.
type modelsRef struct {
	ID    string
	Path  string
	Agent model.Agent // zero (ID "main", nil Node) for agents.defaults
	Image bool
}

func modelsAdd(out []modelsRef, n *model.Node, path string, a model.Agent, image bool) []modelsRef {
	switch n.Kind {
	case model.KindString:
		if id := strings.TrimSpace(n.Str); id != "" {
			out = append(out, modelsRef{ID: id, Path: path, Agent: a, Image: image})
		}
	case model.KindObject:
		if p := n.Get("primary"); p != nil {
			out = modelsAdd(out, p, path+".primary", a, image)
		}
		fb := n.Get("fallbacks")
		for i := 0; fb != nil && i < fb.Len(); i++ {
			out = modelsAdd(out, fb.At(i), model.Index(path+".fallbacks", i), a, image)
		}
	}
	return out
}

// modelsRefs lists every configured model ref.
func modelsRefs(s *model.Snapshot) []modelsRef {
	if s == nil || s.Doc == nil {
		return nil
	}
	root := Config(s)
	def := model.Agent{ID: "main"}
	var out []modelsRef
	if n := root.Lookup("agents.defaults.model"); n != nil {
		out = modelsAdd(out, n, "agents.defaults.model", def, false)
	}
	if n := root.Lookup("agents.defaults.imageModel"); n != nil {
		out = modelsAdd(out, n, "agents.defaults.imageModel", def, true)
	}
	for _, a := range s.Doc.Agents() {
		if a.Node == nil {
			continue
		}
		if n := a.Lookup("model"); n != nil {
			out = modelsAdd(out, n, a.Path+".model", a, false)
		}
		if n := a.Lookup("imageModel"); n != nil {
			out = modelsAdd(out, n, a.Path+".imageModel", a, true)
		}
	}
	return out
}

var modelsLegacy = []struct {
	re    *regexp.Regexp
	label string
}{
	{regexp.MustCompile(`(?i)\bgpt-3\.5\b|\bgpt-35-turbo\b`), "GPT-3.5 family"},
	{regexp.MustCompile(`(?i)\bclaude-(instant|2)\b`), "Claude 2/Instant family"},
	{regexp.MustCompile(`(?i)\bgpt-4-(0314|0613)\b`), "Legacy GPT-4 snapshots"},
}

var (
	modelsHaikuRe = regexp.MustCompile(`(?i)\bhaiku\b`)
	modelsGptRe   = regexp.MustCompile(`(?i)\bgpt-`)
	modelsGpt5Re  = regexp.MustCompile(`(?i)\bgpt-(?:[5-9]|[1-9][0-9])(?:\b|[.-])`)
	modelsClaude  = regexp.MustCompile(`(?i)\bclaude-(.*)$`)
)

// modelsClaudeVersion reads the first run of short numeric tokens after
// "claude-": claude-3-5-sonnet-20241022 → 3.5, claude-opus-4-5 → 4.5,
// claude-opus-45 → 4.5, claude-4.5 → 4.5, claude-sonnet-4-20250514 → 4.0.
func modelsClaudeVersion(id string) (major, minor int, ok bool) {
	m := modelsClaude.FindStringSubmatch(id)
	if m == nil {
		return 0, 0, false
	}
	toks := strings.FieldsFunc(strings.ToLower(m[1]), func(r rune) bool { return r == '-' || r == '.' || r == '_' || r == '/' || r == ':' || r == '@' })
	var nums []int
	for _, t := range toks {
		n, err := strconv.Atoi(t)
		if err != nil || len(t) > 2 {
			if len(nums) > 0 {
				break
			}
			continue
		}
		nums = append(nums, n)
		if len(nums) == 2 {
			break
		}
	}
	switch {
	case len(nums) == 0:
		return 0, 0, false
	case nums[0] >= 10: // "45"
		return nums[0] / 10, nums[0] % 10, true
	case len(nums) == 1:
		return nums[0], 0, true
	}
	return nums[0], nums[1], true
}

// modelsWeakReasons explains why an id is below the recommended tier.
func modelsWeakReasons(id string) []string {
	var r []string
	if modelsHaikuRe.MatchString(id) {
		r = append(r, "Haiku tier (smaller model)")
	}
	if modelsGptRe.MatchString(id) && !modelsGpt5Re.MatchString(id) {
		r = append(r, "Below GPT-5 family")
	}
	if major, minor, ok := modelsClaudeVersion(id); ok && (major < 4 || (major == 4 && minor < 5)) {
		r = append(r, "Below Claude 4.5")
	}
	return r
}

// modelsParamRe matches an <n>b parameter-count token.
var modelsParamRe = regexp.MustCompile(`[a-z]?([0-9]+(?:\.[0-9]+)?)b`)

// modelsParamB infers a parameter count in billions from an <n>b token
// (mistral-8b, llama-3.1-70b, qwen2.5:7b, gemma-3n-e4b); the largest wins.
func modelsParamB(id string) (float64, bool) {
	s := strings.ToLower(id)
	alnum := func(i int) bool {
		c := s[i]
		return ('a' <= c && c <= 'z') || ('0' <= c && c <= '9')
	}
	best, found := 0.0, false
	for _, m := range modelsParamRe.FindAllStringSubmatchIndex(s, -1) {
		if (m[0] > 0 && alnum(m[0]-1)) || (m[1] < len(s) && alnum(m[1])) {
			continue
		}
		v, err := strconv.ParseFloat(s[m[2]:m[3]], 64)
		if err != nil || v <= 0 {
			continue
		}
		if !found || v > best {
			best, found = v, true
		}
	}
	return best, found
}

const modelsSmallMaxB = 300

func modelsLegacyHits(s *model.Snapshot) []Hit {
	var lines, paths []string
	for _, r := range modelsRefs(s) {
		for _, p := range modelsLegacy {
			if p.re.MatchString(r.ID) {
				lines = append(lines, fmt.Sprintf("- %s (%s) @ %s", r.ID, p.label, r.Path))
				paths = append(paths, r.Path)
				break
			}
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return []Hit{{Severity: model.Warn,
		Detail: "Older/legacy models can be less robust against prompt injection and tool misuse.\n" + modelsCap(lines),
		Paths:  paths}}
}

func modelsCap(lines []string) string {
	if len(lines) <= 12 {
		return strings.Join(lines, "\n")
	}
	return strings.Join(lines[:12], "\n") + fmt.Sprintf("\n…%d more", len(lines)-12)
}

func modelsWeakHits(s *model.Snapshot) []Hit {
	var lines, paths []string
	for _, r := range modelsRefs(s) {
		if reasons := modelsWeakReasons(r.ID); len(reasons) > 0 {
			lines = append(lines, fmt.Sprintf("- %s (%s) @ %s", r.ID, strings.Join(reasons, "; "), r.Path))
			paths = append(paths, r.Path)
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return []Hit{{Severity: model.Warn,
		Detail: "Smaller/older models are generally more susceptible to prompt injection and tool misuse.\n" + modelsCap(lines),
		Paths:  paths}}
}

// modelsWebSearchOn: enabled explicitly, or not disabled and a key exists.
func modelsWebSearchOn(s *model.Snapshot) bool {
	root := Config(s)
	en := root.Lookup("tools.web.search.enabled")
	if en.IsFalse() {
		return false
	}
	if en.IsTrue() {
		return true
	}
	if root.Lookup("tools.web.search.apiKey").IsSet() || root.Lookup("tools.web.search.perplexity.apiKey").IsSet() {
		return true
	}
	for _, e := range []string{"BRAVE_API_KEY", "PERPLEXITY_API_KEY", "OPENROUTER_API_KEY"} {
		if _, ok := envValue(s, e); ok {
			return true
		}
	}
	return false
}

// modelsSandboxAllows applies the sandbox tool policy that OpenClaw layers
// in sandbox mode "all": its default allowlist holds no web or browser
// tool, so only an explicit tools.sandbox.tools.allow (agent, else global)
// can let them through.
func modelsSandboxAllows(s *model.Snapshot, a model.Agent, tool string) bool {
	allow := Config(s).Lookup("tools.sandbox.tools.allow").Strings()
	deny := Config(s).Lookup("tools.sandbox.tools.deny").Strings()
	if a.Node != nil {
		if n := a.Lookup("tools.sandbox.tools.allow"); n != nil {
			allow = n.Strings()
		}
		if n := a.Lookup("tools.sandbox.tools.deny"); n != nil {
			deny = n.Strings()
		}
	}
	return toolListMatches(allow, tool) && !toolListMatches(deny, tool)
}

func modelsSmallHits(s *model.Snapshot) []Hit {
	root := Config(s)
	webSearch := modelsWebSearchOn(s)
	webFetch := !root.Lookup("tools.web.fetch.enabled").IsFalse()
	browser := !root.Lookup("browser.enabled").IsFalse()
	var lines, paths []string
	exposure := map[string]bool{}
	var exposureOrder []string
	unsafe := false
	for _, r := range modelsRefs(s) {
		if r.Image {
			continue
		}
		b, ok := modelsParamB(r.ID)
		if !ok || b > modelsSmallMaxB {
			continue
		}
		mode := sandboxMode(s, r.Agent)
		var exposed []string
		for _, t := range []struct {
			name string
			on   bool
		}{{"web_search", webSearch}, {"web_fetch", webFetch}, {"browser", browser}} {
			if !t.on || !toolAllowed(s, r.Agent, t.name) {
				continue
			}
			if mode == "all" && !modelsSandboxAllows(s, r.Agent, t.name) {
				continue
			}
			exposed = append(exposed, t.name)
			if !exposure[t.name] {
				exposure[t.name] = true
				exposureOrder = append(exposureOrder, t.name)
			}
		}
		safe := mode == "all" && len(exposed) == 0
		unsafe = unsafe || !safe
		status := "unsafe"
		if safe {
			status = "ok"
		}
		web := " web=[off]"
		if len(exposed) > 0 {
			web = " web=[" + strings.Join(exposed, ", ") + "]"
		}
		lines = append(lines, fmt.Sprintf("- %s (%sB) @ %s (%s; sandbox=%s;%s)", r.ID, strconv.FormatFloat(b, 'f', -1, 64), r.Path, status, mode, web))
		paths = append(paths, r.Path)
	}
	if len(lines) == 0 {
		return nil
	}
	expo := "No web/browser tools detected for these models."
	if len(exposureOrder) > 0 {
		expo = "Uncontrolled input tools allowed: " + strings.Join(exposureOrder, ", ") + "."
	}
	sev := model.Info
	if unsafe {
		sev = model.Critical
	}
	return []Hit{{Severity: sev,
		Detail: fmt.Sprintf("Small models (<=%dB params) detected:\n%s\n%s\nSmall models are not recommended for untrusted inputs.", modelsSmallMaxB, strings.Join(lines, "\n"), expo),
		Paths:  paths}}
}

func init() {
	const tier = model.TierModels
	const why = "The guide's checklist item 6: for any bot with tools, prefer the newest, most instruction-hardened model available. " +
		"Older, smaller and cheaper tiers follow injected instructions more readily, so a hostile message or web page is more likely to turn into a tool call. hardshell only advises here; it never changes your model."
	Register("models",
		Check{
			ID: IDModelsLegacy, Title: "Some configured models look legacy",
			Tier: tier, Fix: model.FixManual, Severity: "warn",
			Trigger:     "a configured model id matches gpt-3.5 / gpt-35-turbo, claude-instant / claude-2, or gpt-4-0314 / gpt-4-0613",
			Remediation: "Prefer modern, instruction-hardened models for any bot that can run tools.",
			Why:         why, Breaks: "cost and latency change with the model", Since: "OpenClaw 2026.2",
			Run: modelsLegacyHits,
		},
		Check{
			ID: IDModelsWeakTier, Title: "Some configured models are below recommended tiers",
			Tier: tier, Fix: model.FixManual, Severity: "warn",
			Trigger:     "a configured model is a Haiku tier, a gpt-* below GPT-5, or a claude-* below 4.5",
			Remediation: "Use the latest, top-tier model for any bot with tools or untrusted inboxes. Avoid Haiku tiers; prefer GPT-5+ and Claude 4.5+.",
			Why:         why, Breaks: "cost and latency change with the model", Since: "OpenClaw 2026.2",
			Run: modelsWeakHits,
		},
		Check{
			ID: IDModelsSmallParams, Title: "Small models require sandboxing and web tools disabled",
			Tier: tier, Fix: model.FixManual, Severity: "critical if a small model runs without sandbox mode \"all\" or with web_search/web_fetch/browser reachable; else info",
			Trigger:     "a non-image model id carries a size token of 300B or less (mistral-8b, llama-3.1-70b, qwen2.5:7b)",
			Remediation: `If you must use small models, enable sandboxing for all sessions (agents.defaults.sandbox.mode="all") and disable web_search/web_fetch/browser (tools.deny=["group:web","browser"]).`,
			Why:         why + " Small local models are the easiest to steer: give them untrusted web content only inside a sandbox, or not at all.",
			Breaks:      "sandboxing needs Docker; denying web tools removes browsing and search", Since: "OpenClaw 2026.2",
			Run: modelsSmallHits,
		},
	)
}
