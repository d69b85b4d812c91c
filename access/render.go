package access

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Age is a short "3d", "12m", "5h" for a duration (negative: "in the
// future").
func Age(d time.Duration) string {
	switch {
	case d < 0:
		return "in the future"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
}

func (r *Review) ago(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return Age(r.Now.Sub(t)) + " ago"
}

// Name is "telegram" or "telegram (account support)".
func (c Channel) Name() string {
	if c.Account == "default" {
		return c.Channel
	}
	return c.Channel + " (account " + c.Account + ")"
}

// WriteText prints the review for a human. Callers pass a redacting
// writer: exec commands and meta values may hold secrets.
func (r *Review) WriteText(w io.Writer) {
	src := "JSON stores (2026.2 era: credentials/, devices/)"
	if r.Store == StoreSQLite {
		src = "state DB " + r.StateDB
	}
	fmt.Fprintf(w, "Who can reach the gateway — from the config and the %s\n", src)
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  ! could not read: %s\n", p)
	}
	if len(r.Channels) == 0 {
		fmt.Fprintln(w, "\nNo channels configured.")
	}
	for _, c := range r.Channels {
		dm, gp := c.DMPolicy, c.GroupPolicy
		if dm == "" {
			dm = "(not in the config)"
		}
		if gp == "" {
			gp = "(not in the config)"
		}
		fmt.Fprintf(w, "\n%s   DMs: %s   groups: %s\n", c.Name(), dm, gp)
		if len(c.Senders) == 0 {
			fmt.Fprintln(w, "  approved senders: none")
		} else {
			fmt.Fprintln(w, "  approved senders:")
			for _, s := range c.Senders {
				note := ""
				if !s.Counts {
					note = "   (ignored under dmPolicy " + quote(c.DMPolicy) + ")"
				}
				kind := "DM"
				if s.Kind == "group" {
					kind = "group"
				}
				fmt.Fprintf(w, "    %-14s %-5s %s: %s%s\n", s.ID, kind, s.Source, s.Where, note)
			}
			if !c.StoreUpdatedAt.IsZero() {
				fmt.Fprintf(w, "    (pairing store last changed %s; OpenClaw keeps no approval time per sender)\n", r.ago(c.StoreUpdatedAt))
			}
		}
		if len(c.Pending) > 0 {
			fmt.Fprintln(w, "  pending pairing requests:")
			for _, p := range c.Pending {
				who := p.ID
				if u := p.Meta["username"]; u != "" {
					who += " (@" + u + ")"
				}
				state := ""
				if p.Expired {
					state = "   expired (older than 1h; OpenClaw drops it on its next write and will not approve it)"
				}
				fmt.Fprintf(w, "    %s  %s  asked %s, last seen %s%s\n", p.Code, who, r.ago(p.CreatedAt), r.ago(p.LastSeenAt), state)
			}
		}
	}
	fmt.Fprintln(w, "\nDevices and nodes")
	if len(r.Devices.Paired) == 0 {
		fmt.Fprintln(w, "  paired: none")
	} else {
		fmt.Fprintln(w, "  paired:")
		for _, d := range r.Devices.Paired {
			fmt.Fprintf(w, "    %s  %s  role %s  scopes %s  approved %s via %s  last seen %s\n",
				ShortID(d.DeviceID), d.Title(), orDash(d.Role), orDash(strings.Join(d.Scopes, ",")), r.ago(d.ApprovedAt), orDash(d.ApprovedVia), r.ago(d.LastSeen))
		}
	}
	if len(r.Devices.Pending) == 0 {
		fmt.Fprintln(w, "  pending: none")
	} else {
		fmt.Fprintln(w, "  pending:")
		for _, d := range r.Devices.Pending {
			state := ""
			if d.Expired {
				state = "   expired (not refreshed for 5m; OpenClaw no longer lists it)"
			}
			fmt.Fprintf(w, "    request %s  %s  role %s  scopes %s  from %s  requested %s%s\n",
				d.RequestID, orDash(d.DisplayName+" "+d.ClientID), orDash(d.Role), orDash(strings.Join(d.Scopes, ",")), orDash(d.RemoteIP), r.ago(d.RequestedAt), state)
		}
	}
	fmt.Fprintln(w, "\nExec approvals")
	for _, p := range r.ExecPolicies {
		fmt.Fprintf(w, "  %s: security %s, ask %s\n", p.Agent, orDash(p.Security), orDash(p.Ask))
	}
	if len(r.ExecApprovals) == 0 {
		fmt.Fprintln(w, "  allowlist: none")
	}
	for _, e := range r.ExecApprovals {
		src := "added by hand"
		if e.Source != "" {
			src = e.Source
		}
		cmd := ""
		if e.Command != "" {
			cmd = "  (" + e.Command + ")"
		}
		fmt.Fprintf(w, "  %s: %s  %s  last used %s%s\n", e.Agent, e.Pattern, src, r.ago(e.LastUsedAt), cmd)
	}
}

// Title is a device's label, else its display name, else its client id.
func (d Device) Title() string {
	for _, s := range []string{d.Label, d.DisplayName, d.ClientID} {
		if s != "" {
			return s
		}
	}
	return "(unnamed)"
}

// ShortID is the first 12 characters of a device id.
func ShortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return strings.TrimSpace(s)
}

func quote(s string) string { return `"` + s + `"` }
