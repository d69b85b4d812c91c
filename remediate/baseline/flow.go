package baseline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// The baseline flow, one for every front end (issues 11 and 12): the
// questions `hardshell baseline` and the wizard ask (Questions), the
// options their answers give (OptionsFrom), and the preparation of the one
// transaction that writes them (Prepare: a new config, or the edits that
// bring the located one to the baseline, plus the token in <state>/.env
// when asked). The CLI and the wizard differ only in how they collect the
// answers and show the result.

// Question ids of the baseline.
const (
	QChannels  = "channels"
	QDM        = "dm"
	QAllowFrom = "allow_from"
	QGroups    = "groups"
	QMention   = "mention"
	QProfiles  = "profiles"
	QExposure  = "exposure"
)

// DefaultMention is the mention pattern a group-enabled baseline gets when
// none is given.
const DefaultMention = "@openclaw"

// Questions are the baseline's questions, in the order they are asked;
// unanswered ones take their defaults, and the mention patterns apply only
// when groups are on.
func Questions() []model.Question {
	var chans []model.Option
	for _, ch := range KnownChannels {
		chans = append(chans, model.Option{Value: ch, Label: ch})
	}
	return []model.Question{
		{ID: QChannels, Kind: model.MultiSelect, Title: "Which channels does the bot use?", Options: chans},
		{ID: QDM, Kind: model.Select, Title: "Who may DM the bot?", Default: "pairing", Options: []model.Option{
			{Value: "pairing", Label: "Pairing: unknown senders get a code you approve"},
			{Value: "allowlist", Label: "Allowlist: only the sender ids you list"},
		}},
		{ID: QAllowFrom, Kind: model.Text, Title: "Sender ids allowed without pairing (channel:id, comma-separated; may be empty)",
			Validate: func(v string) error { _, err := parseAllowFrom(splitList(v)); return err }},
		{ID: QGroups, Kind: model.Confirm, Title: "Should the bot answer in group chats (only when mentioned)?", Default: "no"},
		{ID: QMention, Kind: model.Text, Title: "Mention patterns (comma-separated)", Default: DefaultMention,
			When: &model.When{ID: QGroups, Values: []string{"yes"}}},
		{ID: QProfiles, Kind: model.Text, Title: "Agents and access profiles (id=personal|readonly|public, comma-separated)",
			Help:     "personal: full access, no sandbox · readonly: family/work, sandbox + read-only tools · public: sandbox, no filesystem/shell · empty: the configured agents (the default one personal, the others read-only), or main=personal",
			Validate: func(v string) error { _, _, err := parseProfiles(splitList(v)); return err }},
		{ID: QExposure, Kind: model.Select, Title: "How do clients reach the gateway?", Default: "loopback", Options: []model.Option{
			{Value: "loopback", Label: "This machine only (loopback)"},
			{Value: "tailnet", Label: "My tailnet, through Tailscale Serve (gateway stays on loopback)"},
		}},
	}
}

// OptionsFrom turns answers to Questions into options (defaults filled in,
// answers to questions that do not apply dropped and returned). Channels
// and DM policies only; the era, the token form and comments are the
// caller's.
func OptionsFrom(given model.Answers) (Options, []model.Question, error) {
	qs := Questions()
	a, ignored := model.Applicable(qs, given)
	o := Options{DM: map[string]DMPolicy{}, Groups: a.Yes(QGroups), MentionPatterns: splitList(a[QMention])}
	for _, ch := range a.List(QChannels) {
		ch = strings.ToLower(ch)
		o.Channels = append(o.Channels, ch)
	}
	dm := strings.TrimSpace(a[QDM])
	if dm != "pairing" && dm != "allowlist" {
		return o, ignored, fmt.Errorf("DM policy %q: use pairing or allowlist", dm)
	}
	for _, ch := range o.Channels {
		o.DM[ch] = DMPolicy{Policy: dm}
	}
	allow, err := parseAllowFrom(splitList(a[QAllowFrom]))
	if err != nil {
		return o, ignored, err
	}
	for _, e := range allow {
		d, known := o.DM[e.channel]
		if !known {
			return o, ignored, fmt.Errorf("allowed sender %q: %s is not one of the channels", e.channel+":"+e.id, e.channel)
		}
		d.AllowFrom = append(d.AllowFrom, e.id)
		o.DM[e.channel] = d
	}
	if o.Profiles, o.DefaultAgent, err = parseProfiles(splitList(a[QProfiles])); err != nil {
		return o, ignored, err
	}
	if o.Exposure, err = ParseExposure(a[QExposure]); err != nil {
		return o, ignored, err
	}
	return o, ignored, nil
}

type sender struct{ channel, id string }

