package audit

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	iofs "io/fs"
	"net/netip"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/hardshell/hardshell/fsys"
	"github.com/hardshell/hardshell/model"
)

// Live exposure: what actually listens on this host, read from the kernel's
// socket tables (/proc/net/tcp and tcp6) through the fsys seam, so the same
// code reads a remote host over SFTP. The configured bind says what the
// operator meant; a CLI --bind flag, an OPENCLAW_* override or a stale
// gateway started with other flags can listen wider than that.

// IDListenerExposed is the live-exposure finding's id.
const IDListenerExposed = "gateway.listener_exposed"

// DefaultProcRoot is where the kernel's process and socket tables live.
const DefaultProcRoot = "/proc"

func init() {
	Register("gateway", Check{
		ID: IDListenerExposed, Title: "Gateway port listens beyond what the config says",
		Tier: model.TierExposure, Fix: model.FixManual,
		Severity:    "critical without gateway auth, warn with auth",
		Trigger:     "a TCP socket in LISTEN state (from /proc/net/tcp and tcp6) on the gateway port on a wildcard (0.0.0.0, ::) or non-loopback address while gateway.bind says loopback (or a custom/tailnet address that the listener is wider than)",
		Remediation: "Restart the gateway without a --bind/--host override (check the service unit, OPENCLAW_GATEWAY_BIND and stale processes: the listing names the process where it is visible), so it listens only where gateway.bind says.",
		Why:         "The config is what you meant; the socket table is what a neighbour on the LAN, a Docker bridge or a VPN can actually reach. A gateway started by hand with --bind lan, an environment override in the service unit, or an old process that never restarted, exposes the control plane while every config check passes.",
		Breaks:      "Clients that reached the gateway through the wider address (another device on the LAN) lose access until they use Tailscale Serve or an SSH tunnel.",
		Since:       "hardshell",
	})
}

// Listener is one TCP socket in LISTEN state.
type Listener struct {
	Addr  netip.Addr `json:"addr"`
	Port  int        `json:"port"`
	UID   int        `json:"uid"`
	Inode uint64     `json:"inode"`
	// PID and Process name the owning process where /proc/<pid>/fd can be
	// read (another user's processes cannot be seen without privileges).
	PID     int    `json:"pid,omitempty"`
	Process string `json:"process,omitempty"` // the command's name, "openclaw gateway" for a recognised gateway
	Gateway bool   `json:"gateway,omitempty"` // the owner's command line runs `openclaw … gateway`
}

// HostPort renders the listener as host:port.
func (l Listener) HostPort() string {
	return netip.AddrPortFrom(l.Addr, uint16(l.Port)).String()
}

// Owner describes the owning process for a finding's detail.
func (l Listener) Owner() string {
	if l.PID == 0 {
		return "owner not visible"
	}
	return fmt.Sprintf("pid %d, %s", l.PID, l.Process)
}

// LiveState is what ReadLive saw.
type LiveState struct {
	Source    string     `json:"source"` // the proc root read, "/proc"
	Listeners []Listener `json:"listeners"`
	// Err says why the socket tables could not be read; Listeners is then
	// empty and the live check's verdict is unknown.
	Err error `json:"-"`
}

// ParseProcNetTCP reads the text of /proc/net/tcp (v6=false) or tcp6 and
// returns the sockets in LISTEN state (st 0A). Addresses are in the kernel's
// host byte order, which this reads as little-endian (x86, arm64, riscv).
func ParseProcNetTCP(data []byte, v6 bool) ([]Listener, error) {
	var out []Listener
	for n, line := range bytes.Split(data, []byte("\n")) {
		f := strings.Fields(string(line))
		if len(f) == 0 || f[0] == "sl" {
			continue
		}
		if len(f) < 10 {
			return nil, fmt.Errorf("line %d: %d fields, want at least 10", n+1, len(f))
		}
		if f[3] != "0A" {
			continue
		}
		addr, port, err := parseProcAddr(f[1], v6)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n+1, err)
		}
		uid, err := strconv.Atoi(f[7])
		if err != nil {
			return nil, fmt.Errorf("line %d: uid %q: %v", n+1, f[7], err)
		}
		inode, err := strconv.ParseUint(f[9], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: inode %q: %v", n+1, f[9], err)
		}
		out = append(out, Listener{Addr: addr, Port: port, UID: uid, Inode: inode})
	}
	return out, nil
}

