package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardshell/hardshell/model"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"
)

func runFixture(t *testing.T, config map[string]any) (*Report, *Registry) {
	t.Helper()
	reg := fixtureRegistry()
	rep, err := Run(context.Background(), snap("/state", config), Options{Registry: reg, ToolVersion: "0.1.0"})
	require.NoError(t, err)
	return rep, reg
}

func TestJSONFieldOrderAndOpenClawShape(t *testing.T) {
	rep, _ := runFixture(t, fixtureConfig())
	var b bytes.Buffer
	require.NoError(t, WriteJSON(&b, rep))
	out := b.String()
	require.True(t, strings.HasPrefix(out, "{\n  \"ts\": 1700000000000,\n  \"summary\": {\n    \"critical\": 4,"), out[:80])
	order := []string{`"ts"`, `"summary"`, `"findings"`, `"suppressedFindings"`, `"target"`, `"tool"`}
	last := -1
	for _, k := range order {
		i := strings.Index(out, "\n  "+k+":")
		require.Greater(t, i, last, "top-level %s out of order", k)
		last = i
	}
	// An OpenClaw consumer's view of the report.
	var oc struct {
		Ts       int64 `json:"ts"`
		Summary  struct{ Critical, Warn, Info int }
		Findings []struct {
			CheckID     string `json:"checkId"`
			Severity    string `json:"severity"`
			Title       string `json:"title"`
			Detail      string `json:"detail"`
			Remediation string `json:"remediation"`
		}
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &oc))
	require.Equal(t, 4, oc.Summary.Critical)
	require.Equal(t, "channels.telegram.dm.open", oc.Findings[0].CheckID)
	require.Equal(t, "critical", oc.Findings[0].Severity)
	require.NotContains(t, out, `"baseline"`, "no baseline given, no marks")
	require.NotContains(t, out, `"deep"`, "deep omitted unless run")
}

func TestSuppressions(t *testing.T) {
	config := fixtureConfig()
	config["security"] = map[string]any{"audit": map[string]any{"suppressions": []any{
		map[string]any{"checkId": "channels.whatsapp.dm.open", "titleIncludes": "WHATSAPP", "reason": "family group"},
		map[string]any{"checkId": "gateway.bind_no_auth", "detailIncludes": "bind=tailnet"}, // does not match bind=lan
		map[string]any{"checkId": IDSuppressionsActive},                                     // not suppressible
		map[string]any{"titleIncludes": "no checkId"},                                       // ignored
	}}}
	rep, _ := runFixture(t, config)
	require.Equal(t, []string{"channels.whatsapp.dm.open"}, ids(rep.SuppressedFindings))
	require.NotContains(t, ids(rep.Findings), "channels.whatsapp.dm.open")
	require.Contains(t, ids(rep.Findings), "gateway.bind_no_auth")
	var active *model.Finding
	for i, f := range rep.Findings {
		if f.CheckID == IDSuppressionsActive {
			active = &rep.Findings[i]
		}
	}
	require.NotNil(t, active)
	require.Equal(t, model.Info, active.Severity)
	require.Contains(t, active.Detail, "1 finding(s) suppressed")
	require.Contains(t, active.Detail, "- channels.whatsapp.dm.open title~\"WHATSAPP\": 1 (reason: family group)")
	require.Equal(t, Summary{Critical: 3, Warn: 1, Info: 2}, rep.Summary, "suppressed findings are not counted; the active notice is")

	var b bytes.Buffer
	require.NoError(t, WriteText(&b, rep, TextOptions{}))
	require.Contains(t, b.String(), "Suppressed: 1 finding(s)")
}

