package remediate

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/hardshell/hardshell/model"
)

// UpsertDotenv returns .env content data with KEY=value set. An existing
// KEY line (with or without "export ", indented or not) has its value
// replaced in place, keeping its indentation, "export " and key as written;
// a later duplicate of it is dropped (some loaders let the last one win).
// Without one, KEY=value is appended. Every other line, comment and the
// file's line endings (\n or \r\n) are kept. The value is quoted when
// dotenv would otherwise cut or alter it.
//
// It is the one writer of <state>/.env: the token fixes, containment and
// rotation all store their new secrets through it.
func UpsertDotenv(data []byte, key, value string) []byte {
	nl := "\n"
	if bytes.Contains(data, []byte("\r\n")) {
		nl = "\r\n"
	}
	q := dotenvQuote(value)
	lines := strings.SplitAfter(string(data), "\n")
	done := false
	for i, l := range lines {
		body := strings.TrimRight(l, "\r\n")
		t := strings.TrimLeft(body, " \t")
		indent := body[:len(body)-len(t)]
		prefix := ""
		if strings.HasPrefix(t, "export ") {
			prefix, t = "export ", strings.TrimLeft(t[len("export "):], " \t")
		}
		k, _, ok := strings.Cut(t, "=")
		if !ok || strings.TrimSpace(k) != key {
			continue
		}
		if done {
			lines[i] = "" // a later duplicate would win; drop it
			continue
		}
		lines[i] = indent + prefix + k + "=" + q + l[len(body):]
		done = true
	}
	out := strings.Join(lines, "")
	if !done {
		if out != "" && !strings.HasSuffix(out, "\n") {
			out += nl
		}
		out += key + "=" + q + nl
	}
	return []byte(out)
}

// dotenvQuote writes a value so that dotenv (and model.ParseDotenv) read it
// back exactly: bare when nothing in it is special, else in single quotes
// (literal in dotenv), else backticks (literal), else double quotes when no
// \n or \r sequence would be expanded. DotenvRoundTrips reports the values
// none of these can carry; callers that write arbitrary values refuse them.
func dotenvQuote(v string) string {
	switch {
	case v != "" && !strings.ContainsAny(v, " \t#\"'`\\$\n\r="):
		return v
	case !strings.Contains(v, "'"):
		return "'" + v + "'"
	case !strings.Contains(v, "`"):
		return "`" + v + "`"
	default:
		return `"` + v + `"`
	}
}

// DotenvRoundTrips reports whether v written by UpsertDotenv reads back as v.
func DotenvRoundTrips(v string) bool {
	got, ok := model.ParseDotenv([]byte("K=" + dotenvQuote(v) + "\n"))["K"]
	return ok && got == v
}

// ReadUnlinked reads a file about to be rewritten (a .env): nil when it is
// absent, and an error "<path> is a symlink; <onSymlink>" when it is a
// symlink, since the write path never follows links out of the state dir.
// onSymlink is the caller's advice (what to do instead).
func ReadUnlinked(path, onSymlink string) ([]byte, error) {
	fi, err := os.Lstat(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return nil, fmt.Errorf("%s is a symlink; %s", path, onSymlink)
	}
	return os.ReadFile(path)
}
