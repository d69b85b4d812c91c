package audit

import (
	"strings"
	"testing"

	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestRegisterPanicsOnDuplicateAndMalformedIDs(t *testing.T) {
	r := NewRegistry()
	r.Register("gateway", Check{ID: "gateway.x", Run: hitsFor()})
	require.PanicsWithValue(t, `audit.Register("channels"): duplicate check id "gateway.x"`, func() {
		r.Register("channels", Check{ID: "gateway.x"})
	})
	for _, bad := range []string{"", "a..b", "a.<b.c>", "a.x<id>", "a.b c", ".a"} {
		require.Panics(t, func() { r.Register("gateway", Check{ID: bad}) }, "id %q", bad)
	}
	c, ok := r.Lookup("gateway.x")
	require.True(t, ok)
	require.Equal(t, "gateway", c.Area, "Register sets the area")
}

func TestChecksSortedByID(t *testing.T) {
	r := NewRegistry()
	r.Register("b", Check{ID: "z.last"}, Check{ID: "a.first"})
	r.Register("a", Check{ID: "m.middle"})
	var got []string
	for _, c := range r.Checks() {
		got = append(got, c.ID)
	}
	require.Equal(t, []string{"a.first", "m.middle", "z.last"}, got)
}

func TestMatchID(t *testing.T) {
	cases := []struct {
		pattern, id string
		want        bool
	}{
		{"channels.<id>.dm.open", "channels.whatsapp.dm.open", true},
		{"channels.<id>.dm.open", "channels.slack.work.dm.open", true}, // <id> spans two segments
		{"channels.<id>.dm.open", "channels.dm.open", false},           // needs ≥ 1 segment
		{"channels.<id>.dm.open", "channels.whatsapp.dm.closed", false},
		{"tools.elevated.allowFrom.<provider>.wildcard", "tools.elevated.allowFrom.telegram.wildcard", true},
		{"plugins.<id>.security_audit_failed", "plugins.a.b.c.security_audit_failed", true},
		{"a.<x>.<y>", "a.b", false},
		{"a.<x>.<y>", "a.b.c.d", true},
		{"gateway.bind_no_auth", "gateway.bind_no_auth", true},
		{"gateway.bind_no_auth", "gateway.bind_no_auth.x", false},
	}
	for _, c := range cases {
		require.Equal(t, c.want, MatchID(c.pattern, c.id), "%s ~ %s", c.pattern, c.id)
	}
}

func TestLookupPrefersExactThenMostSpecificPattern(t *testing.T) {
	r := NewRegistry()
	r.Register("channels",
		Check{ID: "channels.<id>.dm.open", Title: "generic"},
		Check{ID: "channels.<id>.<account>.dm.open", Title: "per account"},
		Check{ID: "channels.whatsapp.dm.open", Title: "exact"},
		Check{ID: "channels.discord.<id>.dm.open", Title: "discord"},
	)
	get := func(id string) string {
		c, ok := r.Lookup(id)
		require.True(t, ok, id)
		return c.Title
	}
	require.Equal(t, "exact", get("channels.whatsapp.dm.open"))
	require.Equal(t, "generic", get("channels.telegram.dm.open"))
	require.Equal(t, "discord", get("channels.discord.work.dm.open"), "more literal segments win")
	require.Equal(t, "per account", get("channels.slack.work.dm.open"), "equal literals: the pattern whose placeholders span fewer segments wins")
	_, ok := r.Lookup("channels.dm.open")
	require.False(t, ok)
}

// TestRegistryWellFormed holds every check the area files declare to the
// declaration contract, so a missing fact fails here, not in a user's report.
func TestRegistryWellFormed(t *testing.T) {
	checks := Checks()
	require.NotEmpty(t, checks)
	areas := map[string]bool{}
	for _, a := range Areas {
		areas[a] = true
	}
	for _, c := range checks {
		require.NoError(t, validatePattern(c.ID))
		require.True(t, areas[c.Area], "%s: unknown area %q (want one of %v)", c.ID, c.Area, Areas)
		require.NotEmpty(t, strings.TrimSpace(c.Title), "%s: Title", c.ID)
		require.GreaterOrEqual(t, int(c.Tier), int(model.TierInbound), "%s: Tier", c.ID)
		require.LessOrEqual(t, int(c.Tier), int(model.TierModels), "%s: Tier", c.ID)
		require.Contains(t, []model.FixKind{model.FixSafe, model.FixGuided, model.FixManual}, c.Fix, "%s: Fix", c.ID)
		require.NotEmpty(t, strings.TrimSpace(c.Severity), "%s: Severity rule", c.ID)
		require.NotEmpty(t, strings.TrimSpace(c.Trigger), "%s: Trigger", c.ID)
		require.NotEmpty(t, strings.TrimSpace(c.Remediation), "%s: Remediation", c.ID)
		require.NotEmpty(t, strings.TrimSpace(c.Why), "%s: Why", c.ID)
		require.True(t, c.Since == "hardshell" || strings.HasPrefix(c.Since, "OpenClaw "), "%s: Since %q", c.ID, c.Since)
		got, ok := Lookup(c.ID)
		require.True(t, ok)
		require.Equal(t, c.ID, got.ID)
	}
}
