package tui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hardshell/hardshell/model"
	"github.com/hardshell/hardshell/remediate"
)

// RestoreFlow lists the state dir's backup sets and restores the chosen one
// (remediate.Restore, which first backs up the current state).
type RestoreFlow struct{}

func (RestoreFlow) Name() string { return "Restore a backup" }
func (RestoreFlow) Description() string {
	return "Put back the files and modes saved before an earlier write. The current state is backed up first, so a restore can be undone too."
}
func (RestoreFlow) Start(o Options) tea.Model { return newRestoreModel(o) }

type restoreModel struct {
	opts       Options
	sets       []remediate.BackupSet
	err        error
	cursor     int
	confirming bool
	working    bool
	done       *remediate.BackupSet // safety set written by the restore
	restored   string
	w, h       int
}

type restoredMsg struct {
	id     string
	safety *remediate.BackupSet
	err    error
}

func newRestoreModel(o Options) *restoreModel {
	m := &restoreModel{opts: o}
	m.sets, m.err = remediate.ListBackups(o.StateDir)
	return m
}

func (m *restoreModel) Init() tea.Cmd { return nil }

func (m *restoreModel) Summary() string {
	if m.restored == "" {
		return ""
	}
	s := "Restored backup " + m.restored + "."
	if m.done != nil {
		s += " The state before the restore is backup " + m.opts.undoText(m.done.ID) + "."
	}
	return s
}

func (m *restoreModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case restoredMsg:
		m.working = false
		m.confirming = false
		if msg.err != nil {
			m.err = msg.err
			return m, nil
		}
		m.err = nil
		m.restored, m.done = msg.id, msg.safety
		m.sets, _ = remediate.ListBackups(m.opts.StateDir)
	case tea.KeyMsg:
		if m.working {
			return m, nil
		}
		k := msg.String()
		if m.confirming {
			// Only y restores: enter picked the set, a second enter must not
			// overwrite files by accident.
			switch k {
			case "y":
				m.working = true
				id := m.sets[m.cursor].ID
				roots := remediate.RestoreRootsFor(model.Target{StateDir: m.opts.StateDir, ConfigPath: m.opts.ConfigPath})
				ver := m.opts.ToolVersion
				return m, func() tea.Msg {
					safety, err := remediate.Restore(roots, id, ver)
					return restoredMsg{id: id, safety: safety, err: err}
				}
			case "n", "esc", "q":
				m.confirming = false
			}
			return m, nil
		}
		if cmd, ok := listKey(k, &m.cursor, len(m.sets)); ok {
			return m, cmd
		}
		switch k {
		case "q":
			return m, tea.Quit
		case "enter":
			if len(m.sets) > 0 {
				m.confirming = true
				m.restored = ""
			}
		}
	}
	return m, nil
}

func (m *restoreModel) View() string {
	w := screenWidth(m.w)
	var b strings.Builder
	b.WriteString(stTitle.Render("Restore a backup") + "\n")
	b.WriteString(stDim.Render(trunc(relPath(m.opts.StateDir, remediate.BackupsDir(m.opts.StateDir)), w)) + "\n\n")
	if m.restored != "" {
		b.WriteString(stOK.Render("Restored "+m.restored+".") + "\n")
		if m.done != nil {
			b.WriteString(wrap("The state before the restore was saved as backup "+m.done.ID+"; undo with: "+m.opts.command("restore", m.done.ID), w) + "\n")
		}
		b.WriteString("\n")
	}
	if m.err != nil {
		b.WriteString(stErr.Render("Error: ") + wrap(m.err.Error(), w-8) + "\n\n")
	}
	if len(m.sets) == 0 {
		b.WriteString("No backups yet: hardshell makes one before every write.\n")
	}
	for i, s := range m.sets {
		b.WriteString(cursorRow(fmt.Sprintf("%s  %-10s %s", s.ID, trunc(s.Command, 10), s.Summary()), i == m.cursor, w))
	}
	b.WriteString("\n")
	switch {
	case m.working:
		b.WriteString("Restoring…\n")
	case m.confirming:
		s := m.sets[m.cursor]
		b.WriteString(wrap(fmt.Sprintf("Restore %s? It puts back: %s. The current state is backed up first.", s.ID, s.Summary()), w) + "\n")
		b.WriteString(keyHints("y", "restore", "n/esc", "cancel") + "\n")
	default:
		b.WriteString(stDim.Render("↑/↓ choose · enter restore · esc back · q quit") + "\n")
	}
	return endScreen(&b, m.h)
}
