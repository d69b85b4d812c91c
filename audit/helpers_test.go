package audit

import (
	"fmt"
	"sort"
	"time"

	"github.com/hardshell/hardshell/model"
)

// cfg builds a merged-config node from Go values, giving every value a
// position in file: line numbers count up in key order (sorted), so tests can
// assert file:line without the parser.
func cfg(file string, v any) *model.Node {
	line := 1
	var build func(v any) *model.Node
	build = func(v any) *model.Node {
		pos := model.Pos{File: file, Line: line, Col: 1}
		line++
		switch x := v.(type) {
		case map[string]any:
			n := &model.Node{Kind: model.KindObject, Pos: pos}
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				kp := model.Pos{File: file, Line: line, Col: 1}
				n.Members = append(n.Members, model.Member{Key: k, KeyPos: kp, Value: build(x[k])})
			}
			return n
		case []any:
			n := &model.Node{Kind: model.KindArray, Pos: pos}
			for _, e := range x {
				n.Elems = append(n.Elems, build(e))
			}
			return n
		case string:
			return &model.Node{Kind: model.KindString, Pos: pos, Str: x, Raw: fmt.Sprintf("%q", x)}
		case bool:
			return &model.Node{Kind: model.KindBool, Pos: pos, Bool: x}
		case int:
			return &model.Node{Kind: model.KindNumber, Pos: pos, Num: float64(x), Raw: fmt.Sprint(x)}
		case nil:
			return &model.Node{Kind: model.KindNull, Pos: pos}
		}
		panic(fmt.Sprintf("cfg: unsupported %T", v))
	}
	return build(v)
}

// snap is a snapshot of the given config (nil map = config missing).
func snap(stateDir string, config map[string]any) *model.Snapshot {
	s := &model.Snapshot{
		Target: model.Target{StateDir: stateDir, ConfigPath: stateDir + "/openclaw.json", ConfigRule: "test"},
		FS:     &model.FSState{},
		Env:    func(string) (string, bool) { return "", false },
		Now:    time.UnixMilli(1_700_000_000_000),
	}
	if config == nil {
		s.ConfigMissing = true
		return s
	}
	s.Doc = &model.Document{Root: cfg(s.Target.ConfigPath, config)}
	return s
}

// hitsFor returns a Run func that always reports the given hits.
func hitsFor(hits ...Hit) func(*model.Snapshot) []Hit {
	return func(*model.Snapshot) []Hit { return hits }
}

func ids(fs []model.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.CheckID
	}
	return out
}