func TestBaselineMarksAndExitThreshold(t *testing.T) {
	rep, _ := runFixture(t, fixtureConfig())
	var b bytes.Buffer
	require.NoError(t, WriteJSON(&b, rep))
	base, err := ParseBaseline("base.json", b.Bytes())
	require.NoError(t, err)

	// A new run with one more critical finding.
	config := fixtureConfig()
	config["channels"].(map[string]any)["discord"] = map[string]any{"dmPolicy": "open"}
	rep2, _ := runFixture(t, config)
	crit := model.Critical
	require.Len(t, rep2.Failing(&crit), 5)
	require.Equal(t, 6, rep2.ApplyBaseline(base))
	failing := rep2.Failing(&crit)
	require.Equal(t, []string{"channels.discord.dm.open"}, ids(failing))
	info := model.Info
	require.Len(t, rep2.Failing(&info), 1)
	require.Empty(t, rep2.Failing(nil), "--fail-on none")

	var out bytes.Buffer
	require.NoError(t, WriteJSON(&out, rep2))
	var parsed struct {
		Findings []struct {
			CheckID  string `json:"checkId"`
			Baseline bool   `json:"baseline"`
		}
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &parsed))
	marks := map[string]bool{}
	for _, f := range parsed.Findings {
		marks[f.CheckID] = f.Baseline
	}
	require.False(t, marks["channels.discord.dm.open"])
	require.True(t, marks["channels.whatsapp.dm.open"])

	var txt bytes.Buffer
	require.NoError(t, WriteText(&txt, rep2, TextOptions{}))
	require.Contains(t, txt.String(), "CRITICAL channels.whatsapp.dm.open whatsapp DMs are open (baseline)")
	require.Contains(t, txt.String(), "CRITICAL channels.discord.dm.open discord DMs are open\n")
}

func TestBaselineBadInput(t *testing.T) {
	_, err := ParseBaseline("b.json", []byte("{\n  \"findings\": [\n    {\"checkId\": \"x\",}\n  ]\n}"))
	var ie *model.InputError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, "b.json", ie.File)
	require.Equal(t, 3, ie.Line)
	require.Greater(t, ie.Col, 1)

	_, err = ParseBaseline("b.json", []byte(`{"ts": 1}`))
	require.ErrorContains(t, err, "no \"findings\" array")

	_, err = ReadBaseline(filepath.Join(t.TempDir(), "absent.json"))
	require.ErrorAs(t, err, &ie)

	// OpenClaw's --fix --json envelope.
	b, err := ParseBaseline("b.json", []byte(`{"fix": null, "report": {"findings": [{"checkId": "a", "title": "t", "detail": "d"}]}}`))
	require.NoError(t, err)
	require.Equal(t, 1, b.Len())

	_, err = ParseFailOn("loud")
	require.ErrorAs(t, err, &ie)
	sev, err := ParseFailOn("WARN")
	require.NoError(t, err)
	require.Equal(t, model.Warn, *sev)
	sev, err = ParseFailOn("none")
	require.NoError(t, err)
	require.Nil(t, sev)
}

func TestTextOutput(t *testing.T) {
	rep, _ := runFixture(t, fixtureConfig())
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, rep, TextOptions{}))
	out := b.String()
	require.True(t, strings.HasPrefix(out, "hardshell audit — /state\n"))
	require.Contains(t, out, "Summary: 4 critical · 1 warn · 1 info\n")
	require.Contains(t, out, "\n[1] Open inbound with tools\nCRITICAL channels.telegram.dm.open telegram DMs are open\n  /state/openclaw.json:")
	require.Contains(t, out, "  anyone can DM telegram\n  Fix: set dmPolicy pairing\n")
	require.Contains(t, out, "\n[2] Public network exposure\n")
	require.Contains(t, out, "WARN gateway.trusted_proxies_missing No trusted proxies\n")
	require.Contains(t, out, "\n[6] Model choice\nINFO models.small_params Small model\n")
	require.NotContains(t, out, "[3]", "empty tiers get no heading")
	require.Contains(t, out, "hardshell fix")
	require.Contains(t, out, "Run deeper: hardshell audit --deep\n")
	require.NotContains(t, out, "\x1b[", "no ANSI when colour is off")
	require.Less(t, strings.Index(out, "[1]"), strings.Index(out, "[2]"))
}

