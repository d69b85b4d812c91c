package tui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
	"github.com/hardshell/hardshell/remediate/baseline"
)

// BaselineFlow is `hardshell baseline` in the wizard (issue 7, part 4):
// toggle channels, DM policy, groups, exposure and where the token goes, then review — a new
// commented openclaw.json when there is none, or the edits that bring the
// existing one to the baseline (only tightening, comments kept) — and
// write it once with a backup. The token is shown masked only. Agent
// profiles and allowlist ids are asked by `hardshell baseline` and the
// first-run flow; here the questions' defaults apply (the default agent
// personal, every other configured agent read-only), and the preparation
// is the CLI's (baseline.Prepare), so the same answers write the same files.
type BaselineFlow struct{}

func (BaselineFlow) Name() string { return "Generate a secure baseline" }
func (BaselineFlow) Description() string {
	return "Write the security guide's secure baseline — loopback gateway with a fresh token, pairing DMs, " +
		"mention-gated groups, per-agent profiles, no elevated exec, minimal mDNS — with a comment on each setting, " +
		"or merge it into your existing config (only tightening, comments kept). Reviewed as a diff before anything is written."
}
func (BaselineFlow) Start(o Options) tea.Model {
	return &baselineModel{opts: o, channels: map[string]bool{"telegram": true}, dm: "pairing", exposure: baseline.Loopback}
}

type baselineModel struct {
	opts Options
	w, h int
	err  error

	cursor   int
	channels map[string]bool
	dm       string
	groups   bool
	exposure baseline.Exposure
	tokenEnv bool // the token in <state>/.env, the config referencing it

	working bool
	token   string
	prep    *remediate.Prepared
	merge   bool
	set     *remediate.BackupSet
	target  string
	pane    diffPane // the review, scrolled
}

type baselinePlannedMsg struct {
	prep   *remediate.Prepared
	merge  bool
	token  string
	target string
	err    error
}

type baselineDoneMsg struct {
	set *remediate.BackupSet
	err error
}

// rows: channels…, then dm, groups, exposure, token.
func (m *baselineModel) rows() int { return len(baseline.KnownChannels) + 4 }

func (m *baselineModel) Init() tea.Cmd { return nil }

// Summary is printed after the program exits.
func (m *baselineModel) Summary() string {
	if m.set == nil {
		return ""
	}
	return "Secure baseline written to " + m.target + "; backup " + m.opts.undoText(m.set.ID) + ". Next: openclaw config validate; openclaw gateway restart."
}

// answers are the toggles as answers to baseline.Questions (the mention
// patterns, profiles and allowed senders take their defaults).
func (m *baselineModel) answers() model.Answers {
	var chs []string
	for _, ch := range baseline.KnownChannels {
		if m.channels[ch] {
			chs = append(chs, ch)
		}
	}
	a := model.Answers{baseline.QChannels: strings.Join(chs, ","), baseline.QDM: m.dm, baseline.QGroups: "no", baseline.QExposure: "loopback"}
	if m.groups {
		a[baseline.QGroups] = "yes"
	}
	if m.exposure == baseline.TailnetServe {
		a[baseline.QExposure] = "tailnet"
	}
	return a
}

// planCmd prepares the baseline as `hardshell baseline` does (the same
// baseline.Prepare): merged into the config when there is one, else a new
// commented config.
func (m *baselineModel) planCmd() tea.Cmd {
	ans, o, tokenEnv := m.answers(), m.opts, m.tokenEnv
	return func() tea.Msg {
		s, err := o.Load()
		if err != nil {
			return baselinePlannedMsg{err: err}
		}
		pl, err := baseline.Prepare(context.Background(), s, baseline.Request{
			Answers: ans, Comments: true, TokenEnv: tokenEnv, Merge: !s.ConfigMissing, Validate: o.Validate,
		})
		if err != nil {
			return baselinePlannedMsg{err: err}
		}
		return baselinePlannedMsg{prep: pl.Prepared, merge: pl.Merge, token: pl.Options.Token, target: pl.Target}
	}
}

func (m *baselineModel) commitCmd() tea.Cmd {
	p, ver := m.prep, m.opts.ToolVersion
	return func() tea.Msg {
		set, err := p.Txn.Commit(remediate.BackupMeta{Command: "baseline (wizard)", ToolVersion: ver, CheckIDs: []string{baseline.CheckID}})
		return baselineDoneMsg{set: set, err: err}
	}
}

