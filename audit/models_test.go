package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

// The catalogue's acceptance cases.
func TestModelsAcceptance(t *testing.T) {
	r := checkRun(t, `{ agents: { defaults: { model: { primary: "openai/gpt-3.5-turbo" } } } }`, auditkit.Options{})
	f := requireHit(t, r, "models.legacy", model.Warn)
	require.Contains(t, f.Detail, "- openai/gpt-3.5-turbo (GPT-3.5 family) @ agents.defaults.model.primary")
	require.Equal(t, model.FixManual, f.Fix)
	require.Equal(t, model.TierModels, f.Priority)
	require.Equal(t, 1, f.Line)

	r = checkRun(t, `{ agents: { defaults: { model: { primary: "anthropic/claude-haiku-4-5" } } } }`, auditkit.Options{})
	f = requireHit(t, r, "models.weak_tier", model.Warn)
	require.Contains(t, f.Detail, "Haiku tier")
	requireNoHit(t, r, "models.legacy")

	r = checkRun(t, `{ agents: { defaults: { model: { primary: "ollama/mistral-8b" } } }, tools: { web: { search: { enabled: true }, fetch: { enabled: true } } }, browser: { enabled: true } }`, auditkit.Options{})
	f = requireHit(t, r, "models.small_params", model.Critical)
	require.Contains(t, f.Detail, "- ollama/mistral-8b (8B) @ agents.defaults.model.primary (unsafe; sandbox=off; web=[web_search, web_fetch, browser])")
	require.Contains(t, f.Detail, "Uncontrolled input tools allowed: web_search, web_fetch, browser.")
}

func TestModelsSmallParamsSafe(t *testing.T) {
	// Sandboxed everywhere and web tools off: info.
	r := checkRun(t, `{
  agents: { defaults: { model: "ollama/llama-3.1-70b-instruct", sandbox: { mode: "all" } } },
  tools: { web: { fetch: { enabled: false } }, deny: ["group:web", "browser"] },
}`, auditkit.Options{})
	f := requireHit(t, r, "models.small_params", model.Info)
	require.Contains(t, f.Detail, "(70B)")
	require.Contains(t, f.Detail, "No web/browser tools detected")

	// The sandbox default tool policy keeps web tools out even if enabled.
	r = checkRun(t, `{ agents: { defaults: { model: "ollama/qwen2.5:7b", sandbox: { mode: "all" } } }, tools: { web: { search: { enabled: true } } } }`, auditkit.Options{})
	requireHit(t, r, "models.small_params", model.Info)
	// …unless the sandbox tool policy explicitly allows them.
	r = checkRun(t, `{ agents: { defaults: { model: "ollama/qwen2.5:7b", sandbox: { mode: "all" } } }, tools: { sandbox: { tools: { allow: ["group:web"] } } } }`, auditkit.Options{})
	requireHit(t, r, "models.small_params", model.Critical)

	// Image models and big models are not judged.
	r = checkRun(t, `{ agents: { defaults: { model: "anthropic/claude-opus-4-5", imageModel: { primary: "ollama/llava-7b" } } } }`, auditkit.Options{})
	requireNoHit(t, r, "models.small_params")
	r = checkRun(t, `{ agents: { defaults: { model: "deepseek/deepseek-v3-671b" } } }`, auditkit.Options{})
	requireNoHit(t, r, "models.small_params")
}

func TestModelsAgentsBothEras(t *testing.T) {
	for _, c := range []struct{ config, path string }{
		{`{ agents: { defaults: { model: "anthropic/claude-opus-4-5" }, list: [ { id: "main" }, { id: "family", model: { primary: "openai/gpt-4o", fallbacks: ["anthropic/claude-3-5-sonnet-20241022"] } } ] } }`, "agents.list[1].model"},
		{`{ agents: { defaults: { model: "anthropic/claude-opus-4-5" }, entries: { family: { model: { primary: "openai/gpt-4o", fallbacks: ["anthropic/claude-3-5-sonnet-20241022"] } } } } }`, "agents.entries.family.model"},
	} {
		r := checkRun(t, c.config, auditkit.Options{})
		f := requireHit(t, r, "models.weak_tier", model.Warn)
		require.Contains(t, f.Detail, "- openai/gpt-4o (Below GPT-5 family) @ "+c.path+".primary")
		require.Contains(t, f.Detail, "- anthropic/claude-3-5-sonnet-20241022 (Below Claude 4.5) @ "+c.path+".fallbacks[0]")
		require.NotContains(t, f.Detail, "claude-opus-4-5")
	}
	// A small model on one agent is judged with that agent's sandbox.
	r := checkRun(t, `{ agents: { list: [ { id: "main", model: "anthropic/claude-opus-4-5" }, { id: "local", model: "ollama/mistral-8b", sandbox: { mode: "all" }, tools: { deny: ["group:web", "browser"] } } ] } }`, auditkit.Options{})
	f := requireHit(t, r, "models.small_params", model.Info)
	require.Contains(t, f.Detail, "@ agents.list[1].model (ok; sandbox=all; web=[off])")
}

func TestModelsModernIDsQuiet(t *testing.T) {
	r := checkRun(t, `{ agents: { defaults: { model: { primary: "anthropic/claude-opus-4-5", fallbacks: ["openai/gpt-5.1", "venice/claude-opus-45", "anthropic/claude-sonnet-4-6", "openrouter/anthropic/claude-4.5-sonnet", "anthropic/claude-opus-latest"] } } } }`, auditkit.Options{})
	requireNoHit(t, r, "models.weak_tier")
	requireNoHit(t, r, "models.legacy")
	requireNoHit(t, r, "models.small_params")
}

func TestModelsHelpers(t *testing.T) {
	for id, want := range map[string]float64{"mistral-8b": 8, "llama-3.1-70b-instruct": 70, "qwen2.5:7b": 7, "gemma-3n-e4b": 4, "phi-3.5b": 3.5, "a-7b-13b": 13} {
		got, ok := modelsParamB(id)
		require.True(t, ok, id)
		require.Equal(t, want, got, id)
	}
	for _, id := range []string{"mixtral-8x7b", "gpt-5", "claude-opus-4-5", "web3b0t"} {
		_, ok := modelsParamB(id)
		require.False(t, ok, id)
	}
	for id, want := range map[string][2]int{"claude-3-5-sonnet-20241022": {3, 5}, "claude-opus-4-5": {4, 5}, "claude-opus-45": {4, 5}, "claude-4.5": {4, 5}, "claude-sonnet-4-20250514": {4, 0}, "claude-2.1": {2, 1}, "claude-opus-5": {5, 0}} {
		ma, mi, ok := modelsClaudeVersion(id)
		require.True(t, ok, id)
		require.Equal(t, want, [2]int{ma, mi}, id)
	}
	require.Equal(t, []string{"Below GPT-5 family"}, modelsWeakReasons("azure/gpt-4.1"))
	require.Empty(t, modelsWeakReasons("openai/gpt-5-mini"))
	require.Empty(t, modelsWeakReasons("openai/gpt-10"))
}