func TestColorForHonoursNoColorAndNonTTY(t *testing.T) {
	var b bytes.Buffer
	require.False(t, ColorFor(&b), "a buffer is not a terminal")
	f, err := os.CreateTemp(t.TempDir(), "out")
	require.NoError(t, err)
	defer f.Close()
	require.False(t, ColorFor(f), "a regular file is not a terminal")
	t.Setenv("NO_COLOR", "1")
	require.False(t, ColorFor(os.Stdout))
}

// A plaintext token in the config must never reach any output, even when a
// check quotes it.
func TestSecretsNeverPrinted(t *testing.T) {
	const token = "tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
	const envSecret = "envpass-0123456789abcdef"
	reg := NewRegistry()
	reg.Register("secrets", Check{ID: "secrets.plaintext", Title: "Secret in plain text", Tier: model.TierPermissions, Fix: model.FixGuided, Remediation: "move it to ${OPENCLAW_GATEWAY_TOKEN}",
		Run: func(s *model.Snapshot) []Hit {
			v := Config(s).Lookup("gateway.auth.token").Text()
			return []Hit{{Severity: model.Critical, Title: "token " + v + " is in plain text",
				Detail: "gateway.auth.token = " + v + "\n- password from env: " + envSecret + "\n- an OpenAI key: sk-proj-abcdefghijklmnopqrstuvwxyz0123",
				Paths:  []string{"gateway.auth.token"}}}
		}})
	s := snap(t.TempDir(), map[string]any{"gateway": map[string]any{"auth": map[string]any{"token": token, "password": "${MY_GATEWAY_PASSWORD}"}}})
	s.Env = func(n string) (string, bool) {
		if n == "MY_GATEWAY_PASSWORD" {
			return envSecret, true
		}
		return "", false
	}
	rep, err := Run(context.Background(), s, Options{Registry: reg})
	require.NoError(t, err)
	var txt, js, sarif bytes.Buffer
	require.NoError(t, WriteText(&txt, rep, TextOptions{}))
	require.NoError(t, WriteJSON(&js, rep))
	require.NoError(t, WriteSARIF(&sarif, rep, reg))
	for name, out := range map[string]string{"text": txt.String(), "json": js.String(), "sarif": sarif.String()} {
		require.NotContains(t, out, token, name)
		require.NotContains(t, out, token[:12], name)
		require.NotContains(t, out, envSecret, name)
		require.NotContains(t, out, "sk-proj-abcdefghijklmnopqrstuvwxyz0123", name)
		require.Contains(t, out, model.Mask(token), name)
	}
}

func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("sarif-schema-2.1.0.json", doc))
	sch, err := c.Compile("sarif-schema-2.1.0.json")
	require.NoError(t, err)
	return sch
}

