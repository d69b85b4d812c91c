package act

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/access"
	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/statedb"
)

// CLIArgs is the openclaw command that makes the action, when the CLI has
// one: `pairing approve` (works offline, writes the DB itself) and
// `devices approve|reject|remove` (through the running gateway, which
// notifies the device). DM reject and revoke have no CLI command.
func CLIArgs(p *access.Plan) []string {
	a := p.Action
	switch a.Kind {
	case access.Approve:
		args := []string{"pairing", "approve", a.Channel, p.Req.Code}
		if p.Acct != "" && p.Acct != "default" {
			args = append(args, "--account", p.Acct)
		}
		return args
	case access.DeviceReject:
		return []string{"devices", "reject", p.DevReq.RequestID}
	case access.DeviceRemove:
		return []string{"devices", "remove", p.Dev.DeviceID}
	}
	return nil
}

// tableKeys are the primary keys of the tables the CLI's actions change.
var tableKeys = map[string][]string{
	"channel_pairing_requests":      keyRequests,
	"channel_pairing_allow_entries": keyAllow,
	"device_pairing_pending":        keyDevPend,
	"device_pairing_paired":         keyDevPair,
}

// watched reads the rows an action may change, from a snapshot of the DB
// read through the transactions' file system (the remote's over --host).
func watched(ctx context.Context, stateDir string, p *access.Plan) (map[string][]remediate.Row, error) {
	cp, cleanup, err := statedb.Snapshot(remediate.FS(), statedb.DBPath(stateDir))
	if err != nil {
		return nil, err
	}
	defer cleanup()
	db, _, err := statedb.OpenCopy(ctx, cp)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	out := map[string][]remediate.Row{}
	if p.Action.Kind == access.Approve {
		for _, t := range []string{"channel_pairing_requests", "channel_pairing_allow_entries"} {
			rows, err := remediate.ReadRows(ctx, db, "SELECT * FROM "+t+" WHERE channel_key = ?", access.ChannelKey(p.Action.Channel))
			if err != nil {
				return nil, err
			}
			out[t] = rows
		}
		return out, nil
	}
	for _, t := range []string{"device_pairing_pending", "device_pairing_paired"} {
		rows, err := remediate.ReadRows(ctx, db, "SELECT * FROM "+t)
		if err != nil {
			return nil, err
		}
		out[t] = rows
	}
	return out, nil
}

func rowKey(key []string, r remediate.Row) string {
	var b strings.Builder
	for _, k := range key {
		fmt.Fprintf(&b, "%v\x00", r[k])
	}
	return b.String()
}

// diffRows is the row changes between two reads: rows that went and rows
// that came; an updated row counts only in the device tables (OpenClaw
// rewrites every allow entry's updated_at and sort_order on any write to a
// channel, which is not the action's change).
func diffRows(before, after map[string][]remediate.Row) []remediate.RowChange {
	var out []remediate.RowChange
	tables := make([]string, 0, len(before))
	for t := range before {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, t := range tables {
		key := tableKeys[t]
		a := map[string]remediate.Row{}
		for _, r := range after[t] {
			a[rowKey(key, r)] = r
		}
		b := map[string]bool{}
		for _, r := range before[t] {
			k := rowKey(key, r)
			b[k] = true
			switch nr, ok := a[k]; {
			case !ok:
				out = append(out, remediate.RowChange{Table: t, Key: key, Before: r})
			case strings.HasPrefix(t, "device_") && fmt.Sprint(nr) != fmt.Sprint(r):
				out = append(out, remediate.RowChange{Table: t, Key: key, Before: r, After: nr})
			}
		}
		for _, r := range after[t] {
			if !b[rowKey(key, r)] {
				out = append(out, remediate.RowChange{Table: t, Key: key, After: r})
			}
		}
	}
	return out
}

// CLIResult is what running the real CLI did.
type CLIResult struct {
	Output string
	Set    *remediate.BackupSet
	// ConfigChanged: the CLI also rewrote the config (2026.9's first DM
	// approval sets commands.ownerAllowFrom when it is empty).
	ConfigChanged bool
}

// ApplyViaCLI makes a 2026.9 action with the real CLI, reading the rows it
// may change before and after, and records what changed as a backup set
// (restored by key like hardshell's own writes).
func ApplyViaCLI(ctx context.Context, s *model.Snapshot, p *access.Plan, cli CLI, o ApplyOptions) (*CLIResult, error) {
	args := CLIArgs(p)
	if args == nil {
		return nil, fmt.Errorf("openclaw has no command for %s", p.Action.Kind)
	}
	state := s.Target.StateDir
	before, err := watched(ctx, state, p)
	if err != nil {
		return nil, err
	}
	cfgBefore, _ := remediate.FS().ReadFile(s.Target.ConfigPath, fsys.ReadOptions{MaxSize: fsys.MaxConfig})
	res := &CLIResult{}
	res.Output, err = RunCLI(ctx, cli, s.Target, args)
	if err != nil {
		return res, err
	}
	after, err := watched(ctx, state, p)
	if err != nil {
		return res, fmt.Errorf("openclaw ran, but the state DB could not be read back to record the change: %w", err)
	}
	cfgAfter, _ := remediate.FS().ReadFile(s.Target.ConfigPath, fsys.ReadOptions{MaxSize: fsys.MaxConfig})
	res.ConfigChanged = !bytes.Equal(cfgBefore, cfgAfter)
	res.Set, err = remediate.RecordRows(state, remediate.BackupMeta{Command: p.Action.Command() + " (via openclaw " + strings.Join(args[:2], " ") + ")", ToolVersion: o.ToolVersion}, diffRows(before, after))
	return res, err
}
