package audit

import (
	"sync"

	"github.com/hardshell/hardshell/model"
)

// FixResolver returns, for one audit of s, what says how each finding is
// fixed on s: its kind as it applies to this config and the title of the
// fix offered ("" = none). The returned function may remember plans across
// the findings of that one run. The catalog of fixes (remediate/fix)
// registers the one resolver; audit cannot import it.
type FixResolver func(s *model.Snapshot) func(f model.Finding) (model.FixKind, string)

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
	resolve := r(s)
	for i := range fs {
		fs[i].Fix, fs[i].FixTitle = resolveOne(resolve, fs[i])
	}
}

func resolveOne(resolve func(model.Finding) (model.FixKind, string), f model.Finding) (kind model.FixKind, title string) {
	defer func() {
		if recover() != nil {
			kind, title = model.FixManual, ""
		}
	}()
	return resolve(f)
}
