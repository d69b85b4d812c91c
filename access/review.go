package access

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/statedb"
)

// Sender sources.
const (
	SourceConfig = "config"
	SourceStore  = "store"
)

// Store kinds: where a state dir keeps its pairing and device state.
const (
	StoreSQLite = "sqlite" // 2026.9: state/openclaw.sqlite
	StoreJSON   = "json"   // 2026.2: credentials/, devices/, exec-approvals.json
)

// Sender is one sender admitted to a channel account.
type Sender struct {
	ID     string `json:"id"`
	Source string `json:"source"` // "config" | "store"
	// Kind is "dm" (allowFrom, the pairing store) or "group" (groupAllowFrom).
	Kind string `json:"kind"`
	// Where is the config path or the store (a file, or the DB table).
	Where string `json:"where"`
	// Counts is false for a store entry the gateway ignores under the
	// account's current dmPolicy (2026.9 reads the store only under
	// "pairing").
	Counts bool `json:"counts"`
}

// Channel is one channel account.
type Channel struct {
	Channel     string           `json:"channel"`
	Account     string           `json:"account"`
	Path        string           `json:"path,omitempty"` // config path of the scope ("" when only the store knows the account)
	DMPolicy    string           `json:"dmPolicy"`
	GroupPolicy string           `json:"groupPolicy"`
	Senders     []Sender         `json:"senders"`
	Pending     []PairingRequest `json:"pending"`
	// StoreUpdatedAt is the last write to the channel's pairing state
	// (2026.9; approval times are not stored).
	StoreUpdatedAt time.Time `json:"storeUpdatedAt,omitempty"`
}

// Devices are the paired and pending devices and nodes.
type Devices struct {
	Paired  []Device        `json:"paired"`
	Pending []DeviceRequest `json:"pending"`
}

// Review is who may reach the gateway.
type Review struct {
	Store         string         `json:"store"` // StoreSQLite or StoreJSON
	StateDB       string         `json:"stateDb,omitempty"`
	Channels      []Channel      `json:"channels"`
	Devices       Devices        `json:"devices"`
	ExecApprovals []ExecApproval `json:"execApprovals"`
	// ExecPolicies are the exec security/ask defaults and per-agent
	// overrides of the approvals document.
	ExecPolicies []ExecAgentPolicy `json:"execPolicies"`
	// Problems are the stores that could not be read (each names its file).
	Problems []string `json:"problems,omitempty"`

	// DB is the state DB as read (nil in the JSON era); Err is set when it
	// could not be read.
	DB *StateDB `json:"-"`
	// Now is the time the review's ages and expiries are relative to.
	Now time.Time `json:"-"`
}

// Options tune Load.
type Options struct {
	// Context bounds the DB read (nil = Background).
	Context context.Context
}

type memoKey struct{}

// FromSnapshot is the review of a snapshot, built once per snapshot (the
// audit areas share it).
func FromSnapshot(s *model.Snapshot) *Review {
	if s == nil || s.Target.StateDir == "" {
		return &Review{Store: StoreJSON} // a hand-built snapshot: no state dir to read
	}
	return s.Memo(memoKey{}, func() any { return Load(s, Options{}) }).(*Review)
}

// baseFS is the file system under the snapshot's recorder: the DB changes
// while the gateway runs, so it is evidence, not an input a later commit
// should re-check.
func baseFS(s *model.Snapshot) fsys.FS {
	if s.Reads != nil {
		return s.Reads.FS
	}
	return fsys.Local{}
}

