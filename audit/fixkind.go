package audit

import (
	"sync"

	"github.com/hardshell/hardshell/model"
)

// FixResolver says how a finding is fixed on s: its kind as it applies to
// this config and the title of the fix offered ("" = none). The catalog of
// fixes (remediate/fix) registers the one resolver; audit cannot import it.
type FixResolver func(s *model.Snapshot, f model.Finding) (model.FixKind, string)

var (
	fixResolverMu sync.RWMutex
	fixResolver   FixResolver
)

// SetFixResolver installs the resolver the runner uses (once, from the
// catalog's init). A second call panics: there is one rule.
func SetFixResolver(r FixResolver) {
	fixResolverMu.Lock()
	defer fixResolverMu.Unlock()
	if fixResolver != nil {
		panic("audit.SetFixResolver: a resolver is already set")
	}
	fixResolver = r
}

// resolveFixes sets each finding's Fix and FixTitle as the resolver says,
// before redaction (the plans read the snapshot, not the report). Without
// a resolver (a binary that does not link the catalog) the declaration
// stands. A resolver that panics on a finding leaves it manual.
func resolveFixes(s *model.Snapshot, fs []model.Finding) {
	fixResolverMu.RLock()
	r := fixResolver
	fixResolverMu.RUnlock()
	if r == nil {
		return
	}
	for i := range fs {
		fs[i].Fix, fs[i].FixTitle = resolveOne(r, s, fs[i])
	}
}

func resolveOne(r FixResolver, s *model.Snapshot, f model.Finding) (kind model.FixKind, title string) {
	defer func() {
		if recover() != nil {
			kind, title = model.FixManual, ""
		}
	}()
	return r(s, f)
}