func TestSARIFSchemaAndShape(t *testing.T) {
	sch := compileSARIFSchema(t)
	config := fixtureConfig()
	config["security"] = map[string]any{"audit": map[string]any{"suppressions": []any{map[string]any{"checkId": "models.small_params"}}}}
	rep, reg := runFixture(t, config)
	// Add an out-of-state-dir file finding and a baseline.
	rep.Findings = append(rep.Findings, model.Finding{CheckID: "fs.log_file.loose", Severity: model.Warn, Title: "Log file loose", Priority: model.TierPermissions, Fix: model.FixSafe, File: "/var/log/open claw.log"})
	base, err := ParseBaseline("b", []byte(`{"findings":[{"checkId":"gateway.bind_no_auth","title":"Exposed without auth","detail":"bind=lan"}]}`))
	require.NoError(t, err)
	rep.ApplyBaseline(base)

	var b bytes.Buffer
	require.NoError(t, WriteSARIF(&b, rep, reg))
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
	require.NoError(t, err)
	require.NoError(t, sch.Validate(inst), b.String())
	bad, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"version":"2.1.0","runs":[{"tool":{"driver":{}},"results":[{"level":"fatal","message":{"text":"x"}}]}]}`))
	require.NoError(t, err)
	require.Error(t, sch.Validate(bad), "the schema really constrains (driver.name missing, bad level)")

	var log struct {
		Version string
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string
					Rules []struct {
						ID              string
						FullDescription struct{ Text string }
						Help            struct{ Text, Markdown string }
						Properties      struct {
							SecuritySeverity string `json:"security-severity"`
							Tags             []string
						}
					}
				}
			}
			AutomationDetails  struct{ ID string }             `json:"automationDetails"`
			OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
			Results            []struct {
				RuleID    string
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string }
						Region           *struct{ StartLine int }
					}
				}
				Suppressions        []map[string]any
				BaselineState       string
				PartialFingerprints map[string]string
				Properties          struct{ Tags []string }
			}
		}
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &log))
	require.Equal(t, "2.1.0", log.Version)
	run := log.Runs[0]
	require.Equal(t, "hardshell", run.Tool.Driver.Name)
	require.Equal(t, "file:///state/", run.OriginalURIBaseIDs["%SRCROOT%"].URI)
	require.Equal(t, "hardshell/state/", run.AutomationDetails.ID)
	rules := map[string]int{}
	for i, r := range run.Tool.Driver.Rules {
		rules[r.ID] = i
	}
	require.Contains(t, rules, "channels.whatsapp.dm.open", "dynamic ids get their own rule")
	require.Contains(t, rules, "channels.telegram.dm.open")
	r := run.Tool.Driver.Rules[rules["gateway.bind_no_auth"]]
	require.Equal(t, "9.0", r.Properties.SecuritySeverity)
	require.True(t, strings.HasPrefix(r.Help.Text, "bind loopback"), r.Help.Text)
	require.Equal(t, "5.0", run.Tool.Driver.Rules[rules["gateway.trusted_proxies_missing"]].Properties.SecuritySeverity)
	for _, r := range run.Tool.Driver.Rules {
		require.NotEmpty(t, r.Help.Text, r.ID)
		require.NotEmpty(t, r.Help.Markdown, r.ID)
		require.Contains(t, r.Help.Markdown, "**Fix:**", r.ID)
		require.Contains(t, r.Properties.Tags, "security", r.ID)
		require.LessOrEqual(t, len(r.Properties.Tags), 20, r.ID)
		require.LessOrEqual(t, len(r.FullDescription.Text), 1024, r.ID)
		require.Regexp(t, `^\d+\.\d$`, r.Properties.SecuritySeverity, r.ID)
	}
	fps := map[string]string{}
	for _, res := range run.Results {
		require.Len(t, res.Locations, 1, "%s has a location", res.RuleID)
		loc := res.Locations[0].PhysicalLocation
		require.NotEmpty(t, loc.ArtifactLocation.URI, res.RuleID)
		require.NotNil(t, loc.Region, res.RuleID)
		require.Positive(t, loc.Region.StartLine, res.RuleID)
		fp := res.PartialFingerprints["primaryLocationLineHash"]
		require.Regexp(t, `^[0-9a-f]{16}:\d+$`, fp, res.RuleID)
		require.NotContains(t, fps, fp, "%s and %s share a fingerprint", res.RuleID, fps[fp])
		fps[fp] = res.RuleID
		require.Equal(t, []string{"security"}, res.Properties.Tags)
	}
	levels := map[string]string{}
	for _, res := range run.Results {
		levels[res.RuleID] = res.Level
		switch res.RuleID {
		case "channels.whatsapp.dm.open":
			loc := res.Locations[0].PhysicalLocation
			require.Equal(t, "openclaw.json", loc.ArtifactLocation.URI)
			require.Equal(t, "%SRCROOT%", loc.ArtifactLocation.URIBaseID)
			require.NotNil(t, loc.Region)
			require.Positive(t, loc.Region.StartLine)
			require.Equal(t, "new", res.BaselineState)
		case "fs.log_file.loose":
			require.Equal(t, "../var/log/open%20claw.log", res.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		case "models.small_params":
			require.Len(t, res.Suppressions, 1)
		case "gateway.bind_no_auth":
			require.Equal(t, "unchanged", res.BaselineState)
		}
	}
	require.Equal(t, "error", levels["gateway.bind_no_auth"])
	require.Equal(t, "warning", levels["gateway.trusted_proxies_missing"])
	require.Equal(t, "note", levels[IDSuppressionsActive])
}
