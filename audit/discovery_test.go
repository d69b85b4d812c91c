package audit

import (
	"testing"

	"github.com/hardshell/hardshell/internal/auditkit"
	"github.com/hardshell/hardshell/model"
	"github.com/stretchr/testify/require"
)

func TestDiscoveryMDNSFullMode(t *testing.T) {
	gatewayRunCases(t, []gatewayCase{
		{name: "default minimal", config: `{}`, absent: []string{"discovery.mdns_full_mode"}},
		{name: "off", config: `{discovery:{mdns:{mode:"off"}}}`, absent: []string{"discovery.mdns_full_mode"}},
		{name: "full loopback", config: `{discovery:{mdns:{mode:"full"}}}`,
			present: map[string]model.Severity{"discovery.mdns_full_mode": model.Warn}},
		{name: "full lan", config: `{gateway:{bind:"lan"},discovery:{mdns:{mode:"full"}}}`,
			present: map[string]model.Severity{"discovery.mdns_full_mode": model.Critical}},
		{name: "full lan with bonjour disabled by env", config: `{gateway:{bind:"lan"},discovery:{mdns:{mode:"full"}}}`,
			env:     map[string]string{"OPENCLAW_DISABLE_BONJOUR": "1"},
			present: map[string]model.Severity{"discovery.mdns_full_mode": model.Info}},
	})
	r := checkRun(t, `{discovery:{mdns:{mode:"full"}}}`, auditkit.Options{Env: map[string]string{"OPENCLAW_DISABLE_BONJOUR": "1"}})
	f := requireHit(t, r, "discovery.mdns_full_mode", model.Info)
	require.Contains(t, f.Detail, "OPENCLAW_DISABLE_BONJOUR=1")
	require.Equal(t, model.FixSafe, f.Fix)
	require.Equal(t, model.TierExposure, f.Priority)
}