// Load builds the review of a snapshot: config senders per channel and
// account, the stores of the state dir's era, devices and exec approvals.
func Load(s *model.Snapshot, o Options) *Review {
	ctx := o.Context
	if ctx == nil {
		ctx = context.Background()
	}
	r := &Review{Now: s.Now, Channels: []Channel{}, Devices: Devices{Paired: []Device{}, Pending: []DeviceRequest{}}, ExecApprovals: []ExecApproval{}, ExecPolicies: []ExecAgentPolicy{}}
	stateDir := s.Target.StateDir
	db := ReadStateDB(ctx, baseFS(s), stateDir, s.Now)
	if db.Exists {
		r.Store, r.DB, r.StateDB = StoreSQLite, db, db.Path
		if db.Err != nil {
			r.Problems = append(r.Problems, db.Err.Error())
		}
	} else {
		r.Store = StoreJSON
	}
	r.buildChannels(s)
	if r.Store == StoreSQLite {
		r.fromDB(db)
	} else {
		r.fromJSON(s)
	}
	return r
}

// AccountKey is how OpenClaw keys a store account: lower case, "default"
// when absent.
func AccountKey(a string) string {
	a = strings.ToLower(strings.TrimSpace(a))
	if a == "" {
		return "default"
	}
	return a
}