func (m *baselineModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case baselinePlannedMsg:
		m.working = false
		m.err = msg.err
		if msg.err == nil {
			m.prep, m.merge, m.token, m.target = msg.prep, msg.merge, msg.token, msg.target
			if m.prep == nil {
				m.err = errors.New("the config already meets the baseline; nothing to change")
			}
		}
	case baselineDoneMsg:
		m.working = false
		if msg.err != nil {
			m.err, m.prep = msg.err, nil
			return m, nil
		}
		m.set = msg.set
		if m.set == nil {
			m.set = &remediate.BackupSet{ID: "(none)"}
		}
	case tea.KeyMsg:
		k := msg.String()
		if cmd, ok := busyOrQuit(m.working, k); ok {
			return m, cmd
		}
		switch {
		case m.set != nil:
			return m, doneKey(k)
		case m.prep != nil:
			if m.pane.key(k) {
				return m, nil
			}
			return m, reviewKey(k, &m.working, m.commitCmd, func() { m.prep = nil })
		default:
			if cmd, ok := listKey(k, &m.cursor, m.rows()); ok {
				return m, cmd
			}
			switch k {
			case " ", "x":
				m.toggle()
			case "enter":
				m.working, m.err = true, nil
				return m, m.planCmd()
			}
		}
	}
	return m, nil
}

func (m *baselineModel) toggle() {
	n := len(baseline.KnownChannels)
	switch {
	case m.cursor < n:
		ch := baseline.KnownChannels[m.cursor]
		m.channels[ch] = !m.channels[ch]
	case m.cursor == n:
		m.dm = map[string]string{"pairing": "allowlist", "allowlist": "pairing"}[m.dm]
		if m.dm == "allowlist" {
			m.err = errors.New("an allowlist needs sender ids: use `hardshell baseline --dm allowlist --allow-from channel:id`; pairing is kept here")
			m.dm = "pairing"
		}
	case m.cursor == n+1:
		m.groups = !m.groups
	case m.cursor == n+3:
		m.tokenEnv = !m.tokenEnv
	default:
		if m.exposure == baseline.Loopback {
			m.exposure = baseline.TailnetServe
		} else {
			m.exposure = baseline.Loopback
		}
	}
}

func (m *baselineModel) View() string {
	w := screenWidth(m.w)
	var b strings.Builder
	writeHead(&b, "Generate a secure baseline", "Note: ", m.err, w)
	switch {
	case m.working:
		b.WriteString("Working…\n")
	case m.set != nil:
		b.WriteString(stOK.Render("Baseline written to "+relText(m.opts.StateDir, m.target)+" (0600).") + "\n")
		where := "read it with `openclaw config get gateway.auth.token`"
		if m.tokenEnv {
			where = "it is in " + relText(m.opts.StateDir, filepath.Join(m.opts.StateDir, ".env")) + " as " + baseline.TokenVar
		}
		b.WriteString(wrap("Gateway token "+model.Mask(m.token)+" ("+where+"). Backup "+m.set.ID+".", w) + "\n")
		b.WriteString(wrap("Next: openclaw config validate · openclaw gateway restart · "+m.opts.command("rules"), w) + "\n")
		b.WriteString(helpLine(doneHelp))
	case m.prep != nil:
		what := "A new config (the token is masked below):"
		if m.merge {
			what = "Changes to your config (only tightening; comments kept):"
		}
		b.WriteString(what + "\n\n")
		text := m.prep.Diff()
		if !m.merge {
			text = string(m.prep.Files[m.target])
		}
		if m.token != "" {
			text = strings.ReplaceAll(text, m.token, model.Mask(m.token))
		}
		if !m.merge {
			text = prefixLines(text, "+ ")
		}
		b.WriteString(m.pane.view(text, w, m.h, 8) + "\n\n" + keyHints("y", "write", "n/esc", "back") + "\n")
	default:
		n := len(baseline.KnownChannels)
		for i := 0; i < m.rows(); i++ {
			var line string
			switch {
			case i < n:
				ch := baseline.KnownChannels[i]
				mark := "[ ]"
				if m.channels[ch] {
					mark = "[x]"
				}
				line = mark + " channel " + ch
			case i == n:
				line = "DMs: " + m.dm + " (unknown senders get a code you approve)"
			case i == n+1:
				line = "groups: off"
				if m.groups {
					line = "groups: on, only when mentioned (@openclaw)"
				}
			case i == n+3:
				line = "token: in openclaw.json"
				if m.tokenEnv {
					line = "token: in <state>/.env as " + baseline.TokenVar + " (the config references it)"
				}
			default:
				line = "exposure: loopback only"
				if m.exposure == baseline.TailnetServe {
					line = "exposure: tailnet via Tailscale Serve (gateway stays on loopback)"
				}
			}
			b.WriteString(cursorRow(line, i == m.cursor, w))
		}
		b.WriteString(helpLine("↑/↓ move · space toggle · enter review · esc back · q quit"))
	}
	return endScreen(&b, m.h)
}

func prefixLines(s, p string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return p + strings.Join(lines, "\n"+p)
}
