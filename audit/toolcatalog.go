package audit

import "github.com/hardshell/hardshell/model"

// The built-in tool profiles as OpenClaw 2026.9.6 defines them
// (dist/tool-catalog-*.mjs: each core tool lists the profiles that include
// it; coding and messaging also allow "bundle-mcp", full allows "*").
// They differ from the 2026.2 guide's: the gateway tool (config rewrite,
// restart) is in minimal, coding and messaging alike, and coding carries
// secrets, code_execution, terminal and plugins. TestToolCatalogMatchesRelease
// re-reads the installed release and fails when this table drifts.
var openclaw2026_9Catalog = []struct {
	Tool     string
	Profiles []string
}{
	{"ls", []string{"coding"}},
	{"read", []string{"coding"}},
	{"write", []string{"coding"}},
	{"edit", []string{"coding"}},
	{"apply_patch", []string{"coding"}},
	{"exec", []string{"coding"}},
	{"process", []string{"coding"}},
	{"code_execution", []string{"coding"}},
	{"secrets", []string{"coding", "messaging"}},
	{"web_search", []string{"coding"}},
	{"web_fetch", []string{"coding"}},
	{"x_search", []string{"coding"}},
	{"memory_search", []string{"coding"}},
	{"memory_get", []string{"coding"}},
	{"sessions", []string{"coding", "messaging"}},
	{"sessions_list", []string{"coding", "messaging"}},
	{"sessions_history", []string{"coding", "messaging"}},
	{"sessions_search", []string{"coding", "messaging"}},
	{"conversations_list", []string{"coding", "messaging"}},
	{"conversations_send", []string{"coding", "messaging"}},
	{"conversations_turn", []string{"coding", "messaging"}},
	{"sessions_send", []string{"coding", "messaging"}},
	{"sessions_spawn", []string{"coding", "messaging"}},
	{"github_identity_status", []string{"coding"}},
	{"github_publish", []string{"coding"}},
	{"agents_wait", []string{"coding"}},
	{"sessions_yield", []string{"coding", "messaging"}},
	{"subagents", []string{"coding", "messaging"}},
	{"session_status", []string{"minimal", "coding", "messaging"}},
	{"suggest_task", []string{"coding"}},
	{"dismiss_task", []string{"coding"}},
	{"browser", []string{}},
	{"screen", []string{"coding"}},
	{"theme", []string{"coding", "messaging"}},
	{"dashboard", []string{"coding"}},
	{"terminal", []string{"coding"}},
	{"portal", []string{"coding"}},
	{"canvas", []string{}},
	{"show_widget", []string{}},
	{"message", []string{"messaging"}},
	{"heartbeat_respond", []string{}},
	{"gateway", []string{"minimal", "coding", "messaging"}},
	{"plugins", []string{"coding"}},
	{"openclaw", []string{}},
	{"nodes", []string{}},
	{"computer", []string{}},
	{"mobile_ui", []string{}},
	{"agents_list", []string{}},
	{"get_goal", []string{"coding"}},
	{"create_goal", []string{"coding"}},
	{"update_goal", []string{"coding"}},
	{"progress_card", []string{"coding"}},
	{"ask_user", []string{"coding", "messaging"}},
	{"skill_workshop", []string{"coding"}},
	{"view_image", []string{"coding"}},
	{"image_generate", []string{"coding"}},
	{"music_generate", []string{"coding"}},
	{"video_generate", []string{"coding"}},
	{"tts", []string{}},
	{"pdf", []string{}},
}

// openclaw2026_9Profiles are the allow lists of tools.profile in the
// 2026.7+ era, built from the catalogue.
var openclaw2026_9Profiles = func() map[string][]string {
	out := map[string][]string{"minimal": nil, "coding": {"bundle-mcp"}, "messaging": {"bundle-mcp"}}
	for _, t := range openclaw2026_9Catalog {
		for _, p := range t.Profiles {
			out[p] = append(out[p], t.Tool)
		}
	}
	return out
}()

// profileAllow is the base allow list of a tools.profile in the config's
// era; ok=false for full (or an unknown profile), which allows everything.
func profileAllow(s *model.Snapshot, profile string) ([]string, bool) {
	if s != nil && s.Era.Era == model.EraModern {
		l, ok := openclaw2026_9Profiles[profile]
		return l, ok
	}
	l, ok := toolProfiles[profile]
	return l, ok
}