// ChannelKey is OpenClaw's safeChannelKey: lower case, path characters
// and ".." replaced by "_".
func ChannelKey(c string) string {
	c = strings.ToLower(strings.TrimSpace(c))
	c = strings.NewReplacer(`\`, "_", "/", "_", ":", "_", "*", "_", "?", "_", `"`, "_", "<", "_", ">", "_", "|", "_", "..", "_").Replace(c)
	return c
}

// NormEntry normalises a sender id for comparison: trimmed, lower case,
// a leading "<channel>:" (and telegram's "tg:") dropped.
func NormEntry(channel, e string) string {
	e = strings.ToLower(strings.TrimSpace(e))
	for _, p := range []string{strings.ToLower(channel) + ":", "tg:"} {
		if channel == "telegram" || p != "tg:" {
			e = strings.TrimPrefix(e, p)
		}
	}
	return e
}

// scopeAccount is the store account of a config scope: an account's own
// key, or for the channel level the channel's defaultAccount ?? "default".
func scopeAccount(sc model.Scope) string {
	if sc.Account != "" {
		return AccountKey(sc.Account)
	}
	if n, _ := sc.Get("defaultAccount"); n != nil && n.Text() != "" {
		return AccountKey(n.Text())
	}
	return "default"
}

// ScopeFor finds the config scope of a store account (nil when the config
// has no such channel).
func ScopeFor(s *model.Snapshot, channel, account string) *model.Scope {
	if s == nil || s.Doc == nil {
		return nil
	}
	var chLevel *model.Scope
	for _, sc := range s.Doc.Scopes() {
		if ChannelKey(sc.Channel) != ChannelKey(channel) {
			continue
		}
		if sc.Account == "" {
			c := sc
			chLevel = &c
			continue
		}
		if AccountKey(sc.Account) == AccountKey(account) {
			c := sc
			return &c
		}
	}
	return chLevel // accounts inherit the channel level
}

// StoreCounts reports whether the gateway reads the pairing store for a
// scope's DMs: in 2026.9 only under dmPolicy "pairing" (and never for
// groups); 2026.2 merges it under every policy.
func StoreCounts(store, dmPolicy string) bool {
	if store == StoreSQLite {
		return dmPolicy == "pairing"
	}
	return dmPolicy != "disabled"
}

func (r *Review) channel(ch, acct string) *Channel {
	for i := range r.Channels {
		if ChannelKey(r.Channels[i].Channel) == ChannelKey(ch) && r.Channels[i].Account == AccountKey(acct) {
			return &r.Channels[i]
		}
	}
	return nil
}

// buildChannels lists every enabled channel account of the config with its
// config senders. A channel with accounts lists its accounts; one without
// lists itself as its default account.
func (r *Review) buildChannels(s *model.Snapshot) {
	if s.Doc == nil {
		return
	}
	hasAccounts := map[string]bool{}
	for _, sc := range s.Doc.Scopes() {
		if sc.Account != "" {
			hasAccounts[sc.Channel] = true
		}
	}
	for _, sc := range s.Doc.Scopes() {
		if !sc.Enabled() || s.Doc.Get("channels").Get(sc.Channel).Get("enabled").IsFalse() {
			continue
		}
		if sc.Account == "" && hasAccounts[sc.Channel] {
			continue
		}
		c := Channel{Channel: sc.Channel, Account: scopeAccount(sc), Path: sc.Path, DMPolicy: sc.DMPolicy().Value,
			GroupPolicy: sc.GroupPolicy(s.Doc).Value, Senders: []Sender{}, Pending: []PairingRequest{}}
		if allow, p := sc.AllowFrom(); len(allow) > 0 {
			for _, e := range allow {
				if strings.TrimSpace(e) == "" {
					continue
				}
				c.Senders = append(c.Senders, Sender{ID: strings.TrimSpace(e), Source: SourceConfig, Kind: "dm", Where: p, Counts: c.DMPolicy != "disabled"})
			}
		}
		if n, p := sc.Get("groupAllowFrom"); n != nil {
			for _, e := range n.Strings() {
				if strings.TrimSpace(e) == "" {
					continue
				}
				c.Senders = append(c.Senders, Sender{ID: strings.TrimSpace(e), Source: SourceConfig, Kind: "group", Where: p, Counts: c.GroupPolicy != "disabled"})
			}
		}
		r.Channels = append(r.Channels, c)
	}
}

// ensureChannel returns the channel account, adding one the config does not
// know (a store account of a removed channel or account) with the policies
// of its channel level, if any.
func (r *Review) ensureChannel(s *model.Snapshot, ch, acct string) *Channel {
	if c := r.channel(ch, acct); c != nil {
		return c
	}
	c := Channel{Channel: ch, Account: AccountKey(acct), Senders: []Sender{}, Pending: []PairingRequest{}}
	if sc := ScopeFor(s, ch, acct); sc != nil {
		c.DMPolicy, c.GroupPolicy = sc.DMPolicy().Value, sc.GroupPolicy(s.Doc).Value
	}
	r.Channels = append(r.Channels, c)
	return &r.Channels[len(r.Channels)-1]
}

func (r *Review) addStoreSender(c *Channel, id, where string) {
	c.Senders = append(c.Senders, Sender{ID: id, Source: SourceStore, Kind: "dm", Where: where, Counts: StoreCounts(r.Store, c.DMPolicy)})
}

func (r *Review) sortAll() {
	sort.SliceStable(r.Channels, func(i, j int) bool {
		a, b := r.Channels[i], r.Channels[j]
		if a.Channel != b.Channel {
			return a.Channel < b.Channel
		}
		return a.Account < b.Account
	})
}

func (r *Review) fromDB(db *StateDB) {
	defer r.sortAll()
	if db.Err != nil {
		return
	}
	where := statedb.DBRel + " channel_pairing_allow_entries"
	for _, e := range db.AllowEntries {
		c := r.ensureChannelNoSnap(e.Channel, e.Account)
		r.addStoreSender(c, e.Entry, where)
		if e.UpdatedAt.After(c.StoreUpdatedAt) {
			c.StoreUpdatedAt = e.UpdatedAt
		}
	}
	for _, q := range db.Requests {
		c := r.ensureChannelNoSnap(q.Channel, q.Account)
		c.Pending = append(c.Pending, q)
	}
	r.Devices.Paired = append(r.Devices.Paired, db.DevPaired...)
	r.Devices.Pending = append(r.Devices.Pending, db.DevPending...)
	if db.Exec != nil {
		r.ExecApprovals = append(r.ExecApprovals, db.Exec.Entries...)
		r.ExecPolicies = append(r.ExecPolicies, db.Exec.Policies...)
	}
}

// ensureChannelNoSnap is ensureChannel for a store account unknown to the
// config's listing (policies left empty: the config does not enable it).
func (r *Review) ensureChannelNoSnap(ch, acct string) *Channel {
	if c := r.channel(ch, acct); c != nil {
		return c
	}
	r.Channels = append(r.Channels, Channel{Channel: ch, Account: AccountKey(acct), Senders: []Sender{}, Pending: []PairingRequest{}})
	return &r.Channels[len(r.Channels)-1]
}

// jsonPairing is credentials/<channel>-pairing.json.
type jsonPairing struct {
	Requests []struct {
		ID         string         `json:"id"`
		Code       string         `json:"code"`
		CreatedAt  string         `json:"createdAt"`
		LastSeenAt string         `json:"lastSeenAt"`
		Meta       map[string]any `json:"meta"`
	} `json:"requests"`
}

func (r *Review) fromJSON(s *model.Snapshot) {
	defer r.sortAll()
	if s.FS == nil {
		return
	}
	for _, ps := range s.FS.PairingStores {
		if ps.Err != nil {
			r.Problems = append(r.Problems, ps.File.Path+": "+ps.Err.Error())
			continue
		}
		c := r.ensureChannel(s, ps.Channel, ps.Account)
		for _, e := range ps.Entries {
			r.addStoreSender(c, e, ps.File.Path)
		}
	}
	for _, pp := range s.FS.Pending {
		if pp.File.Err != nil {
			r.Problems = append(r.Problems, pp.File.Path+": "+pp.File.Err.Error())
			continue
		}
		data, err := s.ReadFile(pp.File.Path, fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxStore})
		if err != nil {
			continue // ScanFS already listed it as unreadable
		}
		var v jsonPairing
		if err := json.Unmarshal(data, &v); err != nil {
			continue
		}
		for _, q := range v.Requests {
			meta := stringMap(q.Meta)
			acct := meta["accountId"]
			pr := PairingRequest{Channel: pp.Channel, Account: AccountKey(acct), ID: q.ID, Code: q.Code, CreatedAt: isoTime(q.CreatedAt), LastSeenAt: isoTime(q.LastSeenAt), Meta: meta}
			pr.Expired = expiredDM(pr.CreatedAt, r.Now)
			c := r.ensureChannel(s, pp.Channel, acct)
			c.Pending = append(c.Pending, pr)
		}
	}
	r.devicesJSON(s)
	r.execJSON(s)
}