// parseProcAddr decodes "0100007F:4965" (IPv4) or 32 hex digits + port
// (IPv6, four 32-bit words each in host order).
func parseProcAddr(s string, v6 bool) (netip.Addr, int, error) {
	h, p, ok := strings.Cut(s, ":")
	if !ok {
		return netip.Addr{}, 0, fmt.Errorf("address %q has no port", s)
	}
	port, err := strconv.ParseUint(p, 16, 16)
	if err != nil {
		return netip.Addr{}, 0, fmt.Errorf("port %q: %v", p, err)
	}
	raw, err := hex.DecodeString(h)
	want := 4
	if v6 {
		want = 16
	}
	if err != nil || len(raw) != want {
		return netip.Addr{}, 0, fmt.Errorf("address %q: want %d hex bytes", h, want)
	}
	for i := 0; i < len(raw); i += 4 { // each 32-bit word is little-endian
		raw[i], raw[i+1], raw[i+2], raw[i+3] = raw[i+3], raw[i+2], raw[i+1], raw[i]
	}
	if v6 {
		return netip.AddrFrom16([16]byte(raw)), int(port), nil
	}
	return netip.AddrFrom4([4]byte(raw)), int(port), nil
}

// maxProcScan bounds the /proc/<pid>/fd walk (processes looked at).
const maxProcScan = 20000

// ReadLive reads the listening TCP sockets under proc ("" = /proc) through
// fsys, and the owning process of each where /proc/<pid>/fd shows it. A
// missing tcp6 table (IPv6 disabled) is not an error.
func ReadLive(fs fsys.FS, proc string) *LiveState {
	if proc == "" {
		proc = DefaultProcRoot
	}
	st := &LiveState{Source: proc}
	var errs []error
	read := 0
	for _, t := range []struct {
		name string
		v6   bool
	}{{"tcp", false}, {"tcp6", true}} {
		p := path.Join(proc, "net", t.name)
		var buf bytes.Buffer
		_, err := fs.ReadLines(p, fsys.LineOptions{}, func(_ int, line []byte) error {
			buf.Write(line)
			buf.WriteByte('\n')
			return nil
		})
		if err != nil {
			if t.v6 && errors.Is(err, iofs.ErrNotExist) {
				continue
			}
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			continue
		}
		ls, err := ParseProcNetTCP(buf.Bytes(), t.v6)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			continue
		}
		read++
		st.Listeners = append(st.Listeners, ls...)
	}
	if read == 0 {
		st.Err = errors.Join(errs...)
		if st.Err == nil {
			st.Err = errors.New("no socket table could be read")
		}
		return st
	}
	sort.Slice(st.Listeners, func(i, j int) bool {
		a, b := st.Listeners[i], st.Listeners[j]
		if a.Port != b.Port {
			return a.Port < b.Port
		}
		return a.Addr.Less(b.Addr)
	})
	owners(fs, proc, st.Listeners)
	return st
}

// owners fills PID/Process/Gateway of each listener whose socket inode shows
// up among the fds of a process this user may look at.
func owners(fs fsys.FS, proc string, ls []Listener) {
	want := map[uint64][]int{}
	for i, l := range ls {
		if l.Inode != 0 {
			want[l.Inode] = append(want[l.Inode], i)
		}
	}
	if len(want) == 0 {
		return
	}
	procs, err := fs.ReadDir(proc, false)
	if err != nil {
		return
	}
	for n, e := range procs {
		if n >= maxProcScan || len(want) == 0 {
			return
		}
		pid, err := strconv.Atoi(e.Name)
		if err != nil || pid <= 0 {
			continue
		}
		fdDir := path.Join(proc, e.Name, "fd")
		fds, err := fs.ReadDir(fdDir, false)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			target, err := fs.Readlink(path.Join(fdDir, fd.Name))
			if err != nil || !strings.HasPrefix(target, "socket:[") {
				continue
			}
			inode, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(target, "socket:["), "]"), 10, 64)
			if err != nil {
				continue
			}
			idx, ok := want[inode]
			if !ok {
				continue
			}
			name, gw := processName(fs, path.Join(proc, e.Name))
			for _, i := range idx {
				ls[i].PID, ls[i].Process, ls[i].Gateway = pid, name, gw
			}
			delete(want, inode)
		}
	}
}

// processName names a process by its comm, and recognises an OpenClaw
// gateway from its command line (`openclaw gateway …`, `node …/openclaw.mjs
// gateway run`). Only the name is kept: a command line may carry a token.
func processName(fs fsys.FS, dir string) (string, bool) {
	comm, _ := fs.ReadFile(path.Join(dir, "comm"), fsys.ReadOptions{MaxSize: 4096})
	name := strings.TrimSpace(string(comm))
	cmd, err := fs.ReadFile(path.Join(dir, "cmdline"), fsys.ReadOptions{MaxSize: 1 << 16})
	if err != nil {
		return name, false
	}
	args := strings.Split(strings.TrimRight(string(cmd), "\x00"), "\x00")
	oc, gw := false, false
	for _, a := range args {
		base := path.Base(a)
		switch {
		case base == "openclaw" || base == "openclaw.mjs" || base == "openclaw-gateway" || strings.Contains(a, "/openclaw/"):
			oc = true
		case a == "gateway" && oc:
			gw = true
		}
	}
	if name == "openclaw-gateway" || name == "openclaw-gatewa" { // comm is cut at 15 bytes
		gw = true
	}
	if gw {
		return "openclaw gateway (" + name + ")", true
	}
	return name, false
}