// parseAllowFrom reads channel:id entries (the id may itself hold colons:
// telegram:42, signal:uuid:…).
func parseAllowFrom(entries []string) ([]sender, error) {
	var out []sender
	for _, e := range entries {
		ch, id, ok := strings.Cut(e, ":")
		ch = strings.ToLower(strings.TrimSpace(ch))
		if !ok || ch == "" || strings.TrimSpace(id) == "" {
			return nil, fmt.Errorf("allowed sender %q: write channel:id, e.g. telegram:123456789", e)
		}
		out = append(out, sender{ch, strings.TrimSpace(id)})
	}
	return out, nil
}

// parseProfiles reads id=profile entries; the default agent is main when
// listed, else the first id in sorted order ("" when none are given).
func parseProfiles(entries []string) (map[string]Profile, string, error) {
	if len(entries) == 0 {
		return nil, "", nil
	}
	out := map[string]Profile{}
	for _, e := range entries {
		id, p, ok := strings.Cut(e, "=")
		if !ok {
			return nil, "", fmt.Errorf("agent profile %q: write agent=profile, e.g. main=personal", e)
		}
		prof, err := ParseProfile(p)
		if err != nil {
			return nil, "", fmt.Errorf("agent profile %q: %v", e, err)
		}
		out[strings.TrimSpace(id)] = prof
	}
	if _, ok := out["main"]; ok {
		return out, "", nil
	}
	ids := make([]string, 0, len(out))
	for id := range out {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return out, ids[0], nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ParseEra reads the --era choice: auto (EraUnknown: the target's era),
// 2026.2 (agents.list) or 2026.9 (agents.entries).
func ParseEra(s string) (model.Era, error) {
	switch strings.TrimSpace(s) {
	case "auto", "":
		return model.EraUnknown, nil
	case "2026.2", "guide", "list":
		return model.EraGuide, nil
	case "2026.9", "2026.7", "modern", "entries":
		return model.EraModern, nil
	}
	return model.EraUnknown, fmt.Errorf("era %q: use auto, 2026.2 or 2026.9", s)
}

// Request is what a front end asks of the baseline.
type Request struct {
	Answers model.Answers // to Questions
	// Era is the config shape; EraUnknown takes the target's.
	Era      model.Era
	TokenEnv bool // the token goes to <state>/.env, the config references it
	Comments bool
	// Merge edits the located config (only tightening) instead of writing
	// a new one.
	Merge bool
	// Output is the new file (not Merge); "" = the located config, which
	// must not exist yet unless Force.
	Output string
	Force  bool
	// Validate is the installed OpenClaw's validator, or nil.
	Validate remediate.Validator
}

// Plan is a prepared baseline: what to show and the transaction to commit.
type Plan struct {
	Options Options // normalized: the token is the one written
	Ignored []model.Question
	Merge   bool
	Target  string // the config written
	// Data is the new config (not Merge); Prepared.Diff() shows a merge.
	Data []byte
	// Prepared holds the transaction; nil when a merge has nothing to
	// change.
	Prepared *remediate.Prepared
	// Warnings are notes for the operator (the validator could not run).
	Warnings []string
}

// InputError is a request the baseline refuses as bad input (the CLI's
// exit 2); other errors are refusals of the candidate (exit 1).
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func bad(err error) error { return &InputError{Err: err} }

// ExistsError is a new config whose path exists (without Force).
type ExistsError struct{ Path string }

func (e *ExistsError) Error() string {
	return e.Path + " exists; merge the baseline into it, or replace it (it is backed up)"
}

// Prepare plans the baseline on s for req. The workspaces follow the
// target state dir (the home's default one is written ~/.openclaw, as
// OpenClaw's onboarding does); without profiles the configured agents keep
// theirs (AgentProfiles), else main is personal; a merge without channels
// tightens every channel the config has.
func Prepare(ctx context.Context, s *model.Snapshot, req Request) (*Plan, error) {
	o, ignored, err := OptionsFrom(req.Answers)
	if err != nil {
		return nil, bad(err)
	}
	o.Era, o.TokenEnv, o.Comments = req.Era, req.TokenEnv, req.Comments
	if o.Era == model.EraUnknown {
		o.Era = s.Era.Era
	}
	if s.Target.Home == "" || filepath.Clean(s.Target.StateDir) != filepath.Join(s.Target.Home, ".openclaw") {
		o.StateDir = s.Target.StateDir
	}
	if len(o.Profiles) == 0 && s.Doc != nil {
		if p := AgentProfiles(s.Doc); len(p) > 0 {
			o.Profiles = p
			for _, a := range s.Doc.Agents() {
				if a.Default {
					o.DefaultAgent = a.ID
				}
			}
		}
	}
	if req.Merge && len(o.Channels) == 0 && s.Doc != nil {
		dm := strings.TrimSpace(req.Answers[QDM])
		if dm == "" {
			dm = "pairing"
		}
		for _, sc := range s.Doc.Scopes() {
			if sc.Account == "" && slices.Contains(KnownChannels, sc.Channel) && !slices.Contains(o.Channels, sc.Channel) {
				o.Channels = append(o.Channels, sc.Channel)
				o.DM[sc.Channel] = DMPolicy{Policy: dm}
			}
		}
	}
	if err := o.Normalize(); err != nil {
		return nil, bad(err)
	}
	pl := &Plan{Options: o, Ignored: ignored, Merge: req.Merge}
	if req.Merge {
		return pl, pl.merge(ctx, s, req)
	}
	return pl, pl.write(s, req)
}

func (pl *Plan) merge(ctx context.Context, s *model.Snapshot, req Request) error {
	pl.Target = s.Target.ConfigPath
	if s.ConfigMissing {
		return bad(fmt.Errorf("no config at %s to merge into; write one without merging first", s.Target.ConfigPath))
	}
	if s.DocErr != nil {
		return bad(s.DocErr)
	}
	edits, err := Merge(s.Doc, pl.Options)
	if err != nil {
		return bad(err)
	}
	cs := model.ChangeSet{Edits: edits}
	if pl.Options.TokenEnv && slices.ContainsFunc(edits, func(e model.Edit) bool { return e.Path == "gateway.auth.token" }) {
		w, err := tokenEnvWrite(s, s.Target.StateDir, pl.Options.Token)
		if err != nil {
			return err
		}
		cs.Writes = append(cs.Writes, w.FileWrite)
	}
	if cs.Empty() {
		return nil
	}
	pl.Prepared, err = remediate.Prepare(ctx, s, cs, req.Validate)
	return err
}

func (pl *Plan) write(s *model.Snapshot, req Request) error {
	target, stateDir := s.Target.ConfigPath, s.Target.StateDir
	if req.Output != "" {
		abs, err := filepath.Abs(req.Output)
		if err != nil {
			return bad(err)
		}
		target, stateDir = abs, filepath.Dir(abs)
	}
	pl.Target = target
	_, err := s.Sys().Lstat(target)
	exists := err == nil
	switch {
	case exists && !req.Force:
		return bad(&ExistsError{Path: target})
	case !exists && !errors.Is(err, fs.ErrNotExist):
		return bad(err)
	}
	data, err := Render(pl.Options)
	if err != nil {
		return bad(err)
	}
	pl.Data = data
	files := map[string][]byte{target: data}
	t := remediate.NewTxn(stateDir)
	t.AllowIn(filepath.Dir(target)) // the config's own folder
	if !exists {
		t.TrackMissing(target) // a config appearing meanwhile is drift
	}
	t.Write(target, data, 0o600, "secure baseline")
	if pl.Options.TokenEnv {
		w, err := tokenEnvWrite(s, stateDir, pl.Options.Token)
		if err != nil {
			return err
		}
		// the commit refuses a .env that no longer holds the bytes the
		// token was added to
		if w.old == nil {
			t.TrackMissing(w.Path)
		} else {
			t.Track(w.Path, w.old)
		}
		t.Write(w.Path, w.Data, w.Mode, w.Reason)
	}
	if req.Validate != nil {
		msgs, err := req.Validate(target, map[string][]byte{target: data})
		switch {
		case err != nil:
			pl.Warnings = append(pl.Warnings, fmt.Sprintf("could not run openclaw config validate: %v", err))
		case len(msgs) > 0:
			return &remediate.ValidationError{Reasons: append([]string{"the installed OpenClaw rejects the baseline (try another era)"}, msgs...)}
		}
	}
	pl.Prepared = &remediate.Prepared{Snapshot: s, Files: files, Txn: t}
	return nil
}

// envWrite is a .env write and the bytes it was rendered from (nil: the
// file was absent).
type envWrite struct {
	model.FileWrite
	old []byte
}

// tokenEnvWrite is <stateDir>/.env with the gateway token set (the one .env
// writer; a linked .env is refused). The snapshot's own .env is the bytes
// the snapshot read (Snapshot.Dotenv), so the drift check under the lock
// covers what the plan came from; a .env beside an --output config outside
// the state dir is not in the snapshot and is read here.
func tokenEnvWrite(s *model.Snapshot, stateDir, token string) (envWrite, error) {
	const onSymlink = "hardshell does not write through it"
	envPath := filepath.Join(stateDir, ".env")
	var old []byte
	var err error
	if filepath.Clean(envPath) == filepath.Clean(s.DotenvPath()) {
		old, err = s.Dotenv(onSymlink)
	} else {
		old, err = remediate.ReadUnlinked(envPath, onSymlink)
	}
	if err != nil {
		return envWrite{}, bad(err)
	}
	env, err := remediate.UpsertDotenv(old, TokenVar, token)
	if err != nil {
		return envWrite{}, bad(fmt.Errorf("%s: %w", envPath, err))
	}
	return envWrite{FileWrite: model.FileWrite{Path: envPath, Data: env, Mode: 0o600, Reason: "gateway token for ${" + TokenVar + "}"}, old: old}, nil
}