// JSON-era device stores.
type jsonDevice struct {
	RequestID   string   `json:"requestId"`
	DeviceID    string   `json:"deviceId"`
	DisplayName string   `json:"displayName"`
	Platform    string   `json:"platform"`
	ClientID    string   `json:"clientId"`
	ClientMode  string   `json:"clientMode"`
	Role        string   `json:"role"`
	Roles       []string `json:"roles"`
	Scopes      []string `json:"scopes"`
	RemoteIP    string   `json:"remoteIp"`
	IsRepair    bool     `json:"isRepair"`
	TS          int64    `json:"ts"`
	CreatedAtMs int64    `json:"createdAtMs"`
	ApprovedAt  int64    `json:"approvedAtMs"`
	Tokens      map[string]struct {
		RevokedAtMs  int64 `json:"revokedAtMs"`
		LastUsedAtMs int64 `json:"lastUsedAtMs"`
	} `json:"tokens"`
}

// DevicesDir is the 2026.2 device store folder.
func DevicesDir(stateDir string) string { return filepath.Join(stateDir, "devices") }

// readJSONMap reads a 2026.2 device store. It is read beside the
// snapshot's recorder, not through it: the gateway rewrites these files on
// every token login (lastUsedAtMs), and an unrelated fix must not be
// refused for that drift (an access action re-reads them in its own
// transaction).
func (r *Review) readJSONMap(s *model.Snapshot, path string) map[string]jsonDevice {
	data, err := baseFS(s).ReadFile(path, fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxStore})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		r.Problems = append(r.Problems, path+": "+err.Error())
		return nil
	}
	m := map[string]jsonDevice{}
	if err := json.Unmarshal(data, &m); err != nil {
		r.Problems = append(r.Problems, JSONErr(path, data, err))
		return nil
	}
	return m
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func (r *Review) devicesJSON(s *model.Snapshot) {
	dir := DevicesDir(s.Target.StateDir)
	for _, d := range r.readJSONMap(s, filepath.Join(dir, "pending.json")) {
		q := DeviceRequest{RequestID: d.RequestID, DeviceID: d.DeviceID, DisplayName: d.DisplayName, Platform: d.Platform, ClientID: d.ClientID,
			ClientMode: d.ClientMode, Role: d.Role, Roles: nonNil(d.Roles), Scopes: nonNil(d.Scopes), RemoteIP: d.RemoteIP, IsRepair: d.IsRepair, RequestedAt: msInt(d.TS)}
		q.Expired = r.Now.Sub(q.RequestedAt) > DevicePendingTTL
		r.Devices.Pending = append(r.Devices.Pending, q)
	}
	for _, d := range r.readJSONMap(s, filepath.Join(dir, "paired.json")) {
		p := Device{DeviceID: d.DeviceID, DisplayName: d.DisplayName, Platform: d.Platform, ClientID: d.ClientID, ClientMode: d.ClientMode,
			Role: d.Role, Roles: nonNil(d.Roles), Scopes: nonNil(d.Scopes), RemoteIP: d.RemoteIP, CreatedAt: msInt(d.CreatedAtMs), ApprovedAt: msInt(d.ApprovedAt), ActiveRoles: []string{}}
		for role, t := range d.Tokens {
			if t.RevokedAtMs == 0 {
				p.ActiveRoles = append(p.ActiveRoles, role)
			}
			if u := msInt(t.LastUsedAtMs); u.After(p.LastSeen) {
				p.LastSeen, p.LastSeenReason = u, "token-login"
			}
		}
		sort.Strings(p.ActiveRoles)
		r.Devices.Paired = append(r.Devices.Paired, p)
	}
	sort.Slice(r.Devices.Pending, func(i, j int) bool { return r.Devices.Pending[i].RequestedAt.Before(r.Devices.Pending[j].RequestedAt) })
	sort.Slice(r.Devices.Paired, func(i, j int) bool { return r.Devices.Paired[i].ApprovedAt.Before(r.Devices.Paired[j].ApprovedAt) })
}

