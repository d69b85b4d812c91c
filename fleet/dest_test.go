package fleet

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hardshell/hardshell/model"
)

func TestDestination(t *testing.T) {
	for _, tc := range []struct {
		r     reach
		dest  string
		local bool
		ok    bool
	}{
		{reach{Host: "gw1.example.net"}, "gw1.example.net", false, true},
		{reach{Connection: "ssh", Host: "10.0.0.7", User: "oc", Port: []byte("2222")}, "oc@10.0.0.7:2222", false, true},
		{reach{Host: "10.0.0.7", Port: []byte(`"22"`)}, "10.0.0.7:22", false, true},
		{reach{Host: "10.0.0.7", Port: []byte("null")}, "10.0.0.7", false, true},
		{reach{Host: "fe80::1", User: "oc", Port: []byte("2222")}, "oc@[fe80::1]:2222", false, true},
		{reach{Host: "2001:db8::5"}, "2001:db8::5", false, true},
		{reach{Connection: "local", Host: "alpha"}, "", true, true},
		{reach{Connection: "docker", Host: "c1"}, "", false, false},
		{reach{Host: "-oProxyCommand=evil"}, "", false, false},
		{reach{Host: "gw 1"}, "", false, false},
		{reach{Host: "gw1", User: "a@b"}, "", false, false},
		{reach{Host: "gw1", Port: []byte("70000")}, "", false, false},
		{reach{Host: "gw1:22"}, "", false, false},
		{reach{Host: ""}, "", false, false},
	} {
		dest, local, ok := destination(tc.r)
		require.Equal(t, []any{tc.dest, tc.local, tc.ok}, []any{dest, local, ok}, "%+v", tc.r)
	}
}

// The destinations audit.yml writes are read next to the reports: a host
// Ansible reached at another address is reached there again, a local one
// on this machine, one not listed (or not sayable as ssh) by its name; a
// missing host gets its destination too, and the file is not a host.
func TestLoadDestinations(t *testing.T) {
	now := time.Now()
	dir := fleetDir(t, now)
	require.NoError(t, os.WriteFile(filepath.Join(dir, DestinationsFile), []byte(`{
  "alpha": {"connection": "ssh", "host": "10.0.0.7", "user": "oc", "port": 2222},
  "beta": {"connection": "local", "host": "beta", "user": "", "port": ""},
  "old": {"connection": "docker", "host": "c1", "user": "", "port": ""},
  "delta": {"connection": "ssh", "host": "gw-delta.example.net", "user": "", "port": ""}
}
`), 0o600))
	f, err := Load(dir, Options{Now: now})
	require.NoError(t, err)
	reach := map[string]string{}
	for _, h := range f.Hosts {
		require.NotEqual(t, "ssh-destinations", h.Host)
		reach[h.Host] = h.Reach()
	}
	require.Equal(t, map[string]string{
		"alpha": "oc@10.0.0.7:2222", "beta": "", "gamma": "gamma", "old": "old", "broken": "broken", "delta": "gw-delta.example.net",
	}, reach)

	require.NoError(t, os.WriteFile(filepath.Join(dir, DestinationsFile), []byte("{\n  \"alpha\": oops\n}\n"), 0o600))
	_, err = Load(dir, Options{Now: now})
	var ie *model.InputError
	require.True(t, errors.As(err, &ie), "%v", err)
	require.Contains(t, err.Error(), DestinationsFile+":2:")
}