// liveScope is the set of addresses the configured bind allows the gateway
// to listen on, in words and as a test.
func liveScope(s *model.Snapshot) (string, func(netip.Addr) bool) {
	isLoop := func(a netip.Addr) bool { return a.Unmap().IsLoopback() }
	switch b := gatewayBind(s); b {
	case "loopback":
		return `gateway.bind="loopback"`, isLoop
	case "custom":
		h := strings.Trim(strings.TrimSpace(configString(s, "gateway.customBindHost")), "[]")
		want, err := netip.ParseAddr(h)
		if err != nil || want.Unmap().IsUnspecified() {
			return "", nil // all interfaces (or unknown): nothing is wider
		}
		return fmt.Sprintf(`gateway.bind="custom", customBindHost=%q`, h), func(a netip.Addr) bool {
			return isLoop(a) || a.Unmap() == want.Unmap()
		}
	case "tailnet":
		return `gateway.bind="tailnet"`, func(a netip.Addr) bool {
			u := a.Unmap()
			return isLoop(a) || tailnetV4.Contains(u) || tailnetV6.Contains(u)
		}
	case "lan", "auto":
		return "", nil
	default:
		if a, err := netip.ParseAddr(strings.Trim(b, "[]")); err == nil && !a.Unmap().IsUnspecified() {
			return fmt.Sprintf("gateway.bind=%q", b), func(x netip.Addr) bool { return isLoop(x) || x.Unmap() == a.Unmap() }
		}
		return "", nil
	}
}

var (
	tailnetV4 = netip.MustParsePrefix("100.64.0.0/10")
	tailnetV6 = netip.MustParsePrefix("fd7a:115c:a1e0::/48")
)

// liveHits compares what listens with the configured bind: a gateway-port
// listener wider than the bind allows. A gateway on another port is not
// judged: one host may run several gateways (profiles, state dirs), and the
// socket table does not say which state dir a process serves.
// ok=false when the question could not be judged (no socket table).
func liveHits(s *model.Snapshot, st *LiveState) (hits []Hit, ok bool, reason string) {
	if st == nil {
		return nil, false, "the listening sockets were not read"
	}
	if st.Err != nil {
		return nil, false, "could not read the socket tables: " + st.Err.Error()
	}
	port := GatewayPort(s)
	scope, allowed := liveScope(s)
	if allowed == nil {
		return nil, true, fmt.Sprintf("gateway.bind=%q already listens on every interface (judged by the bind checks)", gatewayBind(s))
	}
	var wide []Listener
	seen := 0
	for _, l := range st.Listeners {
		if l.Port != port {
			continue
		}
		seen++
		if !allowed(l.Addr) {
			wide = append(wide, l)
		}
	}
	if len(wide) == 0 {
		if seen == 0 {
			return nil, true, fmt.Sprintf("nothing listens on port %d beyond what %s allows (no listener on it)", port, scope)
		}
		return nil, true, fmt.Sprintf("%d listener(s) on port %d, all within %s", seen, port, scope)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The config says %s (port %d), but the socket table (%s/net/tcp, tcp6) shows:", scope, port, st.Source)
	all := false
	for _, l := range wide {
		kind := "a non-loopback address"
		if l.Addr.Unmap().IsUnspecified() {
			kind, all = "all interfaces", true
		}
		fmt.Fprintf(&b, "\n- %s listening on %s (%s)", l.HostPort(), kind, l.Owner())
	}
	if all {
		b.WriteString("\nA listener on 0.0.0.0 or :: is reachable from every network this host is on.")
	}
	g := gatewaySecret(s)
	sev := model.Warn
	switch {
	case g.Unknown():
		b.WriteString("\nThe gateway secret depends on a variable missing in this shell (see config.env_var_missing).")
	case g.NoAuth():
		sev = model.Critical
		b.WriteString("\nNo gateway token/password is configured: anyone who reaches that address controls the gateway.")
	}
	return []Hit{{ID: IDListenerExposed, Severity: sev, Detail: b.String(), Paths: []string{"gateway.bind"}}}, true, ""
}

// TargetFS is the file system a snapshot was read from, without its
// recorder: the socket tables and /proc/<pid> are evidence that changes by
// the second, never an input a transaction should re-check.
func TargetFS(s *model.Snapshot) fsys.FS {
	if s != nil && s.Reads != nil && s.Reads.FS != nil {
		return s.Reads.FS
	}
	return fsys.Local{}
}