func (r *Review) execJSON(s *model.Snapshot) {
	fi := s.FS.ExecApprovals
	if !fi.Exists || fi.IsDir {
		return
	}
	data, err := s.ReadFile(fi.Path, model.ExecApprovalsRead)
	if err != nil {
		return // listed as unreadable by Load
	}
	ex, err := parseExecDoc(data, fi.Path)
	if err != nil {
		r.Problems = append(r.Problems, fi.Path+": "+err.Error())
		return
	}
	r.ExecApprovals = append(r.ExecApprovals, ex.Entries...)
	r.ExecPolicies = append(r.ExecPolicies, ex.Policies...)
}

// DMStoreSenders are the store-approved DM senders of a config scope that
// the gateway admits under the scope's dmPolicy (normalised ids), and
// where they are stored. Used by the audit's sender reasoning.
func (r *Review) DMStoreSenders(sc model.Scope) (ids []string, where string) {
	if r == nil || r.Store != StoreSQLite || r.DB == nil || r.DB.Err != nil {
		return nil, ""
	}
	if !StoreCounts(r.Store, sc.DMPolicy().Value) {
		return nil, ""
	}
	acct := scopeAccount(sc)
	for _, e := range r.DB.AllowEntries {
		if e.Channel == ChannelKey(sc.Channel) && e.Account == acct {
			ids = append(ids, NormEntry(sc.Channel, e.Entry))
		}
	}
	if len(ids) > 0 {
		where = r.DB.Path + " (channel_pairing_allow_entries " + ChannelKey(sc.Channel) + "/" + acct + ")"
	}
	return ids, where
}

// JSONErr names a JSON parse error with file:line:col when the decoder
// says where.
func JSONErr(path string, data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return path + ": cannot parse: " + err.Error()
	}
	line, col := 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("%s:%d:%d: cannot parse: %v", path, line, col, err)
}
