package fleet

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
)

// DestinationsFile, in the report folder, says how Ansible reached each
// host: audit.yml writes the inventory's ansible_connection, ansible_host,
// ansible_user and ansible_port there, one object per inventory name, so a
// command printed for a host (`hardshell audit --host DEST`) reaches the
// machine Ansible audited, not whatever the inventory name resolves to.
// Without it (or without a host in it) the inventory name is the
// destination.
const DestinationsFile = "ssh-destinations.json"

// reach is one host's entry of DestinationsFile.
type reach struct {
	Connection string          `json:"connection"`
	Host       string          `json:"host"`
	User       string          `json:"user"`
	Port       json.RawMessage `json:"port"` // a number or a string in the inventory
}

// readDestinations reads DestinationsFile in dir: nil when it is absent.
func readDestinations(fsy fsys.FS, dir string) (map[string]reach, error) {
	path := filepath.Join(dir, DestinationsFile)
	data, err := fsy.ReadFile(path, fsys.ReadOptions{NoFollow: true, MaxSize: fsys.MaxStore})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &model.InputError{File: path, Msg: "cannot read: " + reason(err), Err: err}
	}
	var m map[string]reach
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, &model.InputError{File: path, Msg: jsonProblem(path, data, err), Err: err}
	}
	return m, nil
}

// destination is the --host DEST that reaches r again ([user@]host[:port],
// an IPv6 address in brackets with a port), local when Ansible ran on this
// machine (ansible_connection=local), ok=false when r cannot be said as
// an ssh destination (another connection plugin, a value ssh would take as
// an option or that has spaces): the inventory name is used then.
func destination(r reach) (dest string, local, ok bool) {
	switch r.Connection {
	case "local":
		return "", true, true
	case "", "ssh", "smart", "paramiko", "paramiko_ssh", "ansible.builtin.ssh", "ansible.legacy.ssh":
	default:
		return "", false, false
	}
	word := func(s string) bool {
		return s != "" && !strings.HasPrefix(s, "-") && !strings.ContainsAny(s, " \t\r\n\"'`$\\;&|<>()")
	}
	host := strings.TrimSpace(r.Host)
	if !word(host) || strings.ContainsAny(host, "@/") {
		return "", false, false
	}
	user := strings.TrimSpace(r.User)
	if user != "" && (!word(user) || strings.ContainsAny(user, "@:/")) {
		return "", false, false
	}
	port := strings.Trim(strings.TrimSpace(string(r.Port)), `"`)
	if port == "null" {
		port = ""
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "", false, false
		}
	}
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil && a.Is6() {
		host = strings.Trim(host, "[]")
		if port != "" {
			host = "[" + host + "]"
		}
	} else if strings.Contains(host, ":") {
		return "", false, false
	}
	dest = host
	if user != "" {
		dest = user + "@" + dest
	}
	if port != "" {
		dest += ":" + port
	}
	return dest, false, true
}

// applyDestinations gives each host how it is reached again.
func applyDestinations(hs []*Host, m map[string]reach) {
	for _, h := range hs {
		r, found := m[h.Host]
		if !found {
			continue
		}
		if dest, local, ok := destination(r); ok {
			h.Dest, h.Local = dest, local
		}
	}
}

// Reach is how the host's commands name it again: its ssh destination as
// Ansible reached it, "" for this machine (Ansible's local connection), the
// inventory name when the folder does not say.
func (h *Host) Reach() string {
	switch {
	case h.Local:
		return ""
	case h.Dest != "":
		return h.Dest
	}
	return h.Host
}
